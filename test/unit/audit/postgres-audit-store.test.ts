// The audit trail's PostgreSQL store against a real, throwaway PostgreSQL (the cluster launcher's
// PostgresServer, as the bench poller's test starts it; a missing PostgreSQL fails the test):
//   1. the migration is idempotent; records come back by every filter;
//   2. append-only: UPDATE, TRUNCATE and DELETE of a record within the retention are refused by
//      the trigger (even to the owner); the retention job deletes only what is older;
//   3. a role granted INSERT and SELECT only (the API's role in docs/api.md) appends and reads;
//   4. the table is made by src/storage's migration runner, in the engine's one database beside the
//      documents, on the pool the process shares (the store never ends it);
//   5. nothing lost: a record the store refuses goes to the spool and reaches the table once the
//      store takes records again; when the spool cannot be written either, the record is in the
//      error log.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Pool } from 'pg';
import { openAuditStore, retentionCutoff } from '../../../src/audit/audit-config';
import { auditCommand } from '../../../src/cli/audit-command';
import { AuditLog } from '../../../src/audit/audit-log';
import type { AuditRecord } from '../../../src/audit/audit-record';
import { migrateAuditTable, PostgresAuditStore } from '../../../src/audit/postgres-audit-store';
import { openDocumentStore } from '../../../src/documents/open-document-store';
import { openDatabase } from '../../../src/storage/database';
import { testOnlyKeyring } from '../../helpers/test-data-converter';
import { type PollerPostgres, startPollerPostgres } from '../../../tools/bench/poller/postgres';
import { capturedLogger } from '../../helpers/captured-logger';

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
let postgres: PollerPostgres;
let owner: Pool;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cardflow-audit-pg-'));
  chmodSync(dir, 0o755);
  postgres = await startPollerPostgres(join(dir, 'postgres'));
  owner = postgres.pool(4);
});
after(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  at: new Date().toISOString(),
  credential: 'ledger-svc',
  action: 'flow.start.deposit',
  flowId: 'deposit:wasabi:card-1:dep-1',
  status: 201,
  code: 'ok',
  requestId: randomUUID(),
  ...over,
});

/** A pool as a new login role granted `grants` on the audit table (and its id sequence). */
async function poolAsRole(role: string, grants: string): Promise<Pool> {
  const password = randomBytes(12).toString('hex');
  await owner.query(`DROP ROLE IF EXISTS ${role}`);
  await owner.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await owner.query(`GRANT ${grants} ON cardflow_audit TO ${role}`);
  await owner.query(`GRANT USAGE ON SEQUENCE cardflow_audit_id_seq TO ${role}`);
  return new Pool({ ...postgres.connection, user: role, password, max: 2 });
}

test('the migration runs twice; records come back by time, flow, credential, action and outcome', async () => {
  await migrateAuditTable(owner, 365);
  await migrateAuditTable(owner, 365);
  const store = new PostgresAuditStore(owner);
  const base = Date.now() - 60_000;
  const at = (s: number) => new Date(base + s * 1000).toISOString();
  const flow = `deposit:wasabi:card-${randomUUID().slice(0, 8)}:d1`;
  const records = [
    record({ at: at(1), flowId: flow }),
    record({ at: at(2), flowId: flow, credential: 'reader', status: 403, code: 'forbidden' }),
    record({ at: at(3), flowId: null, action: 'document.upload', credential: 'kyc-svc' }),
    record({
      at: at(4),
      flowId: flow,
      action: 'webhook.wasabi',
      credential: 'webhook:wasabi',
      status: 200,
      code: 'signalled',
    }),
  ];
  for (const r of records) await store.append(r);
  const mine = { since: new Date(base) };
  assert.deepEqual(await store.query({ ...mine, flowId: flow }), [records[0], records[1], records[3]]);
  assert.deepEqual(await store.query({ ...mine, credential: 'reader' }), [records[1]]);
  assert.deepEqual(await store.query({ ...mine, action: 'document.upload' }), [records[2]]);
  assert.deepEqual(await store.query({ ...mine, outcome: '403' }), [records[1]]);
  assert.deepEqual(await store.query({ ...mine, outcome: 'signalled' }), [records[3]]);
  assert.deepEqual(await store.query({ since: new Date(base + 2000), until: new Date(base + 4000) }), [
    records[1],
    records[2],
  ]);
  assert.deepEqual(await store.query({ ...mine, limit: 2 }), [records[0], records[1]]);
});

