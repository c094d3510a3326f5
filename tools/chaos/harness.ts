// The chaos suite's stack, wired the way the dev stack wires it (tools/dev/stack.ts), but split over
// processes so that faults hurt: a file-backed Temporal dev server (SQLite + WAL) that can be
// stopped and restarted on the same file, or the cluster of `npm run cluster` (temporal-target.ts), both sandboxes in this process (so their ledgers and
// request records can be read directly), a throw-away Redis secret store, the API in this process
// (its logs captured for the leak check), and two `cardflow worker --dev` child processes sharing
// the data folder (the dev codec keyring and the document store) and the Redis store.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import pino from 'pino';
import { loadApiSettings, type RunningApi, startApiServer } from '../../src/cli/api-command';
import type { AuditStore } from '../../src/audit/audit-record';
import { freePort } from '../dev/ports';
import { startChaosDatabase } from './database';
import { findRedisServer, startTestRedis, type TestRedis } from '../dev/redis-server';
import { createLogger } from '../../src/logging/logger';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { loadCodecKeyring } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import { kazepaySandboxEnvSchema, launchKazepaySandbox } from '../sandbox/kazepay/cli';
import type { KazepaySandbox } from '../sandbox/kazepay/server';
import { launchWasabiSandbox, wasabiSandboxEnvSchema } from '../sandbox/wasabi/cli';
import type { WasabiSandbox } from '../sandbox/wasabi/server';
import {
  type ChaosServer,
  type ChaosTemporal,
  startClusterTemporalTarget,
  startDevTemporal,
} from './temporal-target';
import { WorkerProcess } from '../dev/worker-process';

export interface ChaosStackOptions {
  /** Sandbox time scale (0.05: a 5 s KYC review takes 250 ms). */
  timeScale: number;
  workers: number;
  /** Where Temporal runs: the dev server (default) or `npm run cluster`'s cluster. */
  server?: ChaosServer;
  /** Progress lines for the person watching. */
  progress: (line: string) => void;
  /** Keep the run folder (logs, SQLite) afterwards. */
  keep?: boolean;
}

export interface ChaosStack {
  dir: string;
  logDir: string;
  apiUrl: string;
  apiToken: string;
  /** The API running in this process (its route table and webhook journal). */
  api: RunningApi;
  kazepay: KazepaySandbox;
  wasabi: WasabiSandbox;
  /** A client with the engine's data converter (results decoded). */
  client: Client;
  /** A client without the codec: histories as stored. */
  rawClient: Client;
  workers: WorkerProcess[];
  /** The Temporal server and its faults. */
  temporal: ChaosTemporal;
  /** Every log file written by this run (workers, API, the Temporal server's). */
  logFiles(): string[];
  /** The raw files of the database the API and the workers share (PostgreSQL's data folder). */
  databaseFiles(): Promise<string[]>;
  /** The data file of one of its tables. */
  databaseTableFile(table: string): Promise<string>;
  /** The API's audit trail (the checks read every record back). */
  auditStore: AuditStore;
  stop(): Promise<void>;
}

const TEMPORAL_VARIABLES = /^TEMPORAL_/;

