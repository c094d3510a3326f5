// The processes the benchmark measures, each a child process of its own so /proc can tell their
// CPU apart: the WasabiCard sandbox (child.ts, as `cardflow sandbox wasabi` with the card limit
// lifted), the Temporal dev server (one per storage setting) and the worker (`cardflow worker`).
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../dev/ports';
import { stopChild } from '../dev/stop-child';
import { startTemporalDevServer, type TemporalDevServer } from '../dev/temporal-server';
import { projectRoot } from '../../src/config/project-root';
import type { Storage } from './storage';

/** A child process running a TypeScript entry of this project (through tsx's loader). */
export interface TsChild {
  pid: number;
  /** The last lines it printed. */
  output: string[];
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export function spawnTs(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): TsChild & { child: ChildProcess } {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry, ...args], {
    cwd: projectRoot(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 200) output.shift();
      }
    });
  }
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    child.once('error', () => done(-1));
  });
  return {
    child,
    pid: child.pid ?? -1,
    output,
    exited,
    stop: (graceMs = 10_000) => stopChild(child, exited, graceMs),
  };
}

/** Waits until `ready()` answers something, failing early when the child exits. */
export async function until<T>(
  what: string,
  child: TsChild,
  ready: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  let gone = false;
  void child.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ready();
    if (value !== undefined) return value;
    if (gone || Date.now() > deadline) {
      await child.stop(1000);
      throw new Error(
        `${what} ${gone ? 'exited' : 'did not start'}; last output:\n  ${child.output.slice(-15).join('\n  ')}`,
      );
    }
    await sleep(100);
  }
}

const CLI = 'src/cli/main.ts';

/** Base environment of a child: no inherited provider or Temporal settings. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name]) env[name] = process.env[name];
  return { ...env, ...extra };
}

export interface SandboxProcess extends TsChild {
  url: string;
  /** Client settings for the WasabiCard client (as files, the way an operator passes them). */
  apiKeyFile: string;
  merchantPrivateKeyFile: string;
  platformPublicKeyFile: string;
  apiKey: string;
  merchantPrivateKey: string;
  platformPublicKey: string;
}

/** Keys of the sandbox and of the merchant, written as files (the way an operator passes them). */
function writeSandboxKeys(keyDir: string) {
  mkdirSync(keyDir, { recursive: true });
  const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchant = pair();
  const platform = pair();
  const files = {
    apiKeyFile: join(keyDir, 'api-key'),
    merchantPrivateKeyFile: join(keyDir, 'merchant.private.pem'),
    platformPublicKeyFile: join(keyDir, 'platform.public.pem'),
  };
  const contents = {
    apiKey: `${randomUUID()}-${randomUUID()}`,
    merchantPrivateKey: merchant.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    platformPublicKey: platform.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  writeFileSync(files.apiKeyFile, contents.apiKey, { mode: 0o600 });
  writeFileSync(files.merchantPrivateKeyFile, contents.merchantPrivateKey, { mode: 0o600 });
  writeFileSync(files.platformPublicKeyFile, contents.platformPublicKey);
  writeFileSync(
    join(keyDir, 'merchant.public.pem'),
    merchant.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  );
  writeFileSync(
    join(keyDir, 'platform.private.pem'),
    platform.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    { mode: 0o600 },
  );
  return { ...files, ...contents };
}

/** The WasabiCard sandbox (2048-bit keys on both sides) in a process of its own. */
export async function startWasabiSandboxProcess(options: {
  dataDir: string;
  timeScale: number;
}): Promise<SandboxProcess> {
  const keys = writeSandboxKeys(join(options.dataDir, 'wasabi-sandbox'));
  const port = await freePort();
  const child = spawnTs(
    'tools/bench/child.ts',
    ['sandbox', join(options.dataDir, 'wasabi-sandbox'), String(port), String(options.timeScale)],
    childEnv({}),
  );
  const url = await until('the WasabiCard sandbox', child, () => {
    for (const line of child.output) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) return match[1];
    }
    return undefined;
  });
  return { ...child, url: url as string, ...keys };
}

export async function startDevServer(storage: Storage, dataDir: string): Promise<TemporalDevServer> {
  return startTemporalDevServer({
    port: await freePort(),
    uiPort: false,
    ...(storage === 'memory' ? {} : { dbFile: join(dataDir, `temporal-${storage}-${Date.now()}.sqlite`) }),
    ...(storage === 'wal' ? { sqlitePragmas: ['journal_mode=wal'] } : {}),
  });
}