test('append-only: UPDATE, TRUNCATE and DELETE within the retention are refused; the retention job deletes only older records', async () => {
  await migrateAuditTable(owner, 365);
  const store = new PostgresAuditStore(owner);
  const recent = record({ credential: 'append-only-check' });
  const old = record({ credential: 'append-only-check', at: new Date(Date.now() - 400 * DAY).toISOString() });
  await store.append(recent);
  await store.append(old);
  const refused = /append-only: (UPDATE|DELETE|TRUNCATE) refused/;
  await assert.rejects(
    owner.query(`UPDATE cardflow_audit SET code = 'changed' WHERE request_id = $1`, [recent.requestId]),
    refused,
  );
  await assert.rejects(
    owner.query(`UPDATE cardflow_audit SET code = 'changed' WHERE request_id = $1`, [old.requestId]),
    refused,
  );
  await assert.rejects(
    owner.query(`DELETE FROM cardflow_audit WHERE request_id = $1`, [recent.requestId]),
    refused,
  );
  await assert.rejects(owner.query('TRUNCATE cardflow_audit'), refused);
  // A prune asked for a cutoff inside the retention the table holds is refused as a whole.
  await assert.rejects(store.prune(new Date()), refused);
  const removed = await store.prune(retentionCutoff(365));
  assert.ok(removed >= 1);
  const left = await store.query({ credential: 'append-only-check', since: new Date(0) });
  assert.deepEqual(left, [recent]);
});

test("the API's role, granted INSERT and SELECT only, appends and reads but cannot delete", async () => {
  await migrateAuditTable(owner, 365);
  const app = await poolAsRole('cardflow_api', 'SELECT, INSERT');
  try {
    const store = new PostgresAuditStore(app);
    const mine = record({ credential: 'app-role-check' });
    await store.append(mine);
    assert.deepEqual(await store.query({ credential: 'app-role-check', since: new Date(0) }), [mine]);
    await assert.rejects(app.query('DELETE FROM cardflow_audit'), /permission denied/);
    // The API opened with this role: the table exists, so no migration is tried; no retention job.
    const opened = await openAuditStore({ CARDFLOW_AUDIT_RETENTION: 365 }, dir, { pool: app });
    assert.equal(await opened.canPrune?.(), false);
    assert.deepEqual(await opened.query({ credential: 'app-role-check', since: new Date(0) }), [mine]);
    await opened.close();
    await assert.rejects(app.query(`UPDATE cardflow_audit SET code = 'x'`), /permission denied/);
  } finally {
    await app.end();
  }
});

test("the audit table is migrated by src/storage's runner on the process's pool, beside the documents, and that pool stays open", async () => {
  await owner.query('CREATE DATABASE cardflow_shared');
  const { host, port, user, password } = postgres.connection;
  const pool = openDatabase(
    `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/cardflow_shared`,
    { max: 2 },
  );
  try {
    await openDocumentStore({ keyring: testOnlyKeyring(), pool, dataDir: dir });
    const store = await openAuditStore({ CARDFLOW_AUDIT_RETENTION: 365 }, dir, { pool });
    assert.equal(store.description, 'postgresql table cardflow_audit');
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM cardflow_schema_migrations');
    const names = rows.map((r) => r.name);
    assert.ok(names.includes('audit-1-table'), names.join(', '));
    assert.ok(
      names.some((n) => n.startsWith('documents-')),
      names.join(', '),
    );
    const mine = record({ credential: 'shared-pool-check' });
    await store.append(mine);
    await store.close();
    // Opened again (another process starting): nothing to migrate, the record is there.
    const again = await openAuditStore({ CARDFLOW_AUDIT_RETENTION: 365 }, dir, { pool });
    assert.deepEqual(await again.query({ credential: 'shared-pool-check', since: new Date(0) }), [mine]);
    const count = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cardflow_schema_migrations WHERE name = 'audit-1-table'",
    );
    assert.equal(count.rows[0]?.n, 1);
  } finally {
    await pool.end();
  }
});

