// The embedded Temporal server: `temporal server start-dev` from the project's pinned CLI, with
// the project's search attributes, optionally file-backed (SQLite) so flows survive a restart,
// and the Web UI pointed at the codec server. Used by the dev stack, the benchmark and the chaos
// suite; tests that only need a throw-away server use @temporalio/testing instead.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { CARD_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { requireTemporalBinary } from '../../src/runtime/temporal-binaries';
import { assertPortsFree, type PortClaim } from './ports';
import { stopChild } from './stop-child';

export interface TemporalDevServerOptions {
  /** Bind address of the frontend and the UI (default 127.0.0.1). */
  host?: string;
  /** Frontend gRPC port (default 7233). */
  port?: number;
  /** Web UI port (default port + 1000); `false` runs headless. */
  uiPort?: number | false;
  /** SQLite file; absent: in memory (everything is lost when the server stops). */
  dbFile?: string;
  /** SQLite pragmas such as `journal_mode=wal` (file-backed only). */
  sqlitePragmas?: readonly string[];
  /** The codec server the Web UI sends payloads to for decoding. */
  uiCodecEndpoint?: string;
  /** Namespaces to create besides `default` (ready at once, unlike a registered one). */
  namespaces?: readonly string[];
  /** Server log level (default warn: the dev server is chatty). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Settings named in port errors, so a user knows what to change. */
  portSettings?: { port?: string; uiPort?: string };
  /** Each line the server prints (stdout and stderr). */
  onOutput?: (line: string) => void;
  /** How long to wait for the frontend to answer (default 60 s). */
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  uiUrl?: string;
  dbFile?: string;
  pid: number;
  /** Settles when the process exits (with its exit code, or null after a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, for fault tests. */
  kill(): Promise<void>;
}

export class TemporalDevServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalDevServerError';
  }
}

const OUTPUT_KEPT = 40;

export function devServerArgs(options: TemporalDevServerOptions): string[] {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port)];
  if (options.uiPort === false) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort ?? port + 1000), '--ui-disable-news-fetch');
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const pragma of options.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  if (options.uiCodecEndpoint && options.uiPort !== false)
    args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const attribute of CARD_SEARCH_ATTRIBUTES)
    args.push('--search-attribute', `${attribute.name}=Keyword`);
  for (const namespace of options.namespaces ?? []) args.push('--namespace', namespace);
  args.push('--log-level', options.logLevel ?? 'warn');
  // Our SDK is newer than what the dev server knows about; the check only adds noise.
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  return args;
}

/** Starts the dev server and answers once its frontend serves requests. */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const claims: PortClaim[] = [
    { what: 'Temporal frontend (gRPC)', host, port, setting: options.portSettings?.port },
  ];
  if (options.uiPort !== false) {
    claims.push({
      what: 'Temporal Web UI',
      host,
      port: options.uiPort ?? port + 1000,
      setting: options.portSettings?.uiPort,
    });
  }
  await assertPortsFree(claims);
  if (options.dbFile) mkdirSync(dirname(options.dbFile), { recursive: true });

  const binary = requireTemporalBinary('cli');
  const child = spawn(binary, devServerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    recent.push(line);
    if (recent.length > OUTPUT_KEPT) recent.shift();
    options.onOutput?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    child.once('error', (error) => {
      onLine(`spawn failed: ${error.message}`);
      done(-1);
    });
  });

  const address = `${host}:${port}`;
  try {
    await waitUntilServing(address, exited, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    const tail = recent.length ? `\nlast output:\n  ${recent.slice(-10).join('\n  ')}` : '';
    throw new TemporalDevServerError(`${(error as Error).message}${tail}`);
  }

  return {
    address,
    ...(options.uiPort === false ? {} : { uiUrl: `http://${host}:${options.uiPort ?? port + 1000}` }),
    ...(options.dbFile ? { dbFile: options.dbFile } : {}),
    pid: child.pid ?? -1,
    exited,
    stop: (graceMs = 10_000) => stopChild(child, exited, graceMs),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitUntilServing(
  address: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  let exitCode: number | null = null;
  void exited.then((code) => {
    gone = true;
    exitCode = code;
  });
  let lastError = '';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the Temporal dev server exited during start-up (code ${exitCode})`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      return;
    } catch (error) {
      lastError = (error as Error).message;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(
    `the Temporal dev server did not answer on ${address} within ${timeoutMs} ms (${lastError})`,
  );
}
