// The worker process: the product workflow bundle and the activities with real provider clients,
// on the card-lifecycle task queue, with explicit cache and concurrency limits, provider rate
// caps, the payload codec, Prometheus metrics from the SDK runtime, a health endpoint and a
// graceful shutdown. `cardflow worker` runs it; `startWorker` runs it in-process (tests, dev stack).
//
// Settings (each also as <NAME>_FILE), besides config.ts (core + worker), the providers'
// KAZEPAY_* / WASABI_* (a provider with none of its variables set is not configured; a partial
// set is an error naming every missing variable), the codec keys (codec-keys.ts), the secret
// store (secret-store-config.ts) and the Temporal connection (TEMPORAL_*, envconfig):
//
//   CARDFLOW_WORKER_HEALTH_BIND_ADDRESS   host:port of GET /health, or off (default 127.0.0.1:8089)
//   CARDFLOW_DATABASE_URL                 PostgreSQL shared by the API and every worker: the document
//                                         store (unset: files under CARDFLOW_DOCUMENTS_DIR)
//   CARDFLOW_DOCUMENTS_DIR                document store folder without a database (default
//                                         <CARDFLOW_DATA_DIR>/documents; one machine only)
//   CARDFLOW_DOCUMENT_RETENTION           documents older than this are deleted (default 30d)
//   CARDFLOW_DOCUMENT_SWEEP_INTERVAL      how often the retention schedule sweeps (default 1h)
//   CARDFLOW_DOCUMENT_RETENTION_SCHEDULE  on (default: created or updated at start) | off
//   CARDFLOW_WORKFLOW_BUNDLE              auto (default: a compiled worker loads the pre-built
//                                         bundle when present, else bundles now; from the sources
//                                         it bundles them) | prebuilt (required) | build (always)
//   CARDFLOW_WORKFLOW_BUNDLE_PATH         the pre-built bundle (default <project>/dist/workflow-bundle.js)
//   CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND             this worker's cap, or off (default off)
//   CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND  cap across all workers, or off (default 50)
//   CARDFLOW_DEPLOYMENT_NAME, CARDFLOW_BUILD_ID           Worker Versioning (worker-deployment.ts)
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkerStatus,
} from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { TASK_QUEUE } from '../contract';
import type { DocumentStore } from '../documents/document-store';
import { openDocumentStore } from '../documents/open-document-store';
import { type DocumentRetentionConfig, documentRetentionEnvSchema } from '../documents/retention-settings';
import { type DatabaseConfig, databaseEnvSchema } from '../storage/database';
import { KazepayClient } from '../providers/kazepay/client';
import {
  kazepayClientOptionsFromEnv,
  type KazepayEnv,
  kazepayEnvSchema,
  kazepayNamesFromEnv,
} from '../providers/kazepay/config';
import { WasabiClient } from '../providers/wasabi/client';
import {
  wasabiClientOptions,
  type WasabiEnv,
  wasabiEnvSchema,
  wasabiNamesFromEnv,
} from '../providers/wasabi/config';
import { type CodecKeyring, loadCodecKeyring, loadExchangeKeyringFor } from '../security/codec-keys';
import { createDataConverter } from '../security/data-converter';
import { cardflowExchangeScope } from '../nexus/exchange-scope';
import { createCardflowServiceHandler } from '../nexus/handlers';
import type { SecretStore } from '../security/secret-store';
import {
  createSecretStore,
  loadSecretStoreConfig,
  type SecretStoreConfig,
} from '../security/secret-store-config';
import { type CoreConfig, coreEnvSchema, type WorkerConfig, workerEnvSchema } from '../config/engine';
import {
  ConfigError,
  ConfigProblems,
  envValue,
  parseEnv,
  parseOptionalSection,
  splitHostPort,
} from '../config/env';
import {
  type WorkerDeploymentConfig,
  workerDeploymentEnvSchema,
  workerDeploymentOptions,
} from '../config/worker-deployment';
import { createLogger, type Logger } from '../logging/logger';
import { projectRoot } from '../config/project-root';
import { connectWorker, type TemporalTarget, temporalTarget } from '../config/temporal-connection';
import { ensureDocumentRetentionSchedule } from './document-retention-schedule';
import { recordProviderCalls } from './provider-call-metrics';
import { installTemporalRuntime } from './temporal-runtime';
import { productBundleOptions } from './workflow-bundle';

const rate = () =>
  z.union([
    z.literal('off'),
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'expected a number of activities per second, or off')
      .transform(Number)
      .pipe(z.number().positive('must be greater than 0').max(100_000)),
  ]);

