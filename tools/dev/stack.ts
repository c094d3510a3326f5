// The dev stack behind `npm start`: the embedded Temporal server (SQLite with WAL in the data
// folder, the Web UI pointed at the codec server, the project's search attributes), both provider
// sandboxes, the codec server, the worker and the API, all wired by the same configuration code a
// deployment uses. Parts start in dependency order, each checked healthy; a failure stops what
// already started. Logs go to <data>/logs/cardflow.log (errors also to stderr).
// `cardflow cluster` runs the same parts against its own Temporal cluster (`temporal`), with the
// worker as separate processes sharing a Redis secret store (`workerProcesses`).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { z } from 'zod';
import { loadApiSettings, type RunningApi, startApiServer } from '../../src/cli/api-command';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WorkerProcess } from './worker-process';
import { KazepayClient } from '../../src/providers/kazepay/client';
import { kazepayClientOptionsFromEnv } from '../../src/providers/kazepay/config';
import { parseEnv } from '../../src/config/env';
import { createLogger, type Logger } from '../../src/logging/logger';
import { ONBOARDING_NAMESPACE } from '../onboarding/worker';
import { setUpNexus } from './nexus-setup';
import { loadWorkerSettings, type RunningWorker, startWorker } from '../../src/runtime/worker';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { kazepaySandboxEnvSchema, launchKazepaySandbox } from '../sandbox/kazepay/cli';
import type { KazepaySandbox } from '../sandbox/kazepay/server';
import { launchWasabiSandbox, wasabiSandboxEnvSchema } from '../sandbox/wasabi/cli';
import type { WasabiSandbox } from '../sandbox/wasabi/server';
import {
  bearerTokenAuthorizer,
  type RunningCodecServer,
  startCodecServer,
} from '../../src/security/codec-server';
import { loadCodecServerSetup } from '../../src/cli/codec-server-command';
import { createSecretStore, loadSecretStoreConfig } from '../../src/security/secret-store-config';
import { assertPortsFree, type PortClaim } from './ports';
import { findRedisServer, startTestRedis } from './redis-server';
import { type DevStackSettings, loadDevStackSettings } from './settings';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';

export interface DevStackUrls {
  api: string;
  openapi: string;
  temporalUi: string;
  /** host:port of the Temporal frontend (TEMPORAL_ADDRESS). */
  temporal: string;
  codecServer: string;
  kazepaySandbox: string;
  wasabiSandbox: string;
  metrics: string;
  workerHealth: string;
}

export interface DevStack {
  urls: DevStackUrls;
  /** Development credentials (generated once into the data folder). */
  credentials: { apiToken: string; apiTokenFile: string; codecToken: string; codecTokenFile: string };
  dataDir: string;
  logFile: string;
  /** Where the dev server keeps its state (absent: in memory, unless `externalTemporal`). */
  temporalDbFile?: string;
  /** The Temporal the stack was given (the cluster) instead of a dev server of its own. */
  externalTemporal?: ExternalTemporal;
  kazepay: KazepaySandbox;
  wasabi: WasabiSandbox;
  /** The namespace the engine uses. */
  namespace: string;
  /** The worker processes (with `workerProcesses`; empty when the worker runs in this process). */
  workers: WorkerProcess[];
  /** Stops every part, last started first. */
  stop(): Promise<void>;
}

export interface StartDevStackOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines for a person watching ("temporal: ready"). */
  onProgress?: (line: string) => void;
  /** A logger instead of the log file (tests). */
  logger?: Logger;
  /** A Temporal that is already running (the cluster): no dev server is started. */
  temporal?: ExternalTemporal;
  /**
   * Run the worker as this many `cardflow worker --dev` processes (PIN handles shared through a
   * throwaway Redis, as the compose file does) instead of inside this process.
   */
  workerProcesses?: number;
}

export interface ExternalTemporal {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** What it is, for the progress line. */
  description: string;
}

const TEMPORAL_VARIABLES = /^TEMPORAL_/;

