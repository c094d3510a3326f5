// The dev stack's audit store: append-only JSON lines, one file per UTC day
// (`<dir>/audit-YYYY-MM-DD.jsonl`, mode 0600), each append written and synced before the API
// answers. Retention deletes whole days that ended before the cutoff; nothing rewrites a line.
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type AuditFilter, type AuditRecord, type AuditStore, selectAuditRecords } from './audit-record';
import { writeSynced } from './synced-write';

const FILE = /^audit-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export class FileAuditStore implements AuditStore {
  readonly description: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.description = `files in ${dir}`;
  }

  /** The day files, oldest first (the chaos scan and the tests read them). */
  async files(): Promise<string[]> {
    const names = (await readdir(this.dir)).filter((n) => FILE.test(n)).sort();
    return names.map((n) => join(this.dir, n));
  }

  async append(record: AuditRecord): Promise<void> {
    const file = join(this.dir, `audit-${record.at.slice(0, 10)}.jsonl`);
    await writeSynced(file, `${JSON.stringify(record)}\n`, 'append');
  }

  async query(filter: AuditFilter): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const day = FILE.exec(name)?.[1];
      if (!day) continue;
      const start = Date.parse(`${day}T00:00:00Z`);
      if (filter.since && start + DAY_MS <= filter.since.getTime()) continue;
      if (filter.until && start >= filter.until.getTime()) continue;
      for (const line of (await readFile(join(this.dir, name), 'utf8')).split('\n'))
        if (line.trim()) records.push(JSON.parse(line) as AuditRecord);
    }
    return selectAuditRecords(records, filter);
  }

  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      const day = FILE.exec(name)?.[1];
      if (!day || Date.parse(`${day}T00:00:00Z`) + DAY_MS > before.getTime()) continue;
      const text = await readFile(join(this.dir, name), 'utf8');
      removed += text.split('\n').filter((l) => l.trim()).length;
      await rm(join(this.dir, name));
    }
    return removed;
  }

  async close(): Promise<void> {}
}