export const workerProcessEnvSchema = z.object({
  CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: z
    .union([z.literal('off'), envValue.hostPort()])
    .default('127.0.0.1:8089'),
  CARDFLOW_DOCUMENTS_DIR: envValue.string().optional(),
  CARDFLOW_WORKFLOW_BUNDLE: z.enum(['auto', 'prebuilt', 'build']).default('auto'),
  CARDFLOW_WORKFLOW_BUNDLE_PATH: envValue.string().optional(),
  CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND: rate().default('off'),
  CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: rate().default(50),
});
export type WorkerProcessConfig = z.output<typeof workerProcessEnvSchema>;

/** Everything a worker needs, read from the environment at once. */
export interface WorkerSettings {
  core: CoreConfig;
  worker: WorkerConfig;
  process: WorkerProcessConfig;
  deployment: WorkerDeploymentConfig;
  database: DatabaseConfig;
  documents: DocumentRetentionConfig;
  /** Absent: KazePay is not configured on this worker (its activities fail as ProviderNotConfigured). */
  kazepay?: KazepayEnv;
  wasabi?: WasabiEnv;
  secretStore: SecretStoreConfig;
  keyring: CodecKeyring;
  /** The Nexus exchange keyring (CARDFLOW_NEXUS_EXCHANGE_KEYS): what Nexus callers read and send. */
  nexusExchange?: CodecKeyring;
  temporal: TemporalTarget;
}

/** Reads every worker setting; one ConfigError lists the problems of every section. */
export function loadWorkerSettings(
  env: NodeJS.ProcessEnv = process.env,
  options: { devKeys?: 'forbid' | 'generate' } = {},
): WorkerSettings {
  const config = new ConfigProblems();
  const attempt = <T>(read: () => T) => config.attempt(read);
  const base = attempt(() =>
    parseEnv(
      {
        core: coreEnvSchema,
        worker: workerEnvSchema,
        process: workerProcessEnvSchema,
        deployment: workerDeploymentEnvSchema,
        database: databaseEnvSchema,
        documents: documentRetentionEnvSchema,
      },
      env,
    ),
  );
  const kazepay = attempt(() => parseOptionalSection(kazepayEnvSchema, env));
  const wasabi = attempt(() => parseOptionalSection(wasabiEnvSchema, env));
  const secretStore = attempt(() => loadSecretStoreConfig(env));
  const keyring = attempt(() => loadCodecKeyring({ env, devKeys: options.devKeys ?? 'forbid' }).keyring);
  const nexusExchange = attempt(() => loadExchangeKeyringFor({ env, devKeys: options.devKeys ?? 'forbid' }));
  let temporal: TemporalTarget | undefined;
  try {
    temporal = temporalTarget(env);
  } catch (error) {
    // envconfig's messages name files and variables, not secret values.
    config.add(`TEMPORAL_*: ${(error as Error).message}`);
  }
  config.throwIfAny();
  if (!base || !secretStore || !keyring || !temporal) throw new ConfigError(config.problems);
  return { ...base, kazepay, wasabi, secretStore, keyring, nexusExchange, temporal };
}

/** Overrides for in-process use (tests, the dev stack); everything else comes from the settings. */
export interface WorkerDependencies {
  logger?: Logger;
  /** An existing connection (not closed by the worker). Default: connect to `settings.temporal`. */
  connection?: NativeConnection;
  /** A pre-built bundle (must come from productBundleOptions). Default: per CARDFLOW_WORKFLOW_BUNDLE. */
  workflowBundle?: { code: string };
  kazepay?: KazepayClient;
  wasabi?: WasabiClient;
  documents?: DocumentStore;
  /** An existing secret store (not closed by the worker). */
  secrets?: SecretStore;
  dataConverter?: DataConverter;
}

export interface WorkerState {
  status: 'STARTING' | WorkerStatus['runState'];
  taskQueue: string;
  namespace: string;
  providers: { kazepay: boolean; wasabi: boolean };
  bundle?: 'prebuilt' | 'built';
  /** The Worker Deployment version it serves, when versioning is on. */
  deployment?: { name: string; buildId: string };
}

export interface RunningWorker {
  /** Stops polling, lets running tasks finish within the grace period, then releases everything. */
  shutdown(): Promise<void>;
  /** Settles when the worker has stopped and everything is released (rejects if it failed). */
  done: Promise<void>;
  /** The health server's address (`host:port`), when it runs. */
  healthAddress?: string;
  state(): WorkerState;
}

