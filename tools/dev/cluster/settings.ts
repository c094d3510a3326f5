// Settings of `cardflow cluster` (besides the dev stack's CARDFLOW_DEV_* ports of the engine's own
// parts, tools/dev/settings.ts, which keep their meaning): where PostgreSQL and the Temporal
// processes listen, the namespace, how many worker processes.
import { z } from 'zod';
import { envValue, parseEnv } from '../../../src/config/env';

export const clusterEnvSchema = z.object({
  /** PostgreSQL of the cluster (5433: a system PostgreSQL on 5432 may stay). */
  CARDFLOW_CLUSTER_POSTGRES_PORT: envValue.int(1, 65535).default(5433),
  /** The Temporal frontend (TEMPORAL_ADDRESS of every part). */
  CARDFLOW_CLUSTER_FRONTEND_PORT: envValue.int(1, 65535).default(7233),
  /**
   * First of ten ports for the other Temporal endpoints (membership, history, matching, worker);
   * at most 32758: the server stores membership ports as SMALLINT.
   */
  CARDFLOW_CLUSTER_PORT_BASE: envValue.int(1, 32758).default(7240),
  CARDFLOW_CLUSTER_NAMESPACE: envValue.string().default('cardflow'),
  CARDFLOW_CLUSTER_WORKERS: envValue.int(1, 16).default(2),
  /** Log level of the Temporal processes (their logs: <data>/logs/cluster/). */
  CARDFLOW_CLUSTER_TEMPORAL_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type ClusterSettings = z.output<typeof clusterEnvSchema>;

export function loadClusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  return parseEnv({ cluster: clusterEnvSchema }, env).cluster;
}
