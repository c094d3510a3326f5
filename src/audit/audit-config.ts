// The audit trail's settings and the store they select:
//   CARDFLOW_AUDIT_RETENTION   how long records are kept, in days (default 365d: PCI DSS 10.5.1
//                              asks for 12 months)
// The store is the table cardflow_audit in the engine's database (CARDFLOW_DATABASE_URL, opened by
// src/storage: one pool per process, shared with the document store), or without a database JSON
// lines files in <CARDFLOW_DATA_DIR>/audit (the dev stack).
// The spool for records the store refuses is <CARDFLOW_DATA_DIR>/audit-spool.jsonl.
import { join } from 'node:path';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import { AuditLog } from './audit-log';
import type { AuditStore } from './audit-record';
import { FileAuditStore } from './file-audit-store';
import { auditTableExists, migrateAuditTable, PostgresAuditStore } from './postgres-audit-store';

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export const auditEnvSchema = z.object({
  CARDFLOW_AUDIT_RETENTION: z
    .string()
    .regex(/^\d{1,5}d$/, 'expected a number of days such as 365d')
    .transform((v) => Number(v.slice(0, -1)))
    .pipe(z.number().int().min(1, 'expected at least 1d'))
    .default(DEFAULT_AUDIT_RETENTION_DAYS),
});
export type AuditSettings = z.output<typeof auditEnvSchema>;

export interface AuditStoreOptions {
  /** The process's pool on CARDFLOW_DATABASE_URL (the caller ends it); without one, the files. */
  pool?: Pool;
  /**
   * `if-missing` (the API): migrate only when the table is missing, so a role that may only INSERT
   * and SELECT opens the table its owner made; `always` (`cardflow audit migrate`, the owner's
   * role): run new migrations and set the retention.
   */
  migrate?: 'if-missing' | 'always';
}

/** The store the settings select: PostgreSQL on the given pool, or the files. */
export async function openAuditStore(
  settings: AuditSettings,
  dataDir: string,
  { pool, migrate = 'if-missing' }: AuditStoreOptions = {},
): Promise<AuditStore> {
  if (!pool) return new FileAuditStore(join(dataDir, 'audit'));
  if (migrate === 'always' || !(await auditTableExists(pool)))
    await migrateAuditTable(pool, settings.CARDFLOW_AUDIT_RETENTION);
  return new PostgresAuditStore(pool);
}

/** The cutoff of the retention job: records before it are deleted. */
export const retentionCutoff = (days: number, now = Date.now()): Date => new Date(now - days * DAY_MS);

/** The API's audit log: the store, its spool, and the spool drained once at start. */
export async function openAuditLog(
  settings: AuditSettings,
  dataDir: string,
  logger: Logger,
  pool?: Pool,
): Promise<AuditLog> {
  const store = await openAuditStore(settings, dataDir, pool ? { pool } : {});
  const log = new AuditLog({ store, logger, spoolFile: join(dataDir, 'audit-spool.jsonl') });
  await log.drain().catch(() => undefined);
  return log;
}

export const AUDIT_RETENTION_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * The retention job: deletes records older than the retention now and every 6 hours (each API
 * process runs it; a second run finds nothing to delete). Returns its stop function.
 */
export function scheduleAuditRetention(store: AuditStore, days: number, logger: Logger): () => void {
  // The first run is after the timer exists: a role that may not delete stops it.
  const timer = setInterval(() => void run(), AUDIT_RETENTION_EVERY_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  const run = async () => {
    try {
      if (store.canPrune && !(await store.canPrune())) {
        logger.info(
          'audit retention: this role may not delete; run `cardflow audit prune` with the owner role',
        );
        stop();
        return;
      }
      const removed = await store.prune(retentionCutoff(days));
      if (removed > 0) logger.info({ removed, retentionDays: days }, 'audit retention: old records deleted');
    } catch (error) {
      logger.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'audit retention failed',
      );
    }
  };
  void run();
  return stop;
}
