// The chaos stack's engine database: a throwaway PostgreSQL (the machine's server binaries,
// started by the cluster launcher's own code) with a `cardflow` database that the API and every
// worker process use through CARDFLOW_DATABASE_URL, as a deployment does: the documents and the
// API's audit trail. After the run its data files (tables and WAL, deleted rows not yet vacuumed
// included) are scanned for canaries.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinDir, PostgresServer } from '../dev/cluster/postgres';
import { freePort } from '../dev/ports';

export interface ChaosDatabase {
  /** CARDFLOW_DATABASE_URL for the engine. */
  url: string;
  /** Every file of the server's data folder, after a checkpoint wrote what is committed. */
  dataFiles(): Promise<string[]>;
  /** The data file of a table of the `cardflow` database (so the scan can show it read it). */
  tableFile(table: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the server in a folder of its own (not the run's folder: that one stays private). */
export async function startChaosDatabase(): Promise<ChaosDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-chaos-pg-'));
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  const user = 'cardflow';
  const password = randomBytes(18).toString('base64url');
  const port = await freePort();
  const dataDir = join(dir, 'data');
  const server = new PostgresServer({
    binDir: findPostgresBinDir(),
    dataDir,
    host: '127.0.0.1',
    port,
    user,
    password,
    logFile: join(dir, 'postgres.log'),
  });
  await server.start();
  try {
    await server.query('postgres', 'CREATE DATABASE cardflow');
  } catch (error) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const walk = (path: string): string[] =>
    statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [path];
  return {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/cardflow`,
    async dataFiles() {
      await server.query('cardflow', 'CHECKPOINT');
      return walk(dataDir);
    },
    async tableFile(table) {
      const [row] = await server.query('cardflow', `SELECT pg_relation_filepath('${table}')`);
      return join(dataDir, row?.[0] ?? `(no table ${table})`);
    },
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