export interface WorkerProcess extends TsChild {
  healthUrl: string;
}

/** Worker settings the benchmark changes from the defaults (see docs/benchmark.md). */
export const BENCH_WORKER_ENV = {
  // The product default caps provider calls at 50 activities/s across the task queue; the plain
  // script has no such cap, so the benchmark measures both without one.
  CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: 'off',
} as const;

export async function startWorkerProcess(options: {
  temporalAddress: string;
  dataDir: string;
  bundlePath: string;
  sandbox: SandboxProcess;
  clientTimeout: string;
  /** Extra CARDFLOW_WORKER_* settings (tuning experiments). */
  extraEnv?: Record<string, string>;
  /** Extra node options, e.g. `--cpu-prof` for profiling. */
  nodeArgs?: string[];
}): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const child = spawnTs(
    CLI,
    ['worker', '--dev'],
    childEnv({
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      CARDFLOW_DATA_DIR: options.dataDir,
      CARDFLOW_LOG_LEVEL: 'warn',
      CARDFLOW_METRICS_BIND_ADDRESS: 'off',
      CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: `127.0.0.1:${healthPort}`,
      CARDFLOW_WORKFLOW_BUNDLE: 'prebuilt',
      CARDFLOW_WORKFLOW_BUNDLE_PATH: options.bundlePath,
      CARDFLOW_WORKER_SHUTDOWN_GRACE: '2s',
      WASABI_BASE_URL: options.sandbox.url,
      WASABI_API_KEY_FILE: options.sandbox.apiKeyFile,
      WASABI_MERCHANT_PRIVATE_KEY_FILE: options.sandbox.merchantPrivateKeyFile,
      WASABI_PLATFORM_PUBLIC_KEY_FILE: options.sandbox.platformPublicKeyFile,
      WASABI_TIMEOUT: options.clientTimeout,
      ...BENCH_WORKER_ENV,
      ...(options.extraEnv ?? {}),
    }),
    options.nodeArgs,
  );
  const healthUrl = `http://127.0.0.1:${healthPort}/health`;
  await until('the worker', child, async () => {
    try {
      const response = await fetch(healthUrl);
      return response.status === 200 ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return { ...child, healthUrl };
}

/** Builds the product workflow bundle once, in a child process, for every worker of the run. */
export async function buildWorkflowBundle(path: string): Promise<void> {
  const child = spawnTs('tools/bench/child.ts', ['bundle', path], childEnv({}));
  const code = await child.exited;
  if (code !== 0) throw new Error(`bundling the workflows failed:\n  ${child.output.join('\n  ')}`);
}

export interface ApiProcess extends TsChild {
  url: string;
  /** The dev bearer token `cardflow api --dev` wrote into the data folder (for the journal). */
  token: string;
}

/**
 * `cardflow api --dev` on a free port, on the given Temporal server, taking the sandbox's
 * WasabiCard notifications (the webhook-to-flow block); its journal keeps every notification.
 */
export async function startApiProcess(options: {
  temporalAddress: string;
  dataDir: string;
  sandbox: SandboxProcess;
  clientTimeout: string;
}): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawnTs(
    CLI,
    ['api', '--dev'],
    childEnv({
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      CARDFLOW_DATA_DIR: options.dataDir,
      CARDFLOW_LOG_LEVEL: 'warn',
      CARDFLOW_API_BIND_ADDRESS: `127.0.0.1:${port}`,
      CARDFLOW_API_WEBHOOK_JOURNAL: '1000000',
      WASABI_BASE_URL: options.sandbox.url,
      WASABI_API_KEY_FILE: options.sandbox.apiKeyFile,
      WASABI_MERCHANT_PRIVATE_KEY_FILE: options.sandbox.merchantPrivateKeyFile,
      WASABI_PLATFORM_PUBLIC_KEY_FILE: options.sandbox.platformPublicKeyFile,
      WASABI_TIMEOUT: options.clientTimeout,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await until('the API', child, async () => {
    try {
      const response = await fetch(`${url}/health`);
      return response.status === 200 ? true : undefined;
    } catch {
      return undefined;
    }
  });
  // API_DEV_TOKEN_FILE of src/cli/api-command.ts (not imported: it would load the API into the driver).
  const token = readFileSync(join(options.dataDir, 'api-token'), 'utf8').trim();
  return { ...child, url, token };
}
