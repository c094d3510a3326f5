// The Temporal servers the cardflow arm runs on, each with its own worker process: a dev server
// with one storage setting, or `npm run cluster`'s cluster (PostgreSQL and five Temporal
// processes, started by the cluster command's own code). Each names the processes whose CPU a
// block charges to it: PostgreSQL with its backends (children of the postmaster), each Temporal
// service process, the cardflow worker.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startClusterTemporal } from '../dev/cluster/stack';
import { freeClusterPorts } from '../dev/cluster/temporal-cluster';
import { type SandboxProcess, startDevServer, startWorkerProcess, type WorkerProcess } from './stack';
import type { ServerLabel, Storage } from './storage';

export interface BenchTarget {
  label: ServerLabel;
  /** host:port of the Temporal frontend. */
  address: string;
  worker: WorkerProcess;
  /** Root pids by process name, for the block's CPU and memory sampling. */
  pids: Record<string, number>;
  description: string;
  stop(): Promise<void>;
}

export interface WorkerSettings {
  dataDir: string;
  bundlePath: string;
  sandbox: SandboxProcess;
  clientTimeout: string;
  extraEnv: Record<string, string>;
}

async function withWorker(
  label: ServerLabel,
  address: string,
  worker: WorkerSettings,
  stopServer: () => Promise<void>,
): Promise<{ worker: WorkerProcess; stop(): Promise<void> }> {
  let process: WorkerProcess;
  try {
    process = await startWorkerProcess({ temporalAddress: address, ...worker });
  } catch (error) {
    await stopServer();
    throw new Error(`the worker on the ${label} server did not start`, { cause: error });
  }
  return {
    worker: process,
    async stop() {
      await process.stop(5000).catch(() => undefined);
      await stopServer();
    },
  };
}

export async function startDevTarget(
  storage: Storage,
  dir: string,
  worker: WorkerSettings,
): Promise<BenchTarget> {
  const server = await startDevServer(storage, dir);
  const started = await withWorker(storage, server.address, worker, () =>
    server.stop(5000).then(() => undefined),
  );
  return {
    label: storage,
    address: server.address,
    worker: started.worker,
    pids: { worker: started.worker.pid, server: server.pid },
    description: `dev server ${server.address} (${storage}, pid ${server.pid}), worker pid ${started.worker.pid}`,
    stop: started.stop,
  };
}

export async function startClusterTarget(
  dir: string,
  worker: WorkerSettings,
  log: (line: string) => void,
): Promise<BenchTarget> {
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder in ours.
  chmodSync(dir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, CARDFLOW_CLUSTER_TEMPORAL_LOG_LEVEL: 'warn' };
  const { install, cluster } = await startClusterTemporal({
    env,
    dataDir: join(dir, 'cluster-data'),
    host: '127.0.0.1',
    ports: await freeClusterPorts(),
    // The benchmark's workers and client use `default`, as on the dev server.
    namespace: 'default',
    onProgress: (line) => log(`  cluster: ${line}`),
  });
  const started = await withWorker('cluster', cluster.address, worker, () => cluster.stop());
  const pids: Record<string, number> = { worker: started.worker.pid };
  if (cluster.postgres.pid) pids.postgres = cluster.postgres.pid;
  for (const service of cluster.services) if (service.pid) pids[`temporal-${service.id}`] = service.pid;
  return {
    label: 'cluster',
    address: cluster.address,
    worker: started.worker,
    pids,
    description: `Temporal ${install.version} cluster ${cluster.address} (${Object.entries(pids)
      .map(([name, pid]) => `${name} ${pid}`)
      .join(', ')})`,
    stop: started.stop,
  };
}
