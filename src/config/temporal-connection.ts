// Temporal connection settings come from @temporalio/envconfig (TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML config
// file), so the same code reaches the embedded dev server, a self-hosted cluster or Temporal Cloud.
import { Client, Connection, type DataConverter } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** What envconfig resolved, passed to Connection / NativeConnection as is. */
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    // An empty variable means "not set", as for every other setting (env.ts): a compose file's
    // `TEMPORAL_CONFIG_FILE: ${TEMPORAL_CONFIG_FILE:-}` must not make envconfig read a file named ''.
    overrideEnvVars: Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
    ),
  });
  const address = connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  return {
    address,
    namespace: namespace ?? DEFAULT_NAMESPACE,
    connectionOptions: { ...connectionOptions, address },
  };
}

/** A client for starting and steering workflows (API, scripts, typed client library). */
export async function connectClient(
  target: TemporalTarget,
  dataConverter?: DataConverter,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(target.connectionOptions);
  return { client: new Client({ connection, namespace: target.namespace, dataConverter }), connection };
}

/** The native connection a worker polls through. */
export function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect(target.connectionOptions);
}
