// A throwaway PostgreSQL for the document store tests: the machine's server binaries started the
// way the benchmark's poller starts its own (tools/bench/poller/postgres.ts), in a folder of the
// test's, with a `cardflow` database. A missing PostgreSQL fails the test with the fix.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PollerPostgres, startPollerPostgres } from '../../tools/bench/poller/postgres';

export interface TestPostgres {
  /** `postgres://...` of the `cardflow` database, as CARDFLOW_DATABASE_URL takes it. */
  url: string;
  server: PollerPostgres;
  /** Every file of the server's data folder (tables, WAL) after a checkpoint, for a raw scan. */
  dataFiles(): string[];
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-pg-'));
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  const server = await startPollerPostgres(join(dir, 'postgres'));
  await server.server.query('postgres', 'CREATE DATABASE cardflow');
  const { host, port, user, password } = server.connection;
  const url = `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/cardflow`;
  const dataDir = join(dir, 'postgres', 'data');
  const walk = (path: string): string[] =>
    statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [path];
  return {
    url,
    server,
    dataFiles: () => walk(dataDir),
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The files under `paths` whose raw bytes contain `needle`. */
export function filesContaining(paths: readonly string[], needle: Buffer): string[] {
  return paths.filter((path) => {
    try {
      return readFileSync(path).includes(needle);
    } catch {
      return false; // removed meanwhile
    }
  });
}