test('nothing lost: a refused record is spooled and reaches the table once the store takes records again', async () => {
  await migrateAuditTable(owner, 365);
  const app = await poolAsRole('cardflow_spool', 'SELECT');
  const spoolFile = join(dir, 'spool', 'audit-spool.jsonl');
  const log = capturedLogger();
  const audit = new AuditLog({
    store: new PostgresAuditStore(app),
    logger: log.logger,
    spoolFile,
    retryMs: 100,
  });
  try {
    // The store refuses (no INSERT grant): the records wait in the spool, synced to disk.
    const first = record({ credential: 'spool-check' });
    const second = record({ credential: 'spool-check' });
    await audit.record(first);
    await audit.record(second);
    assert.equal(audit.pending, 2);
    const spooled = readFileSync(spoolFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    assert.deepEqual(spooled, [first, second]);
    assert.match(log.text(), /audit store refused a record: spooling it/);
    // The store takes records again: the retry timer moves them into the table and empties the spool.
    await owner.query('GRANT INSERT ON cardflow_audit TO cardflow_spool');
    const until = Date.now() + 10_000;
    while (audit.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(audit.pending, 0);
    assert.equal(existsSync(spoolFile), false);
    const stored = await new PostgresAuditStore(owner).query({
      credential: 'spool-check',
      since: new Date(0),
    });
    assert.deepEqual(stored, [first, second]);
  } finally {
    await audit.close();
    await app.end();
  }
});

test('when neither the store nor the spool takes a record, the whole record is in the error log', async () => {
  const notADir = join(dir, 'a-file');
  writeFileSync(notADir, 'x');
  const log = capturedLogger();
  const broken = new PostgresAuditStore(new Pool({ ...postgres.connection, password: 'wrong', max: 1 }));
  // The spool's folder cannot be made (a file is in the way): construction must not hide it.
  assert.throws(
    () => new AuditLog({ store: broken, logger: log.logger, spoolFile: join(notADir, 'spool.jsonl') }),
  );
  const audit = new AuditLog({ store: broken, logger: log.logger });
  const lost = record({ credential: 'last-resort-check' });
  await audit.record(lost);
  const line =
    log
      .text()
      .split('\n')
      .find((l) => l.includes('could be neither stored nor spooled')) ?? '';
  assert.ok(line, log.text());
  assert.deepEqual((JSON.parse(line) as { audit: AuditRecord }).audit, lost);
  await audit.close();
});

test('cardflow audit reads the table with filters and prunes it to the retention', async () => {
  await migrateAuditTable(owner, 365);
  const store = new PostgresAuditStore(owner);
  const refused = record({ credential: 'cli-check', status: 403, code: 'forbidden' });
  await store.append(record({ credential: 'cli-check' }));
  await store.append(refused);
  await store.append(record({ credential: 'cli-check', at: new Date(Date.now() - 500 * DAY).toISOString() }));
  const { host, port, user, password, database } = postgres.connection;
  const saved = { ...process.env };
  process.env.CARDFLOW_DATABASE_URL = `postgres://${user}:${password}@${host}:${port}/${database}`;
  process.env.CARDFLOW_DATA_DIR = dir;
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await auditCommand.run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err: err.join('\n') };
  };
  try {
    const since = new Date(Date.now() - 600 * DAY).toISOString();
    const listed = await run(['--credential', 'cli-check', '--outcome', '403', '--since', since, '--json']);
    assert.equal(listed.code, 0, listed.err);
    assert.deepEqual(
      listed.out.map((l) => JSON.parse(l) as AuditRecord),
      [refused],
    );
    assert.equal((await run(['--credential', 'cli-check', '--since', since])).out.length, 3);
    assert.equal((await run(['--since', 'yesterday'])).code, 2);
    const pruned = await run(['prune']);
    assert.equal(pruned.code, 0, pruned.err);
    assert.match(pruned.out.join('\n'), /audit retention 365d: \d+ records deleted/);
    assert.equal((await run(['--credential', 'cli-check', '--since', since])).out.length, 2);
  } finally {
    process.env = saved;
  }
});
