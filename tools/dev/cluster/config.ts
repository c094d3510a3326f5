// The Temporal server configuration of `cardflow cluster`, one file per process. It follows the
// module's config/development-postgres12.yaml (copied beside the binaries): the same persistence
// (postgres12 for both the default and the visibility store), membership and cluster metadata, with
// these differences: every address is loopback, every process has its own ports (two history
// processes share the shards), the password is the cluster's own, metrics and pprof are off, no
// archival, and the dynamic config is the compose file's (deploy/temporal/dynamicconfig.yaml).

export type TemporalServiceKind = 'frontend' | 'history' | 'matching' | 'worker';

export interface ServicePorts {
  grpc: number;
  membership: number;
  /** The frontend's HTTP API. */
  http?: number;
}

/** One Temporal process: which service it runs and its ports. */
export interface ServiceProcessSpec {
  /** frontend, history-1, history-2, matching, worker */
  id: string;
  service: TemporalServiceKind;
  ports: ServicePorts;
}

export interface ClusterConfigInput {
  host: string;
  postgres: { host: string; port: number; user: string; password: string };
  /** Fixed when the cluster is first created: the history shards. */
  historyShards: number;
  frontend: ServicePorts & { http: number };
  matching: ServicePorts;
  worker: ServicePorts;
  /** The ports of the history process this file is for. */
  history: ServicePorts;
  dynamicConfigFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Number of history shards of a new cluster (fixed for its life; 4 in the module's sample). */
export const HISTORY_SHARDS = 8;

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

/** A small YAML writer for the config's shape (mappings, scalars); strings are JSON-quoted. */
export function toYaml(value: Yaml, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value))
    return value.map((item) => `${pad}- ${toYaml(item, indent + 2).trimStart()}`).join('\n');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([key, item]) =>
        typeof item === 'object'
          ? `${pad}${key}:\n${toYaml(item, indent + 2)}`
          : `${pad}${key}: ${toYaml(item)}`,
      )
      .join('\n');
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function clusterServerConfig(input: ClusterConfigInput): string {
  const { host, postgres } = input;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (ports: ServicePorts) => ({
    rpc: {
      grpcPort: ports.grpc,
      membershipPort: ports.membership,
      bindOnIP: host,
      ...(ports.http ? { httpPort: ports.http } : {}),
    },
  });
  const frontendAddress = `${host}:${input.frontend.grpc}`;
  const config: Yaml = {
    log: { stdout: true, level: input.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.historyShards,
      datastores: {
        'postgres-default': store('temporal', 20),
        'postgres-visibility': store('temporal_visibility', 5),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: host },
    },
    services: {
      frontend: rpc(input.frontend),
      matching: rpc(input.matching),
      history: rpc(input.history),
      worker: rpc(input.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontendAddress,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: frontendAddress },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
  return `# Written by cardflow cluster (tools/dev/cluster/config.ts); rewritten at every start.\n${toYaml(config)}\n`;
}
