// What the API appends audit records through. A record must not be lost when the store fails: the
// request has already acted by the time it is recorded (its outcome is part of the record), so a
// record the store refuses is written to a local spool file (JSON lines, synced) and retried from
// there until the store takes it. Only if the spool cannot be written either does the record go
// to the error log, whole (it holds no secret), so an operator can still restore it.
// Order: at-least-once. A crash between the store taking spooled records and the spool being
// emptied stores them twice; the request id tells the copies apart.
import { mkdirSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logging/logger';
import type { AuditRecord, AuditStore } from './audit-record';
import { writeSynced } from './synced-write';

export const AUDIT_SPOOL_RETRY_MS = 5_000;

export interface AuditLogOptions {
  store: AuditStore;
  logger: Logger;
  /** The spool file; without one a refused record goes straight to the error log. */
  spoolFile?: string;
  retryMs?: number;
}

export class AuditLog {
  readonly store: AuditStore;
  private readonly logger: Logger;
  private readonly spoolFile: string | undefined;
  private readonly retryMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Spool writes and drains, one at a time. */
  private spoolQueue: Promise<unknown> = Promise.resolve();
  private spooled = 0;

  constructor(options: AuditLogOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.spoolFile = options.spoolFile;
    this.retryMs = options.retryMs ?? AUDIT_SPOOL_RETRY_MS;
    if (this.spoolFile) mkdirSync(dirname(this.spoolFile), { recursive: true, mode: 0o700 });
  }

  /** How many records wait in the spool (the health of the trail; tests). */
  get pending(): number {
    return this.spooled;
  }

  /** Appends a record; resolves once it is in the store or in the spool (never rejects). */
  async record(record: AuditRecord): Promise<void> {
    try {
      await this.store.append(record);
      return;
    } catch (error) {
      this.logger.warn(
        {
          err: { name: (error as Error).name, code: (error as { code?: string }).code },
          store: this.store.description,
        },
        'audit store refused a record: spooling it',
      );
    }
    await this.spool(record);
  }

  /** Moves spooled records into the store (at start, on a timer while any wait, at close). */
  drain(): Promise<number> {
    const run = this.spoolQueue.then(() => this.drainNow());
    this.spoolQueue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.drain().catch(() => undefined);
    await this.store.close();
  }

  private spool(record: AuditRecord): Promise<void> {
    const file = this.spoolFile;
    const write = this.spoolQueue.then(async () => {
      if (!file) throw new Error('no spool file');
      await writeSynced(file, `${JSON.stringify(record)}\n`, 'append');
      this.spooled++;
      this.schedule();
    });
    this.spoolQueue = write.catch(() => undefined);
    return write.catch((error: unknown) => {
      this.logger.error(
        { audit: record, err: { name: (error as Error).name, message: (error as Error).message } },
        'audit record could be neither stored nor spooled: restore it from this line',
      );
    });
  }

  private schedule(): void {
    if (this.timer || !this.spoolFile) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain().then(
        () => this.spooled > 0 && this.schedule(),
        () => this.schedule(),
      );
    }, this.retryMs);
    this.timer.unref();
  }

  private async drainNow(): Promise<number> {
    const file = this.spoolFile;
    if (!file) return 0;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      this.spooled = 0;
      return 0;
    }
    const lines = text.split('\n').filter((l) => l.trim());
    let stored = 0;
    for (const line of lines) {
      try {
        await this.store.append(JSON.parse(line) as AuditRecord);
      } catch {
        break;
      }
      stored++;
    }
    const rest = lines.slice(stored);
    if (rest.length === 0) await rm(file, { force: true });
    else if (stored > 0) {
      // The records not yet stored, replacing the spool in one rename.
      await writeSynced(`${file}.tmp`, rest.map((l) => `${l}\n`).join(''), 'replace');
      await rename(`${file}.tmp`, file);
    }
    this.spooled = rest.length;
    if (stored > 0) this.logger.info({ stored, left: rest.length }, 'audit spool drained into the store');
    if (rest.length > 0) this.schedule();
    return stored;
  }
}
