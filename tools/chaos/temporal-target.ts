// The Temporal the chaos suite runs on, and the server faults it can suffer while lifecycles run.
// dev: the file-backed dev server (SQLite + WAL), stopped (SIGTERM, or SIGKILL every other time)
// and started again on the same file. cluster: `npm run cluster`'s cluster (started by its own
// code), whose faults take turns: a history host SIGKILLed (every shard moves to the other) and
// started again, PostgreSQL restarted, the frontend restarted.
import { chmodSync, createWriteStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startClusterTemporal } from '../dev/cluster/stack';
import { freeClusterPorts } from '../dev/cluster/temporal-cluster';
import { freePort } from '../dev/ports';
import { startTemporalDevServer } from '../dev/temporal-server';

export type ChaosServer = 'dev' | 'cluster';
export const CHAOS_SERVERS: readonly ChaosServer[] = ['dev', 'cluster'];

export interface ServerFault {
  /** What was done, for the progress line. */
  what: string;
  /** A crash (SIGKILL) rather than an orderly stop. */
  crash: boolean;
}

export interface ChaosTemporal {
  server: ChaosServer;
  /** host:port of the frontend. */
  address: string;
  description: string;
  /** How many distinct faults `fault(i)` cycles through. */
  faultKinds: number;
  /** Injects fault number `i` (the kinds take turns), the server down about `downMs`. */
  fault(i: number, downMs: number): Promise<ServerFault>;
  logFiles(): string[];
  stop(): Promise<void>;
}

export async function startDevTemporal(dir: string, logDir: string): Promise<ChaosTemporal> {
  const log = createWriteStream(join(logDir, 'temporal-server.log'), { flags: 'a' });
  const port = await freePort();
  const dbFile = join(dir, 'temporal', 'temporal.db');
  const start = () =>
    startTemporalDevServer({
      port,
      uiPort: false,
      dbFile,
      sqlitePragmas: ['journal_mode=wal'],
      onOutput: (line) => log.write(`${line}\n`),
    });
  let server = await start();
  return {
    server: 'dev',
    address: server.address,
    description: `temporal dev server: ${server.address} (${dbFile}, WAL)`,
    faultKinds: 2,
    async fault(i, downMs) {
      const crash = i % 2 === 1;
      if (crash) await server.kill();
      else await server.stop();
      await sleep(downMs);
      server = await start();
      return {
        what: `${crash ? 'SIGKILL' : 'SIGTERM'} the Temporal dev server, down ${Math.round(downMs)} ms, back as pid ${server.pid}`,
        crash,
      };
    },
    logFiles: () => [join(logDir, 'temporal-server.log')],
    async stop() {
      await server.stop();
      await new Promise((done) => log.end(done));
    },
  };
}

export async function startClusterTemporalTarget(
  dir: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<ChaosTemporal> {
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder in ours.
  chmodSync(dir, 0o755);
  const dataDir = join(dir, 'cluster-data');
  const { install, cluster } = await startClusterTemporal({
    env: { ...env, CARDFLOW_CLUSTER_TEMPORAL_LOG_LEVEL: 'warn' },
    dataDir,
    host: '127.0.0.1',
    ports: await freeClusterPorts(),
    // The chaos stack's API and workers use `default`, as on the dev server.
    namespace: 'default',
    onProgress: (line) => progress(`  cluster: ${line}`),
  });
  const [h1, h2] = cluster.historyHosts;
  const logDir = join(dataDir, 'logs', 'cluster');
  return {
    server: 'cluster',
    address: cluster.address,
    description: `Temporal ${install.version} cluster ${cluster.address}: PostgreSQL pid ${cluster.postgres.pid}, ${cluster.services
      .map((s) => `${s.id} pid ${s.pid}`)
      .join(', ')}`,
    faultKinds: 3,
    async fault(i, downMs) {
      switch (i % 3) {
        case 0: {
          // Alternate the victim so both hosts are killed over a long run.
          const [victim, survivor] = Math.floor(i / 3) % 2 === 0 ? [h1, h2] : [h2, h1];
          const killedAt = Date.now();
          await victim.kill();
          await cluster.waitForShardOwners([survivor.address], 120_000);
          const movedMs = Date.now() - killedAt;
          await sleep(downMs);
          await victim.start();
          return {
            what: `SIGKILL ${victim.id}: every shard on ${survivor.id} after ${movedMs} ms; ${victim.id} back as pid ${victim.pid}`,
            crash: true,
          };
        }
        case 1:
          await cluster.postgres.restart(downMs);
          return {
            what: `PostgreSQL restarted (fast shutdown, down ${Math.round(downMs)} ms), pid ${cluster.postgres.pid}`,
            crash: false,
          };
        default: {
          const frontend = cluster.service('frontend');
          await frontend.stop();
          await sleep(downMs);
          await frontend.start();
          return {
            what: `frontend restarted (SIGTERM, down ${Math.round(downMs)} ms), pid ${frontend.pid}`,
            crash: false,
          };
        }
      }
    },
    logFiles: () => {
      try {
        return readdirSync(logDir).map((name) => join(logDir, name));
      } catch {
        return [];
      }
    },
    stop: () => cluster.stop(),
  };
}
