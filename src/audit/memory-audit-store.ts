// An audit store in memory: what buildApi uses when it is given none (tests and embedders that
// keep their own trail). It outlives nothing; deployments use PostgreSQL or the files.
import { type AuditFilter, type AuditRecord, type AuditStore, selectAuditRecords } from './audit-record';

export class MemoryAuditStore implements AuditStore {
  readonly description = 'memory';
  readonly records: AuditRecord[] = [];

  async append(record: AuditRecord): Promise<void> {
    this.records.push({ ...record });
  }

  async query(filter: AuditFilter): Promise<AuditRecord[]> {
    return selectAuditRecords(this.records, filter);
  }

  async prune(before: Date): Promise<number> {
    const kept = this.records.filter((r) => Date.parse(r.at) >= before.getTime());
    const removed = this.records.length - kept.length;
    this.records.splice(0, this.records.length, ...kept);
    return removed;
  }

  async close(): Promise<void> {}
}