export async function startDevStack(options: StartDevStackOptions = {}): Promise<DevStack> {
  const baseEnv = options.env ?? process.env;
  const settings = loadDevStackSettings(baseEnv);
  const progress = options.onProgress ?? (() => undefined);
  const host = settings.CARDFLOW_DEV_HOST;
  const dataDir = resolve(settings.CARDFLOW_DATA_DIR);
  const logFile = join(dataDir, 'logs', 'cardflow.log');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  await assertPortsFree(
    portClaims(settings).filter((c) => !(options.temporal && c.setting?.startsWith('CARDFLOW_DEV_TEMPORAL'))),
  );
  const namespace = options.temporal?.namespace ?? 'default';

  const logger = options.logger ?? stackLogger(settings, logFile);
  const api = `http://${host}:${settings.CARDFLOW_DEV_API_PORT}`;
  const uiOrigins = [
    `http://${host}:${settings.CARDFLOW_DEV_TEMPORAL_UI_PORT}`,
    `http://localhost:${settings.CARDFLOW_DEV_TEMPORAL_UI_PORT}`,
  ];
  // One environment for every part: the dev ports, the embedded server, never a Temporal target
  // inherited from the shell (that would point the dev worker at someone's real cluster).
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(baseEnv).filter(([name]) => !TEMPORAL_VARIABLES.test(name))),
    CARDFLOW_DATA_DIR: dataDir,
    CARDFLOW_LOG_LEVEL: settings.CARDFLOW_LOG_LEVEL,
    TEMPORAL_ADDRESS: options.temporal?.address ?? `${host}:${settings.CARDFLOW_DEV_TEMPORAL_PORT}`,
    TEMPORAL_NAMESPACE: namespace,
    CARDFLOW_CODEC_SERVER_BIND_ADDRESS: `${host}:${settings.CARDFLOW_DEV_CODEC_SERVER_PORT}`,
    CARDFLOW_CODEC_SERVER_CORS_ORIGINS: uiOrigins.join(','),
    CARDFLOW_API_BIND_ADDRESS: `${host}:${settings.CARDFLOW_DEV_API_PORT}`,
    CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: `${host}:${settings.CARDFLOW_DEV_WORKER_HEALTH_PORT}`,
    CARDFLOW_METRICS_BIND_ADDRESS: `${host}:${settings.CARDFLOW_DEV_METRICS_PORT}`,
  };

  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
        progress(`${name}: stopped`);
      } catch (error) {
        logger.warn({ err: error, part: name }, 'dev stack: a part did not stop cleanly');
      }
    }
    stops.length = 0;
  };

  try {
    // The codec server first: the Web UI is started pointing at it.
    const codecSetup = loadCodecServerSetup(env, true);
    const codec: RunningCodecServer = await startCodecServer({
      ...codecSetup.options,
      authorize: devCodecAuthorizer(codecSetup.options.tokens ?? [], uiOrigins),
      logger: logger.child({ component: 'codec-server' }),
    });
    stops.push({ name: 'codec server', stop: () => codec.close() });
    progress(`codec server: ready on ${codec.url}`);

    const temporalDbFile =
      !options.temporal && settings.CARDFLOW_DEV_TEMPORAL_STORE === 'file'
        ? join(dataDir, 'temporal', 'temporal.db')
        : undefined;
    let temporal: Pick<TemporalDevServer, 'address' | 'uiUrl'>;
    if (options.temporal) {
      temporal = { address: options.temporal.address };
      progress(`temporal: ${options.temporal.description} on ${temporal.address}, namespace ${namespace}`);
    } else {
      const temporalLogger = logger.child({ component: 'temporal-server' });
      const server: TemporalDevServer = await startTemporalDevServer({
        host,
        port: settings.CARDFLOW_DEV_TEMPORAL_PORT,
        uiPort: settings.CARDFLOW_DEV_TEMPORAL_UI_PORT,
        ...(temporalDbFile ? { dbFile: temporalDbFile, sqlitePragmas: ['journal_mode=wal'] } : {}),
        uiCodecEndpoint: codec.url,
        // The Nexus caller example's namespace (nexus-setup.ts).
        namespaces: [ONBOARDING_NAMESPACE],
        portSettings: { port: 'CARDFLOW_DEV_TEMPORAL_PORT', uiPort: 'CARDFLOW_DEV_TEMPORAL_UI_PORT' },
        onOutput: (line) => temporalLogger.info(line),
      });
      stops.push({ name: 'temporal server', stop: () => server.stop() });
      progress(`temporal server: ready on ${server.address} (${temporalDbFile ?? 'in memory'})`);
      temporal = server;
    }

    const sandboxLogger = (name: string) => logger.child({ component: name });
    const kazepay = await launchKazepaySandbox(
      sandboxSettings(kazepaySandboxEnvSchema, env, {
        KAZEPAY_SANDBOX_HOST: host,
        KAZEPAY_SANDBOX_PORT: String(settings.CARDFLOW_DEV_KAZEPAY_SANDBOX_PORT),
        KAZEPAY_SANDBOX_TIME_SCALE: String(settings.CARDFLOW_DEV_SANDBOX_TIME_SCALE),
      }),
      sandboxLogger('kazepay-sandbox'),
    );
    stops.push({ name: 'KazePay sandbox', stop: () => kazepay.sandbox.close() });
    const wasabi = await launchWasabiSandbox(
      sandboxSettings(wasabiSandboxEnvSchema, env, {
        WASABI_SANDBOX_HOST: host,
        WASABI_SANDBOX_PORT: String(settings.CARDFLOW_DEV_WASABI_SANDBOX_PORT),
        WASABI_SANDBOX_TIME_SCALE: String(settings.CARDFLOW_DEV_SANDBOX_TIME_SCALE),
        WASABI_SANDBOX_WEBHOOK_URL: `${api}/webhooks/wasabi`,
      }),
      sandboxLogger('wasabi-sandbox'),
    );
    stops.push({ name: 'WasabiCard sandbox', stop: () => wasabi.sandbox.close() });
    progress(`sandboxes: KazePay on ${kazepay.sandbox.url}, WasabiCard on ${wasabi.sandbox.url}`);

    // The engine reaches the sandboxes exactly as it would reach the providers.
    const engineEnv: NodeJS.ProcessEnv = { ...env, ...kazepay.clientEnv, ...wasabi.clientEnv };
    const workerCount = options.workerProcesses ?? 0;
    if (workerCount > 0) {
      // Worker processes redeem PIN handles the API made: a shared store, as in the compose file.
      const redisBinary = findRedisServer();
      if (!redisBinary)
        throw new Error(
          'redis-server is needed for worker processes (PIN handles are shared through it): ' +
            'bash scripts/install-redis.sh (Debian), brew install redis (macOS)',
        );
      const redis = await startTestRedis(redisBinary);
      stops.push({ name: 'redis', stop: () => redis.stop() });
      Object.assign(engineEnv, {
        CARDFLOW_SECRET_STORE: 'redis',
        CARDFLOW_REDIS_URL: redis.url,
        CARDFLOW_SECRET_STORE_KEY: randomBytes(32).toString('base64'),
      });
      progress(`redis: ${redis.url} (PIN handles shared by the API and the workers)`);
    }
    // One secret store for the worker and the API: a PIN handle made by the API is redeemed by
    // the worker in this same process (or, with worker processes, through Redis).
    const secrets = createSecretStore(loadSecretStoreConfig(engineEnv));
    stops.push({ name: 'secret store', stop: () => secrets.close() });

    const workerSettings = loadWorkerSettings(engineEnv, { devKeys: 'generate' });
    const workers: WorkerProcess[] = [];
    let workerHealth: string;
    if (workerCount > 0) {
      // The product bundle once; every worker process (and every restart) loads it.
      const bundlePath = join(dataDir, 'workflow-bundle.js');
      const { code } = await bundleWorkflowCode(
        productBundleOptions({
          logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
        }),
      );
      writeFileSync(bundlePath, code);
      for (let i = 1; i <= workerCount; i++) {
        const worker: WorkerProcess = new WorkerProcess({
          name: `worker-${i}`,
          env: {
            ...engineEnv,
            CARDFLOW_WORKFLOW_BUNDLE: 'prebuilt',
            CARDFLOW_WORKFLOW_BUNDLE_PATH: bundlePath,
            // The first worker serves the metrics port; two cannot share it.
            CARDFLOW_METRICS_BIND_ADDRESS: i === 1 ? env.CARDFLOW_METRICS_BIND_ADDRESS : 'off',
          },
          logFile: join(dataDir, 'logs', `worker-${i}.log`),
          detached: true,
          onUnexpectedExit: (exitCode, signal) => {
            progress(`worker-${i} exited on its own (code ${exitCode}, signal ${signal}): restarting`);
            void worker
              .start(6)
              .catch((error: unknown) => progress(`worker-${i} restart failed: ${String(error)}`));
          },
        });
        workers.push(worker);
        stops.push({ name: `worker-${i}`, stop: () => worker.close() });
      }
      await Promise.all(workers.map((w) => w.start()));
      workerHealth = workers[0]?.healthUrl ?? '';
      progress(`workers: ${workers.map((w) => `${w.name} pid ${w.pid}`).join(', ')} polling card-lifecycle`);
    } else {
      const worker: RunningWorker = await startWorker(workerSettings, {
        logger: logger.child({ component: 'worker' }),
        secrets,
      });
      stops.push({ name: 'worker', stop: () => worker.shutdown() });
      workerHealth = `http://${worker.healthAddress}/health`;
      await expectHealthy(workerHealth, 'worker');
      progress(`worker: polling task queue card-lifecycle (health ${worker.healthAddress})`);
    }

    progress(await setUpNexus(temporal.address, namespace));

    const apiSettings = loadApiSettings(engineEnv, true);
    const running: RunningApi = await startApiServer(apiSettings, {
      logger: logger.child({ component: 'api' }),
      secrets,
    });
    stops.push({ name: 'api', stop: () => running.close() });
    await expectHealthy(`${running.url}/health`, 'api');
    progress(`api: ready on ${running.url}`);

    // KazePay learns where to send notifications the way a merchant tells it: setWebhookUrl.
    if (workerSettings.kazepay) {
      await new KazepayClient(kazepayClientOptionsFromEnv(workerSettings.kazepay)).setWebhookUrl({
        url: `${running.url}/webhooks/kazepay`,
      });
    }

    const apiTokenFile = running.tokenSource;
    return {
      urls: {
        api: running.url,
        openapi: `${running.url}/openapi.json`,
        temporalUi: temporal.uiUrl ?? '',
        temporal: temporal.address,
        codecServer: codec.url,
        kazepaySandbox: kazepay.sandbox.url,
        wasabiSandbox: wasabi.sandbox.url,
        metrics: `http://${env.CARDFLOW_METRICS_BIND_ADDRESS}/metrics`,
        workerHealth,
      },
      credentials: {
        apiToken: (apiSettings.api.CARDFLOW_API_TOKENS ?? [])[0] ?? readToken(apiTokenFile),
        apiTokenFile,
        codecToken: (codecSetup.options.tokens ?? [])[0] ?? '',
        codecTokenFile: codecSetup.tokenSource,
      },
      dataDir,
      logFile,
      ...(temporalDbFile ? { temporalDbFile } : {}),
      kazepay: kazepay.sandbox,
      wasabi: wasabi.sandbox,
      namespace,
      workers,
      ...(options.temporal ? { externalTemporal: options.temporal } : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function portClaims(s: DevStackSettings): PortClaim[] {
  const host = s.CARDFLOW_DEV_HOST;
  const claim = (what: string, port: number, setting: string): PortClaim => ({ what, host, port, setting });
  return [
    claim('Temporal frontend (gRPC)', s.CARDFLOW_DEV_TEMPORAL_PORT, 'CARDFLOW_DEV_TEMPORAL_PORT'),
    claim('Temporal Web UI', s.CARDFLOW_DEV_TEMPORAL_UI_PORT, 'CARDFLOW_DEV_TEMPORAL_UI_PORT'),
    claim('API', s.CARDFLOW_DEV_API_PORT, 'CARDFLOW_DEV_API_PORT'),
    claim('codec server', s.CARDFLOW_DEV_CODEC_SERVER_PORT, 'CARDFLOW_DEV_CODEC_SERVER_PORT'),
    claim('KazePay sandbox', s.CARDFLOW_DEV_KAZEPAY_SANDBOX_PORT, 'CARDFLOW_DEV_KAZEPAY_SANDBOX_PORT'),
    claim('WasabiCard sandbox', s.CARDFLOW_DEV_WASABI_SANDBOX_PORT, 'CARDFLOW_DEV_WASABI_SANDBOX_PORT'),
    claim('worker health', s.CARDFLOW_DEV_WORKER_HEALTH_PORT, 'CARDFLOW_DEV_WORKER_HEALTH_PORT'),
    claim('worker metrics', s.CARDFLOW_DEV_METRICS_PORT, 'CARDFLOW_DEV_METRICS_PORT'),
  ];
}

/** Everything to the log file at the configured level; errors to stderr as well. */
function stackLogger(settings: DevStackSettings, logFile: string): Logger {
  const level = settings.CARDFLOW_LOG_LEVEL;
  const streams = pino.multistream([
    { level: level === 'silent' ? 'fatal' : level, stream: pino.destination({ dest: logFile, sync: false }) },
    { level: 'error', stream: process.stderr },
  ]);
  return createLogger({ level, name: 'dev-stack' }, streams);
}

function sandboxSettings<S extends typeof kazepaySandboxEnvSchema | typeof wasabiSandboxEnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string>,
): z.output<S> {
  return parseEnv({ sandbox: schema }, { ...env, ...overrides }).sandbox as z.output<S>;
}

/**
 * The Web UI's browser calls the codec server without any token of ours (the dev server's UI has
 * no login to pass on), so on the dev stack a request from the UI's own origin is accepted as
 * well as a bearer token. The stack binds to loopback by default; a deployment's codec server
 * takes tokens (or the UI's SSO access token) only.
 */
export function devCodecAuthorizer(tokens: readonly string[], uiOrigins: readonly string[]) {
  const byToken = bearerTokenAuthorizer(tokens);
  const origins = new Set(uiOrigins);
  return (authorization: string | undefined, request: { headers: Record<string, unknown> }) =>
    byToken(authorization) ||
    (authorization === undefined && typeof request.headers.origin === 'string'
      ? origins.has(request.headers.origin)
      : false);
}

async function expectHealthy(url: string, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs} ms (${last})`);
}

function readToken(path: string): string {
  return readFileSync(path, 'utf8').trim();
}
