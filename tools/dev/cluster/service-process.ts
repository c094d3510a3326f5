// One Temporal service process of `cardflow cluster`: `temporal-server --config-file <file>
// start --service <kind>`, its output appended to a log file, started, stopped (SIGTERM, the
// server's graceful shutdown), SIGKILLed (a crash) and started again on the same ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcessSpec } from './config';
import { stopOnExit } from './on-exit';

export interface ServiceProcessOptions {
  spec: ServiceProcessSpec;
  host: string;
  server: string;
  configFile: string;
  logFile: string;
  /** Called when the process exits without having been stopped or killed by us. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Resolves true when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export class TemporalServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private log: WriteStream | undefined;
  starts = 0;
  kills = 0;
  unexpectedExits = 0;

  constructor(readonly options: ServiceProcessOptions) {}

  get id(): string {
    return this.options.spec.id;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** host:port of its gRPC endpoint (also its identity as a shard owner, for history). */
  get address(): string {
    return `${this.options.host}:${this.options.spec.ports.grpc}`;
  }

  /** Spawns the service and waits until its gRPC port accepts connections. */
  async start(timeoutMs = 90_000): Promise<void> {
    if (this.running) return;
    const { spec, server, configFile } = this.options;
    this.log ??= createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn(server, ['--config-file', configFile, 'start', '--service', spec.service], {
      // No call home for a version check (there may be no internet; nothing to report either).
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_VERSION_CHECK_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    stopOnExit(child, 'SIGTERM');
    this.starts++;
    this.child = child;
    this.expectingExit = false;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    let started = false;
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        if (started && !this.expectingExit && this.child === child) {
          this.unexpectedExits++;
          this.options.onUnexpectedExit?.(code, signal);
        }
        done();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (!(await portOpen(this.options.host, spec.ports.grpc))) {
      if (!this.running)
        throw new Error(
          `temporal ${spec.id} exited during start-up (see ${this.options.logFile}):\n${this.logTail()}`,
        );
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`temporal ${spec.id} did not listen on ${this.address} within ${timeoutMs} ms`);
      }
      await sleep(150);
    }
    started = true;
  }

  /** SIGTERM (the server shuts down gracefully), SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running || !this.child) return;
    this.expectingExit = true;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: a crash, no shutdown of any kind. */
  async kill(): Promise<void> {
    if (!this.running || !this.child) return;
    this.expectingExit = true;
    this.kills++;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.log) await new Promise<void>((done) => this.log?.end(done));
    this.log = undefined;
  }

  /** The last lines of its log. */
  logTail(): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').split('\n').slice(-12).join('\n');
    } catch {
      return '';
    }
  }
}
