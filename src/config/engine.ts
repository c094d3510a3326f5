// The engine's own settings (Temporal connection settings come from @temporalio/envconfig,
// see temporal-connection.ts; provider settings live beside each provider client).
import { z } from 'zod';
import { envValue, parseEnv } from './env';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const coreEnvSchema = z.object({
  /** pino level for the engine, the SDK and the Temporal core. */
  CARDFLOW_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Dev data: the dev server's SQLite file, generated keys, sandbox state. */
  CARDFLOW_DATA_DIR: envValue.string().default('.data'),
  /** Prometheus scrape address for the SDK runtime's metrics; `off` disables them. */
  CARDFLOW_METRICS_BIND_ADDRESS: z.union([z.literal('off'), envValue.hostPort()]).default('127.0.0.1:9464'),
});

export const workerEnvSchema = z.object({
  CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS: envValue.int(1, 100_000).default(1000),
  CARDFLOW_WORKER_MAX_CONCURRENT_ACTIVITIES: envValue.int(1, 10_000).default(100),
  CARDFLOW_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: envValue.int(2, 10_000).default(40),
  CARDFLOW_WORKER_SHUTDOWN_GRACE: envValue.durationMs().default(30_000),
});

export type CoreConfig = z.output<typeof coreEnvSchema>;
export type WorkerConfig = z.output<typeof workerEnvSchema>;

export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): {
  core: CoreConfig;
  worker: WorkerConfig;
} {
  return parseEnv({ core: coreEnvSchema, worker: workerEnvSchema }, env);
}
