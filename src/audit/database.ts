// The one place the audit trail opens its PostgreSQL pool from CARDFLOW_DATABASE_URL. When the
// shared storage module (src/storage, issue 22 part 1) lands, this becomes its openDatabase(url).
import { Pool } from 'pg';

export function openAuditDatabase(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 4 });
  // An idle connection the server dropped is replaced on the next checkout; errors surface on use.
  pool.on('error', () => undefined);
  return pool;
}