export async function startChaosStack(options: ChaosStackOptions): Promise<ChaosStack> {
  const { progress } = options;
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-chaos-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };

  try {
    const redisBinary = findRedisServer();
    if (!redisBinary)
      throw new Error('redis-server is not installed (sh scripts/install-redis.sh installs it)');
    const redis: TestRedis = await startTestRedis(redisBinary);
    stops.push(() => redis.stop());
    progress(`redis: ${redis.url}`);

    // The product bundle once: restarted workers load it instead of bundling again.
    const bundlePath = join(dir, 'workflow-bundle.js');
    const { code } = await bundleWorkflowCode(
      productBundleOptions({
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
      }),
    );
    writeFileSync(bundlePath, code);
    progress(`workflow bundle: ${(code.length / 1024).toFixed(0)} KiB`);

    const temporal =
      options.server === 'cluster'
        ? await startClusterTemporalTarget(dir, process.env, progress)
        : await startDevTemporal(dir, logDir);
    stops.push(() => temporal.stop());
    progress(temporal.description);

    // The engine's database: the documents the API stores and the workers read, and the API's audit
    // trail; one PostgreSQL shared by every process.
    const database = await startChaosDatabase();
    stops.push(() => database.stop());
    progress(
      'documents and audit trail: PostgreSQL (CARDFLOW_DATABASE_URL), shared by the API and the workers',
    );

    const sandboxLog = createLogger(
      { level: 'warn', name: 'chaos-sandbox' },
      pino.destination(join(logDir, 'sandboxes.log')),
    );
    const base = {
      CARDFLOW_DATA_DIR: dir,
      CARDFLOW_LOG_LEVEL: 'warn',
    };
    const kazepay = await launchKazepaySandbox(
      kazepaySandboxEnvSchema.parse({
        ...base,
        KAZEPAY_SANDBOX_PORT: '0',
        KAZEPAY_SANDBOX_TIME_SCALE: String(options.timeScale),
        KAZEPAY_SANDBOX_MERCHANT_BALANCE: '10000000.00',
      }),
      sandboxLog.child({ component: 'kazepay-sandbox' }),
    );
    stops.push(() => kazepay.sandbox.close());
    const wasabi = await launchWasabiSandbox(
      wasabiSandboxEnvSchema.parse({
        ...base,
        WASABI_SANDBOX_PORT: '0',
        WASABI_SANDBOX_TIME_SCALE: String(options.timeScale),
        WASABI_SANDBOX_MERCHANT_BALANCE: '10000000',
      }),
      sandboxLog.child({ component: 'wasabi-sandbox' }),
    );
    stops.push(() => wasabi.sandbox.close());
    progress(`sandboxes: KazePay ${kazepay.sandbox.url}, WasabiCard ${wasabi.sandbox.url}`);

    const apiPort = await freePort();
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !TEMPORAL_VARIABLES.test(name) && !/^(KAZEPAY|WASABI|CARDFLOW)_/.test(name),
      ),
    );
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      CARDFLOW_DATA_DIR: dir,
      CARDFLOW_LOG_LEVEL: 'info',
      CARDFLOW_METRICS_BIND_ADDRESS: 'off',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      CARDFLOW_SECRET_STORE: 'redis',
      CARDFLOW_REDIS_URL: redis.url,
      CARDFLOW_SECRET_STORE_KEY: randomBytes(32).toString('base64'),
      CARDFLOW_API_BIND_ADDRESS: `127.0.0.1:${apiPort}`,
      CARDFLOW_DATABASE_URL: database.url,
      CARDFLOW_API_WEBHOOK_JOURNAL: '1000000',
      CARDFLOW_WORKFLOW_BUNDLE: 'prebuilt',
      CARDFLOW_WORKFLOW_BUNDLE_PATH: bundlePath,
      CARDFLOW_WORKER_SHUTDOWN_GRACE: '2s',
      // Short provider timeouts: an applied-but-unanswered call costs seconds, not half a minute.
      KAZEPAY_TIMEOUT: '3s',
      WASABI_TIMEOUT: '3s',
      ...kazepay.clientEnv,
      ...wasabi.clientEnv,
    };

    // The API first: loading its settings generates the dev codec keyring the workers then share.
    const apiSettings = loadApiSettings(env, true);
    const apiLogger = createLogger(
      { level: 'debug', name: 'api' },
      pino.destination(join(logDir, 'api.log')),
    );
    const api: RunningApi = await startApiServer(apiSettings, { logger: apiLogger });
    stops.push(() => api.close());
    const apiToken = (apiSettings.api.CARDFLOW_API_TOKENS ?? [])[0] ?? readDevToken(dir);
    wasabi.sandbox.control.webhookUrl = `${api.url}/webhooks/wasabi`;
    // What KazePay's setWebhookUrl does, set directly (before any fault is switched on).
    kazepay.sandbox.control.state.webhookUrl = `${api.url}/webhooks/kazepay`;
    progress(`api: ${api.url}`);

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const keyring = loadCodecKeyring({ env, devKeys: 'generate' }).keyring;
    const client = new Client({
      connection,
      namespace: 'default',
      dataConverter: createDataConverter(keyring),
    });
    const rawClient = new Client({ connection, namespace: 'default' });

    const workers: WorkerProcess[] = [];
    for (let i = 0; i < options.workers; i++) {
      const worker: WorkerProcess = new WorkerProcess({
        name: `worker-${i + 1}`,
        env,
        logFile: join(logDir, `worker-${i + 1}.log`),
        onUnexpectedExit: (exitCode, signal) => {
          progress(`worker-${i + 1} exited on its own (code ${exitCode}, signal ${signal}): restarting`);
          void worker
            .start(6)
            .catch((error: unknown) => progress(`worker-${i + 1} restart failed: ${String(error)}`));
        },
      });
      workers.push(worker);
      stops.push(() => worker.close());
    }
    await Promise.all(workers.map((w) => w.start()));
    progress(`workers: ${workers.map((w) => w.pid).join(', ')} polling`);

    return {
      dir,
      logDir,
      apiUrl: api.url,
      apiToken,
      api,
      kazepay: kazepay.sandbox,
      wasabi: wasabi.sandbox,
      client,
      rawClient,
      workers,
      temporal,
      auditStore: api.audit.store,
      logFiles: () => [
        join(logDir, 'api.log'),
        ...temporal.logFiles(),
        join(logDir, 'sandboxes.log'),
        ...workers.map((_, i) => join(logDir, `worker-${i + 1}.log`)),
      ],
      databaseFiles: () => database.dataFiles(),
      databaseTableFile: (table) => database.tableFile(table),
      async stop() {
        await stopAll();
        if (!options.keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function readDevToken(dir: string): string {
  return readFileSync(join(dir, 'api-token'), 'utf8').trim();
}
