// A tiny migration runner: each store names its own migrations, and each runs once per database,
// recorded in `cardflow_schema_migrations`. Processes that start together (API and workers)
// take turns through an advisory lock, so a migration never runs twice at once.
import type { Pool } from 'pg';

export interface Migration {
  /** Unique across every store, e.g. `documents-1-table`; never renamed once released. */
  name: string;
  /** Statements run in one transaction. */
  sql: string;
}

/** Any constant shared by every cardflow process: the key of the migrations' advisory lock. */
const MIGRATION_LOCK = 7_331_022;

/** Runs the migrations this database has not seen yet, in order; answers the names it ran. */
export async function migrate(pool: Pool, migrations: readonly Migration[]): Promise<string[]> {
  const ran: string[] = [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS cardflow_schema_migrations (
         name text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM cardflow_schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO cardflow_schema_migrations (name) VALUES ($1)', [migration.name]);
      applied.add(migration.name);
      ran.push(migration.name);
    }
    await client.query('COMMIT');
    return ran;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
