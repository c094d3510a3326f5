// `cardflow cluster`: the whole engine on a real Temporal cluster backed by PostgreSQL, on this
// machine, without containers. The pinned server is built or reused (server-binaries.ts), the
// cluster starts (temporal-cluster.ts), then the engine's own parts start exactly as `npm start`
// starts them (tools/dev/stack.ts: codec server, sandboxes, API) with two worker processes instead
// of the in-process worker, and with `--ui` the Web UI (ui-server.ts). Everything listens on
// loopback; data is kept in <data>/cluster.
import { join, resolve } from 'node:path';
import { requireTemporalBinary } from '../../../src/runtime/temporal-binaries';
import { type DevStack, startDevStack } from '../stack';
import { loadDevStackSettings } from '../settings';
import { findPostgresBinDir } from './postgres';
import { ensureTemporalServer, type TemporalServerInstall } from './server-binaries';
import { assertPortsFree } from '../ports';
import { loadClusterSettings } from './settings';
import {
  type ClusterPorts,
  clusterPorts,
  startTemporalCluster,
  type TemporalCluster,
} from './temporal-cluster';
import { ensureUiServer, type RunningUiServer, startUiServer } from './ui-server';

export interface ClusterStack {
  install: TemporalServerInstall;
  cluster: TemporalCluster;
  engine: DevStack;
  /** The Web UI, when asked for (`--ui`). */
  ui?: RunningUiServer;
  /** How long each phase of the start took (ms). */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export interface StartClusterStackOptions {
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
  /** Ports instead of the settings' (tests take free ones). */
  ports?: ClusterPorts;
  /** Also serve the Web UI (built or reused) on CARDFLOW_DEV_TEMPORAL_UI_PORT. */
  ui?: boolean;
}

export interface ClusterTemporal {
  install: TemporalServerInstall;
  cluster: TemporalCluster;
}

export interface StartClusterTemporalOptions {
  env: NodeJS.ProcessEnv;
  /** The cluster's data goes to <dataDir>/cluster, its logs to <dataDir>/logs/cluster. */
  dataDir: string;
  host: string;
  /** Ports instead of the settings' (tests and the benchmark take free ones). */
  ports?: ClusterPorts;
  /** The namespace instead of the settings' (the benchmark's workers use `default`). */
  namespace?: string;
  onProgress?: (line: string) => void;
  /** Records how long each phase took (ms). */
  timed?: <T>(name: string, work: () => Promise<T>) => Promise<T>;
}

/**
 * The Temporal half of `cardflow cluster`: prerequisites checked, the pinned server built or
 * reused, PostgreSQL and the Temporal processes started. Shared by the cluster command, the
 * cluster suite, the benchmark and the chaos suite, so all of them run the same cluster.
 */
export async function startClusterTemporal(options: StartClusterTemporalOptions): Promise<ClusterTemporal> {
  const { env, host } = options;
  const progress = options.onProgress ?? (() => undefined);
  const timed = options.timed ?? (<T>(_name: string, work: () => Promise<T>) => work());
  const settings = loadClusterSettings(env);
  // Every prerequisite is checked before anything starts.
  const postgresBinDir = findPostgresBinDir(env);
  const temporalCli = requireTemporalBinary('cli', env);
  const install = await timed('server build or reuse', () =>
    ensureTemporalServer({ env, onProgress: progress }),
  );
  progress(`temporal server ${install.version}: ${install.dir}`);
  const cluster = await timed('cluster', () =>
    startTemporalCluster({
      dir: join(options.dataDir, 'cluster'),
      logDir: join(options.dataDir, 'logs', 'cluster'),
      host,
      ports:
        options.ports ??
        clusterPorts(
          settings.CARDFLOW_CLUSTER_POSTGRES_PORT,
          settings.CARDFLOW_CLUSTER_FRONTEND_PORT,
          settings.CARDFLOW_CLUSTER_PORT_BASE,
        ),
      namespace: options.namespace ?? settings.CARDFLOW_CLUSTER_NAMESPACE,
      install,
      postgresBinDir,
      temporalCli,
      logLevel: settings.CARDFLOW_CLUSTER_TEMPORAL_LOG_LEVEL,
      portSettings: {
        postgres: 'CARDFLOW_CLUSTER_POSTGRES_PORT',
        frontend: 'CARDFLOW_CLUSTER_FRONTEND_PORT',
        base: 'CARDFLOW_CLUSTER_PORT_BASE',
      },
      onProgress: progress,
    }),
  );
  return { install, cluster };
}

export async function startClusterStack(options: StartClusterStackOptions = {}): Promise<ClusterStack> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? (() => undefined);
  const settings = loadClusterSettings(env);
  const dev = loadDevStackSettings(env);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  // The UI's port and build are checked before anything starts.
  const uiPort = dev.CARDFLOW_DEV_TEMPORAL_UI_PORT;
  if (options.ui)
    await assertPortsFree([
      {
        what: 'Temporal Web UI',
        host: dev.CARDFLOW_DEV_HOST,
        port: uiPort,
        setting: 'CARDFLOW_DEV_TEMPORAL_UI_PORT',
      },
    ]);
  const uiInstall = options.ui
    ? await timed('ui server build or reuse', () => ensureUiServer({ env, onProgress: progress }))
    : undefined;
  const { install, cluster } = await startClusterTemporal({
    env,
    dataDir: resolve(dev.CARDFLOW_DATA_DIR),
    host: dev.CARDFLOW_DEV_HOST,
    ...(options.ports ? { ports: options.ports } : {}),
    onProgress: progress,
    timed,
  });
  let engine: DevStack;
  try {
    engine = await timed('engine', () =>
      startDevStack({
        env,
        onProgress: progress,
        temporal: {
          address: cluster.address,
          namespace: cluster.namespace,
          description: `Temporal ${install.version} cluster (${cluster.services.length} processes, PostgreSQL)`,
        },
        workerProcesses: settings.CARDFLOW_CLUSTER_WORKERS,
      }),
    );
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  let ui: RunningUiServer | undefined;
  if (uiInstall) {
    try {
      ui = await timed('ui', () =>
        startUiServer({
          install: uiInstall,
          host: dev.CARDFLOW_DEV_HOST,
          port: uiPort,
          temporalAddress: cluster.address,
          namespace: cluster.namespace,
          codecEndpoint: engine.urls.codecServer,
          logFile: join(resolve(dev.CARDFLOW_DATA_DIR), 'logs', 'cluster', 'temporal-ui.log'),
        }),
      );
      progress(`temporal ui server ${uiInstall.version}: ${ui.url}`);
    } catch (error) {
      await engine.stop();
      await cluster.stop();
      throw error;
    }
  }
  return {
    install,
    cluster,
    engine,
    ...(ui ? { ui } : {}),
    timings,
    async stop() {
      await ui?.stop();
      await engine.stop();
      await cluster.stop();
    },
  };
}
