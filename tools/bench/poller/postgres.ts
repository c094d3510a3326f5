// The poller arm's PostgreSQL: the machine's server binaries started by the cluster launcher's own
// code (tools/dev/cluster/postgres.ts), as a server of its own in a throwaway folder, so that its
// CPU is charged to the poller arm alone (the cluster's server, when the run has one, serves
// Temporal). A missing PostgreSQL is an error naming the fix, never a silent fallback.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { findPostgresBinDir, PostgresServer } from '../../dev/cluster/postgres';
import { freePort } from '../../dev/ports';

export interface PollerPostgres {
  server: PostgresServer;
  /** The postmaster (its backends are its children). */
  pid: number;
  /** The server's version, e.g. "PostgreSQL 15.10". */
  version: string;
  connection: { host: string; port: number; user: string; password: string; database: string };
  pool(max: number): Pool;
  stop(): Promise<void>;
}

/** Starts a server in `dir` (created; every folder above it must be searchable by others when we are root). */
export async function startPollerPostgres(dir: string): Promise<PollerPostgres> {
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder in ours.
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const connection = {
    host: '127.0.0.1',
    port: await freePort(),
    user: 'poller',
    password: randomBytes(18).toString('base64url'),
    database: 'postgres',
  };
  const server = new PostgresServer({
    binDir: findPostgresBinDir(),
    dataDir: join(dir, 'data'),
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    logFile: join(dir, 'postgres.log'),
  });
  await server.start();
  const [[version] = ['unknown']] = await server.query('postgres', 'SHOW server_version');
  const pools: Pool[] = [];
  return {
    server,
    pid: server.pid ?? -1,
    version: `PostgreSQL ${version}`,
    connection,
    pool(max) {
      const pool = new Pool({ ...connection, max });
      // An idle connection the server dropped (a killed backend) is replaced on the next checkout.
      pool.on('error', () => undefined);
      pools.push(pool);
      return pool;
    },
    async stop() {
      for (const pool of pools.splice(0)) await pool.end().catch(() => undefined);
      await server.close();
    },
  };
}
