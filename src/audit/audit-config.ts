// The audit trail's settings and the store they select:
//   CARDFLOW_DATABASE_URL      PostgreSQL (postgres://...): the table cardflow_audit; without it,
//                              JSON lines files in <CARDFLOW_DATA_DIR>/audit (the dev stack)
//   CARDFLOW_AUDIT_RETENTION   how long records are kept, in days (default 365d: PCI DSS 10.5.1
//                              asks for 12 months)
// The spool for records the store refuses is <CARDFLOW_DATA_DIR>/audit-spool.jsonl.
import { join } from 'node:path';
import { z } from 'zod';
import { envValue } from '../config/env';
import type { Logger } from '../logging/logger';
import { AuditLog } from './audit-log';
import type { AuditStore } from './audit-record';
import { openAuditDatabase } from './database';
import { FileAuditStore } from './file-audit-store';
import { auditTableExists, migrateAuditTable, PostgresAuditStore } from './postgres-audit-store';

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export const auditEnvSchema = z.object({
  CARDFLOW_DATABASE_URL: envValue
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
  CARDFLOW_AUDIT_RETENTION: z
    .string()
    .regex(/^\d{1,5}d$/, 'expected a number of days such as 365d')
    .transform((v) => Number(v.slice(0, -1)))
    .pipe(z.number().int().min(1, 'expected at least 1d'))
    .default(DEFAULT_AUDIT_RETENTION_DAYS),
});
export type AuditSettings = z.output<typeof auditEnvSchema>;

/**
 * The store the settings select. PostgreSQL is migrated when its table is missing, or always with
 * `migrate: 'always'` (`cardflow audit migrate`, run by the table's owner when the API's role may
 * only INSERT and SELECT).
 */
export async function openAuditStore(
  settings: AuditSettings,
  dataDir: string,
  { migrate = 'if-missing' }: { migrate?: 'if-missing' | 'always' } = {},
): Promise<AuditStore> {
  if (!settings.CARDFLOW_DATABASE_URL) return new FileAuditStore(join(dataDir, 'audit'));
  const pool = openAuditDatabase(settings.CARDFLOW_DATABASE_URL);
  try {
    if (migrate === 'always' || !(await auditTableExists(pool)))
      await migrateAuditTable(pool, settings.CARDFLOW_AUDIT_RETENTION);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresAuditStore(pool, true);
}

/** The cutoff of the retention job: records before it are deleted. */
export const retentionCutoff = (days: number, now = Date.now()): Date => new Date(now - days * DAY_MS);

/** The API's audit log: the store, its spool, and the spool drained once at start. */
export async function openAuditLog(
  settings: AuditSettings,
  dataDir: string,
  logger: Logger,
): Promise<AuditLog> {
  const store = await openAuditStore(settings, dataDir);
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
