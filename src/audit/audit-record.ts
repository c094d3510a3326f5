// One audit record: who (credential name, or `webhook:<provider>`) did what (action) to which flow,
// and how it ended (HTTP status and a short code). Nothing else: never a token, a secret, an
// amount or a personal value, so the trail can be kept for a year and read by auditors.
import { z } from 'zod';

export interface AuditRecord {
  /** ISO 8601 time the API answered. */
  at: string;
  /** The credential's name, `webhook:<provider>`, or `-` when no credential was accepted. */
  credential: string;
  /** What was asked, e.g. `flow.start.deposit`, `account.close`, `flow.resolve-outcome`. */
  action: string;
  /** The workflow id concerned, when there is one. */
  flowId: string | null;
  status: number;
  /** `ok`, or the error code of the answer (`forbidden`, `conflict`, ...), or a webhook outcome. */
  code: string;
  requestId: string;
}

export interface AuditFilter {
  since?: Date;
  until?: Date;
  flowId?: string;
  credential?: string;
  action?: string;
  /** An HTTP status (`403`) or a code (`forbidden`). */
  outcome?: string;
  /** At most this many records, oldest first (default 100). */
  limit?: number;
}

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

/** Where records are kept: PostgreSQL for deployments, JSON lines files for the dev stack. */
export interface AuditStore {
  /** What the store is, for logs (never a password). */
  readonly description: string;
  append(record: AuditRecord): Promise<void>;
  query(filter: AuditFilter): Promise<AuditRecord[]>;
  /** The retention job: deletes records older than `before`; the number deleted. */
  prune(before: Date): Promise<number>;
  /** Whether this store's role may prune (false: the retention job runs elsewhere). */
  canPrune?(): Promise<boolean>;
  close(): Promise<void>;
}

const isoDate = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** The filters as the API's query and the CLI's options take them. */
export const auditFilterSchema = z.strictObject({
  since: isoDate.optional(),
  until: isoDate.optional(),
  flowId: z.string().min(1).max(300).optional(),
  credential: z.string().min(1).max(80).optional(),
  action: z
    .string()
    .regex(/^[a-z0-9.:-]{1,80}$/, 'expected an action such as flow.start.deposit')
    .optional(),
  outcome: z
    .string()
    .regex(/^([1-5]\d\d|[a-z_:-]{1,60})$/, 'expected an HTTP status such as 403 or a code such as forbidden')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_LIMIT).default(DEFAULT_AUDIT_LIMIT),
});

/** Whether a record passes a filter (the file and memory stores; PostgreSQL does it in SQL). */
export function matchesAuditFilter(record: AuditRecord, filter: AuditFilter): boolean {
  const at = Date.parse(record.at);
  if (filter.since && at < filter.since.getTime()) return false;
  if (filter.until && at >= filter.until.getTime()) return false;
  if (filter.flowId !== undefined && record.flowId !== filter.flowId) return false;
  if (filter.credential !== undefined && record.credential !== filter.credential) return false;
  if (filter.action !== undefined && record.action !== filter.action) return false;
  if (filter.outcome !== undefined) {
    const asStatus = /^\d{3}$/.test(filter.outcome);
    if (asStatus ? String(record.status) !== filter.outcome : record.code !== filter.outcome) return false;
  }
  return true;
}

/** Records in time order, filtered and cut to the limit (the stores that filter in memory). */
export function selectAuditRecords(records: Iterable<AuditRecord>, filter: AuditFilter): AuditRecord[] {
  const limit = filter.limit ?? DEFAULT_AUDIT_LIMIT;
  return [...records]
    .filter((r) => matchesAuditFilter(r, filter))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(0, limit);
}
