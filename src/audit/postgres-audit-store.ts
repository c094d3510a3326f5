// The audit store of a deployment: a PostgreSQL table that outlives every API process and that
// every API process of a deployment shares. Append-only, twice over:
// - grants: the API's role needs only INSERT and SELECT on `cardflow_audit` (docs/api.md lists them);
// - a trigger refuses every UPDATE and TRUNCATE, and every DELETE of a record younger than the
//   retention kept in `cardflow_audit_retention`, whatever the role (the table owner included).
// The table lives in the engine's database beside the documents (src/storage): its migrations run
// through the shared runner (recorded once per database, processes take turns), and the retention
// the configuration asks for is written after them.
import type { Pool } from 'pg';
import { type Migration, migrate } from '../storage/migrations';
import { type AuditFilter, type AuditRecord, type AuditStore, DEFAULT_AUDIT_LIMIT } from './audit-record';

const TABLE = `
CREATE TABLE IF NOT EXISTS cardflow_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  credential  text NOT NULL,
  action      text NOT NULL,
  flow_id     text,
  status      smallint NOT NULL,
  code        text NOT NULL,
  request_id  text NOT NULL
);
CREATE INDEX IF NOT EXISTS cardflow_audit_at ON cardflow_audit (at);
CREATE INDEX IF NOT EXISTS cardflow_audit_flow_id ON cardflow_audit (flow_id, at);
CREATE TABLE IF NOT EXISTS cardflow_audit_retention (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  retention interval NOT NULL
);
CREATE OR REPLACE FUNCTION cardflow_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < now() - (SELECT retention FROM cardflow_audit_retention) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'cardflow_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER cardflow_audit_no_change BEFORE UPDATE OR DELETE ON cardflow_audit
  FOR EACH ROW EXECUTE FUNCTION cardflow_audit_append_only();
CREATE OR REPLACE TRIGGER cardflow_audit_no_truncate BEFORE TRUNCATE ON cardflow_audit
  FOR EACH STATEMENT EXECUTE FUNCTION cardflow_audit_append_only();
`;

/** The audit trail's migrations, in order (names never change once released). */
export const AUDIT_MIGRATIONS: readonly Migration[] = [{ name: 'audit-1-table', sql: TABLE }];

/** Whether the table exists (an API role without CREATE skips the migration the owner ran). */
export async function auditTableExists(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>(
    "SELECT to_regclass('cardflow_audit') IS NOT NULL AND to_regclass('cardflow_audit_retention') IS NOT NULL AS found",
  );
  return rows[0]?.found === true;
}

/** Runs the audit migrations this database has not seen, then records the retention. */
export async function migrateAuditTable(pool: Pool, retentionDays: number): Promise<void> {
  await migrate(pool, AUDIT_MIGRATIONS);
  await pool.query(
    `INSERT INTO cardflow_audit_retention (singleton, retention) VALUES (true, make_interval(days => $1))
     ON CONFLICT (singleton) DO UPDATE SET retention = EXCLUDED.retention`,
    [retentionDays],
  );
}

interface Row {
  at: Date;
  credential: string;
  action: string;
  flow_id: string | null;
  status: number;
  code: string;
  request_id: string;
}

export class PostgresAuditStore implements AuditStore {
  readonly description = 'postgresql table cardflow_audit';

  /** On the process's pool, which its opener ends (not close()). */
  constructor(private readonly pool: Pool) {}

  async append(r: AuditRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO cardflow_audit (at, credential, action, flow_id, status, code, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [r.at, r.credential, r.action, r.flowId, r.status, r.code, r.requestId],
    );
  }

  async query(filter: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.since) add('at >= ?', filter.since);
    if (filter.until) add('at < ?', filter.until);
    if (filter.flowId !== undefined) add('flow_id = ?', filter.flowId);
    if (filter.credential !== undefined) add('credential = ?', filter.credential);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.outcome !== undefined) {
      if (/^\d{3}$/.test(filter.outcome)) add('status = ?', Number(filter.outcome));
      else add('code = ?', filter.outcome);
    }
    values.push(filter.limit ?? DEFAULT_AUDIT_LIMIT);
    const { rows } = await this.pool.query<Row>(
      `SELECT at, credential, action, flow_id, status, code, request_id FROM cardflow_audit
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, id LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({
      at: row.at.toISOString(),
      credential: row.credential,
      action: row.action,
      flowId: row.flow_id,
      status: row.status,
      code: row.code,
      requestId: row.request_id,
    }));
  }

  /** Whether this role may run the retention job (the API's INSERT/SELECT role may not). */
  async canPrune(): Promise<boolean> {
    const { rows } = await this.pool.query<{ ok: boolean }>(
      "SELECT has_table_privilege('cardflow_audit', 'DELETE') AS ok",
    );
    return rows[0]?.ok === true;
  }

  async prune(before: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM cardflow_audit WHERE at < $1', [before]);
    return rowCount ?? 0;
  }

  async close(): Promise<void> {}
}
