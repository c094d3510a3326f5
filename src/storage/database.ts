// The engine's own PostgreSQL database (CARDFLOW_DATABASE_URL): what outlives one process and is
// shared by every machine of a deployment (identity documents; the audit trail). One `pg` pool per
// process; each store creates its tables through `migrate` (migrations.ts).
import { Pool } from 'pg';
import { z } from 'zod';
import { envValue } from '../config/env';

export const databaseEnvSchema = z.object({
  /**
   * `postgres://user:password@host:5432/cardflow` (or its _FILE form): the shared store of
   * documents and audit records. Unset: the dev stack's files under CARDFLOW_DATA_DIR.
   */
  CARDFLOW_DATABASE_URL: envValue
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
});
export type DatabaseConfig = z.output<typeof databaseEnvSchema>;

export interface DatabaseOptions {
  /** Connections this process may hold (default 10). */
  max?: number;
  /** Told when an idle connection fails (the server restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/** A pool on the database at `url`. Connecting happens on first use; the caller ends it. */
export function openDatabase(url: string, options: DatabaseOptions = {}): Pool {
  const pool = new Pool({ connectionString: url, max: options.max ?? 10 });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