async function loadBundle(
  settings: WorkerSettings,
  logger: Logger,
): Promise<{ bundle: { code: string }; source: 'prebuilt' | 'built' }> {
  const mode = settings.process.CARDFLOW_WORKFLOW_BUNDLE;
  const path = resolve(
    settings.process.CARDFLOW_WORKFLOW_BUNDLE_PATH ?? join(projectRoot(), 'dist', 'workflow-bundle.js'),
  );
  // From the TypeScript sources (tsx, development) `auto` bundles those sources: a dist/ bundle
  // may be older than them. The build (npm run build) produces the compiled worker and the
  // bundle together, so a compiled worker loads the bundle that came with it.
  const fromBuild = __filename.endsWith('.js');
  if (mode === 'prebuilt' || (mode === 'auto' && fromBuild)) {
    if (existsSync(path)) {
      logger.info({ path }, 'workflow bundle: pre-built');
      return { bundle: { code: readFileSync(path, 'utf8') }, source: 'prebuilt' };
    }
    if (mode === 'prebuilt')
      throw new ConfigError([
        `CARDFLOW_WORKFLOW_BUNDLE_PATH: no pre-built bundle at ${path} (npm run build)`,
      ]);
  }
  const started = Date.now();
  const { code } = await bundleWorkflowCode(
    productBundleOptions({ logger: quietBundlerLogger(logger.child({ component: 'bundler' })) }),
  );
  logger.info({ ms: Date.now() - started }, 'workflow bundle: built from the sources');
  return { bundle: { code }, source: 'built' };
}

function quietBundlerLogger(logger: Logger) {
  const noop = () => undefined;
  return {
    log: noop,
    trace: noop,
    debug: noop,
    info: noop,
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}

async function startHealthServer(address: string, state: () => WorkerState): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const current = state();
    const healthy = current.status === 'RUNNING';
    res
      .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable', worker: current }));
  });
  const [host, port] = splitHostPort(address);
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
  return server;
}

/**
 * Starts a worker and answers once it polls. The Temporal runtime (logger, metrics) is installed
 * first unless the process already has one.
 */
