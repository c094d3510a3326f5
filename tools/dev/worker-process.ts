// One `cardflow worker --dev` child process of the chaos suite: started with the stack's
// environment, its output appended to a log file (scanned for canaries afterwards), SIGKILLed and
// restarted by the fault schedule. An exit nobody asked for is counted and the worker restarted.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { stopOnExit } from './cluster/on-exit';
import { freePort } from './ports';
import { stopChild } from './stop-child';
import { projectRoot } from '../../src/config/project-root';

export interface WorkerProcessOptions {
  name: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** How long a (re)start may take to report healthy. */
  readyTimeoutMs?: number;
  /**
   * A process group of its own: Ctrl-C in the terminal then reaches only the parent, which stops
   * the worker itself (the cluster stack, which restarts a worker that exits on its own).
   */
  detached?: boolean;
  /** Called when the process exits without having been killed or stopped by us. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export class WorkerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private readonly log: WriteStream;
  starts = 0;
  kills = 0;
  unexpectedExits = 0;
  /** The /health URL of the current (or last) process. */
  healthUrl: string | undefined;

  constructor(private readonly options: WorkerProcessOptions) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns the worker and waits until its /health answers 200. A start can fail while the dev
   * server is itself down: `attempts` > 1 tries again, 3 s apart.
   */
  async start(attempts = 1): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await this.startOnce();
      } catch (error) {
        if (i >= attempts) throw error;
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  private async startOnce(): Promise<void> {
    const healthPort = await freePort();
    const health = `127.0.0.1:${healthPort}`;
    this.healthUrl = `http://${health}/health`;
    const root = projectRoot();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'worker', '--dev'],
      {
        cwd: root,
        env: { ...this.options.env, CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: health },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: this.options.detached ?? false,
      },
    );
    if (this.options.detached) stopOnExit(child, 'SIGTERM');
    this.starts++;
    this.child = child;
    this.expectingExit = false;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    let healthy = false;
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        // An exit during start-up is the start's failure, not a crash to react to.
        if (healthy && !this.expectingExit && this.child === child) {
          this.unexpectedExits++;
          this.options.onUnexpectedExit?.(code, signal);
        }
        done();
      }),
    );
    try {
      await this.waitHealthy(`http://${health}/health`, child);
      healthy = true;
    } catch (error) {
      this.expectingExit = true;
      child.kill('SIGKILL');
      await this.exited;
      throw error;
    }
  }

  /** SIGKILL: a crash, no shutdown of any kind. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.expectingExit = true;
    this.kills++;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.expectingExit = true;
    if (this.child) await stopChild(this.child, this.exited, graceMs);
  }

  async close(): Promise<void> {
    await this.stop(5_000);
    await new Promise<void>((done) => this.log.end(done));
  }

  private async waitHealthy(url: string, child: ChildProcess): Promise<void> {
    const until = Date.now() + (this.options.readyTimeoutMs ?? 90_000);
    let last = '';
    while (Date.now() < until) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${this.options.name} exited during start-up (see ${this.options.logFile})`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (response.ok) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.options.name} did not become healthy at ${url} (${last})`);
  }
}
