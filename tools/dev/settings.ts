// The dev stack's settings: every port and folder from the environment, with the defaults a
// newcomer gets from `npm start`. Existing variables of the parts (API, codec server, sandboxes,
// worker health, metrics) keep their meaning; only the embedded Temporal server has its own.
import { z } from 'zod';
import { envValue, parseEnv } from '../../src/config/env';
import { LOG_LEVELS } from '../../src/config/engine';

const timeScale = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a positive number such as 1 or 0.1')
  .transform(Number)
  .pipe(z.number().positive());

export const devStackEnvSchema = z.object({
  CARDFLOW_DATA_DIR: envValue.string().default('.data'),
  CARDFLOW_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Where every part listens (loopback by default: the stack has dev credentials). */
  CARDFLOW_DEV_HOST: envValue.string().default('127.0.0.1'),
  CARDFLOW_DEV_TEMPORAL_PORT: envValue.int(1, 65535).default(7233),
  CARDFLOW_DEV_TEMPORAL_UI_PORT: envValue.int(1, 65535).default(8233),
  /** `file`: SQLite with WAL in the data folder (flows survive a restart); `memory`: nothing kept. */
  CARDFLOW_DEV_TEMPORAL_STORE: z.enum(['file', 'memory']).default('file'),
  CARDFLOW_DEV_API_PORT: envValue.int(1, 65535).default(8080),
  CARDFLOW_DEV_CODEC_SERVER_PORT: envValue.int(1, 65535).default(8234),
  CARDFLOW_DEV_KAZEPAY_SANDBOX_PORT: envValue.int(1, 65535).default(8710),
  CARDFLOW_DEV_WASABI_SANDBOX_PORT: envValue.int(1, 65535).default(8720),
  CARDFLOW_DEV_WORKER_HEALTH_PORT: envValue.int(1, 65535).default(8089),
  CARDFLOW_DEV_METRICS_PORT: envValue.int(1, 65535).default(9464),
  /** Sandbox clock: 1 is the providers' real pace (a KYC review takes 5 s), 0.1 ten times faster. */
  CARDFLOW_DEV_SANDBOX_TIME_SCALE: timeScale.default(1),
});

export type DevStackSettings = z.output<typeof devStackEnvSchema>;

export function loadDevStackSettings(env: NodeJS.ProcessEnv = process.env): DevStackSettings {
  return parseEnv({ dev: devStackEnvSchema }, env).dev;
}