export async function startWorker(
  settings: WorkerSettings,
  deps: WorkerDependencies = {},
): Promise<RunningWorker> {
  const logger = deps.logger ?? createLogger({ level: settings.core.CARDFLOW_LOG_LEVEL, name: 'worker' });
  const providers = {
    kazepay: Boolean(deps.kazepay ?? settings.kazepay),
    wasabi: Boolean(deps.wasabi ?? settings.wasabi),
  };
  let worker: Worker | undefined;
  let bundleSource: WorkerState['bundle'];
  const deploymentOptions = workerDeploymentOptions(settings.deployment);
  const deployment = deploymentOptions && {
    name: deploymentOptions.version.deploymentName,
    buildId: deploymentOptions.version.buildId,
  };
  const state = (): WorkerState => ({
    status: worker ? worker.getState() : 'STARTING',
    taskQueue: TASK_QUEUE,
    namespace: settings.temporal.namespace,
    providers,
    ...(bundleSource ? { bundle: bundleSource } : {}),
    ...(deployment ? { deployment } : {}),
  });

  const release: Array<() => Promise<unknown>> = [];
  const releaseAll = async () => {
    for (const step of release.reverse())
      await step().catch((e: unknown) => logger.warn({ err: e }, 'release failed'));
    release.length = 0;
  };

  try {
    const health = settings.process.CARDFLOW_WORKER_HEALTH_BIND_ADDRESS;
    let healthAddress: string | undefined;
    if (health !== 'off') {
      const server = await startHealthServer(health, state);
      const bound = server.address();
      healthAddress =
        typeof bound === 'object' && bound ? `${splitHostPort(health)[0]}:${bound.port}` : health;
      release.push(() => new Promise((done) => server.close(() => done(undefined))));
    }

    const { bundle, source } = deps.workflowBundle
      ? { bundle: deps.workflowBundle, source: 'prebuilt' as const }
      : await loadBundle(settings, logger);
    bundleSource = source;

    // The runtime once the configuration has proved usable (a native runtime keeps the process
    // alive), and before any connection.
    try {
      installTemporalRuntime(logger, { metricsBindAddress: settings.core.CARDFLOW_METRICS_BIND_ADDRESS });
    } catch {
      logger.warn(
        'the Temporal runtime was already installed in this process: its logging and metrics apply',
      );
    }
    // Provider requests measured on the runtime's meter: the same Prometheus endpoint.
    recordProviderCalls(Runtime.instance().metricMeter);

    const secrets = deps.secrets ?? createSecretStore(settings.secretStore);
    if (!deps.secrets) release.push(() => secrets.close());
    let documents = deps.documents;
    if (!documents) {
      const opened = await openDocumentStore({
        keyring: settings.keyring,
        ...(settings.database.CARDFLOW_DATABASE_URL
          ? { databaseUrl: settings.database.CARDFLOW_DATABASE_URL }
          : {}),
        ...(settings.process.CARDFLOW_DOCUMENTS_DIR
          ? { documentsDir: settings.process.CARDFLOW_DOCUMENTS_DIR }
          : {}),
        dataDir: settings.core.CARDFLOW_DATA_DIR,
        onIdleError: (error) => logger.warn({ err: error }, 'document database: idle connection lost'),
      });
      release.push(() => opened.close());
      logger.info({ store: opened.kind }, 'document store');
      documents = opened.store;
    }
    const kazepay =
      deps.kazepay ??
      (settings.kazepay ? new KazepayClient(kazepayClientOptionsFromEnv(settings.kazepay)) : undefined);
    const wasabi =
      deps.wasabi ?? (settings.wasabi ? new WasabiClient(wasabiClientOptions(settings.wasabi)) : undefined);
    for (const [name, on] of Object.entries(providers))
      if (!on)
        logger.warn(
          { provider: name },
          'provider not configured: its activities fail as ProviderNotConfigured',
        );

    const connection = deps.connection ?? (await connectWorker(settings.temporal));
    if (!deps.connection) release.push(() => connection.close());

    const perWorker = settings.process.CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND;
    const perQueue = settings.process.CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND;
    const options: WorkerOptions = {
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: createActivities({
        kazepay,
        wasabi,
        documents,
        secrets,
        ...(settings.kazepay ? { kazepayConventions: kazepayNamesFromEnv(settings.kazepay) } : {}),
        ...(settings.wasabi ? { wasabiConventions: wasabiNamesFromEnv(settings.wasabi) } : {}),
      }),
      // The `cardflow` Nexus service (docs/nexus.md); what crosses to callers uses the exchange keyring.
      nexusServices: [createCardflowServiceHandler()],
      dataConverter:
        deps.dataConverter ??
        createDataConverter(
          settings.keyring,
          settings.nexusExchange ? cardflowExchangeScope(settings.nexusExchange) : undefined,
        ),
      maxCachedWorkflows: settings.worker.CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivityTaskExecutions: settings.worker.CARDFLOW_WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: settings.worker.CARDFLOW_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      shutdownGraceTime: settings.worker.CARDFLOW_WORKER_SHUTDOWN_GRACE,
      ...(perWorker === 'off' ? {} : { maxActivitiesPerSecond: perWorker }),
      ...(perQueue === 'off' ? {} : { maxTaskQueueActivitiesPerSecond: perQueue }),
      ...(deploymentOptions ? { workerDeploymentOptions: deploymentOptions } : {}),
    };
    worker = await Worker.create(options);
    if (settings.documents.CARDFLOW_DOCUMENT_RETENTION_SCHEDULE === 'on') {
      const retention = settings.documents.CARDFLOW_DOCUMENT_RETENTION;
      const every = settings.documents.CARDFLOW_DOCUMENT_SWEEP_INTERVAL;
      // A server without schedules (the time-skipping test server) still runs flows: warn, go on.
      await ensureDocumentRetentionSchedule(
        {
          connection,
          namespace: settings.temporal.namespace,
          ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
        },
        { retention, every },
      ).then(
        (outcome) => logger.info({ retention, every, outcome }, 'document retention schedule'),
        (error: unknown) => logger.warn({ err: error }, 'document retention schedule not ensured'),
      );
    }
    const running = worker.run();
    const done = running.finally(releaseAll);
    // `done` is awaited by the caller; an unobserved failure is still logged once.
    done.catch((error: unknown) => logger.error({ err: error }, 'worker stopped with an error'));
    logger.info(
      {
        taskQueue: TASK_QUEUE,
        namespace: settings.temporal.namespace,
        address: settings.temporal.address,
        providers,
        bundle: source,
        deployment: deployment ?? 'unversioned',
        health: healthAddress ?? 'off',
        metrics: settings.core.CARDFLOW_METRICS_BIND_ADDRESS,
      },
      'worker running',
    );
    const started = worker;
    return {
      async shutdown() {
        if (started.getState() === 'RUNNING') started.shutdown();
        await done.catch(() => undefined);
      },
      done,
      ...(healthAddress ? { healthAddress } : {}),
      state,
    };
  } catch (error) {
    await releaseAll();
    throw error;
  }
}
