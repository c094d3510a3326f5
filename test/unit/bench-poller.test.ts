// The benchmark's status-table poller (tools/bench/poller/) against a real PostgreSQL, started the
// way the cluster suite starts it (the cluster launcher's PostgresServer; a missing PostgreSQL
// fails the test), and the real WasabiCard sandbox:
//   1. claims skip rows another transaction holds, and a rolled-back claim leaves them due;
//   2. a loop process SIGKILLed while it holds claimed rows: other loops take the rows up, every
//      lifecycle finishes once, and the sandbox's own records hold one holder, one card and one
//      order per idempotency key (no duplicate provider order).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { providerOrderKey } from '../../src/contract';
import { FileDocumentStore } from '../../src/documents/file-document-store';
import { testOnlyKeyring } from '../helpers/test-data-converter';
import { WasabiClient } from '../../src/providers/wasabi/client';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { DEFAULT_LIFECYCLE, type LifecycleSettings } from '../../tools/bench/lifecycle';
import { claimDue, createFlowTable, insertFlow, saveUpdates } from '../../tools/bench/poller/flow-table';
import type { LoopProcessConfig } from '../../tools/bench/poller/loop-process';
import { startPollerLoops } from '../../tools/bench/poller/loops';
import { type PollerPostgres, startPollerPostgres } from '../../tools/bench/poller/postgres';
import { advance } from '../../tools/bench/poller/steps';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi';

const root = join(__dirname, '..', '..');
const TIME_SCALE = 0.05;
const settings: LifecycleSettings = {
  ...DEFAULT_LIFECYCLE,
  pollInterval: '200ms',
  pollIntervalMs: 200,
  timeScale: TIME_SCALE,
  clientTimeoutMs: 5000,
};

let dir: string;
let postgres: PollerPostgres;
let pool: Pool;
let sandbox: WasabiSandbox;
let merchantPrivateKey: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cardflow-poller-'));
  // PostgreSQL runs as the postgres user when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  postgres = await startPollerPostgres(join(dir, 'postgres'));
  pool = postgres.pool(8);
  await createFlowTable(pool);
  const merchant = generateKeyPairSync('rsa', { modulusLength: 1024 });
  merchantPrivateKey = merchant.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  sandbox = await startWasabiSandbox({
    merchantPublicKey: merchant.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformKeyBits: 1024,
    timeScale: TIME_SCALE,
  });
});

after(async () => {
  await sandbox?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sandboxKeys = () => ({
  url: sandbox.url,
  apiKey: sandbox.apiKey,
  merchantPrivateKey,
  platformPublicKey: sandbox.platformPublicKeyDer,
});

test('a claim skips rows another transaction holds; a rolled-back claim leaves them due', async () => {
  const ids = ['claim-a', 'claim-b', 'claim-c'];
  for (const id of ids) await insertFlow(pool, id, { key: id });
  const first = await pool.connect();
  const second = await pool.connect();
  try {
    await first.query('BEGIN');
    const held = await claimDue(first, 2);
    assert.equal(held.length, 2);
    await second.query('BEGIN');
    const rest = await claimDue(second, 10);
    assert.deepEqual(
      rest.map((r) => r.flowId).filter((id) => ids.includes(id)),
      ids.filter((id) => !held.some((h) => h.flowId === id)),
    );
    // The second transaction commits a poll 1 h away: that row is no longer due.
    await saveUpdates(
      second,
      rest.map((r) => ({
        ...r,
        status: 'running',
        nextPollAt: new Date(Date.now() + 3_600_000),
        error: null,
      })),
    );
    await second.query('COMMIT');
    await first.query('ROLLBACK');
    await second.query('BEGIN');
    const again = await claimDue(second, 10);
    await second.query('COMMIT');
    assert.deepEqual(
      again
        .map((r) => r.flowId)
        .filter((id) => ids.includes(id))
        .sort(),
      held.map((h) => h.flowId).sort(),
    );
  } finally {
    first.release();
    second.release();
    await pool.query(`DELETE FROM flows WHERE flow_id LIKE 'claim-%'`);
  }
});

/** Transactions the server has committed so far, in every database. */
async function committedTransactions(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT sum(xact_commit) AS n FROM pg_stat_database');
  return Number(rows[0]?.n);
}

test('idle loops rest: a due row another loop holds, or nothing due, is not a busy loop', async () => {
  const noWork = async () => {
    throw new Error('nothing should be claimed');
  };
  // A due row held by another transaction (a loop busy with it) before the loops start.
  await insertFlow(pool, 'held-a', { key: 'held-a' });
  const held = await pool.connect();
  await held.query('BEGIN');
  assert.equal((await claimDue(held, 1)).length, 1);
  const loops = startPollerLoops({ pool, loops: 4, batchSize: 8, idleMaxMs: 200, advance: noWork });
  try {
    const beforeHeld = await committedTransactions();
    await sleep(1000);
    // The statistics lag by up to half a second: a generous bound, far below a spin.
    const whileHeld = (await committedTransactions()) - beforeHeld;
    assert.ok(whileHeld < 100, `${whileHeld} transactions in 1 s while the only due row was held`);

    // The holder finishes the flow (deleted here): nothing is due at all.
    await held.query(`DELETE FROM flows WHERE flow_id = 'held-a'`);
    await held.query('COMMIT');
    const before = await committedTransactions();
    await sleep(1000);
    const idle = (await committedTransactions()) - before;
    assert.ok(idle < 100, `${idle} transactions in 1 s with nothing due`);
  } finally {
    await held.query('ROLLBACK').catch(() => undefined);
    held.release();
    await loops.stop();
  }
});

/** Rows of the table another transaction holds locked right now (probed without waiting). */
async function lockedRows(): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const running = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM flows WHERE status = 'running'`,
    );
    const free = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM flows WHERE status = 'running' FOR UPDATE SKIP LOCKED) f`,
    );
    return Number(running.rows[0]?.n) - Number(free.rows[0]?.n);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

test(
  'a loop process killed mid-batch: its rows are taken up again and every lifecycle finishes once',
  { timeout: 150_000 },
  async () => {
    const flows = Array.from({ length: 6 }, (_, i) => `kill-${Date.now().toString(36)}-${i}`);
    for (const id of flows) await insertFlow(pool, id, { key: id });
    const config: LoopProcessConfig = {
      connection: postgres.connection,
      sandbox: sandboxKeys(),
      settings,
      loops: 2,
      batchSize: 3,
      dataDir: dir,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'tools', 'bench', 'poller', 'loop-process.ts')],
      {
        cwd: root,
        env: { ...process.env, POLLER_LOOP_CONFIG: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_c, s) => done(s)));

    // Kill it once it holds claimed rows after some card orders went out: mid-lifecycle, mid-batch.
    let lockedAtKill = 0;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const opened = sandbox.control.state().orders.length;
      const locked = await lockedRows();
      if (opened >= 2 && locked > 0) {
        child.kill('SIGKILL');
        lockedAtKill = locked;
        break;
      }
      await sleep(10);
    }
    assert.ok(lockedAtKill > 0, `the loop process never held rows mid-run:\n${output}`);
    assert.equal(await exited, 'SIGKILL');
    const { rows: before } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM flows WHERE flow_id = ANY($1) AND status = 'running'`,
      [flows],
    );
    assert.ok(Number(before[0]?.n) > 0, 'every flow had finished before the kill');

    // Other loops (in this process) take over.
    const activities = createActivities({
      wasabi: new WasabiClient({
        baseUrl: sandbox.url,
        apiKey: sandbox.apiKey,
        merchantPrivateKey,
        platformPublicKey: sandbox.platformPublicKeyDer,
        timeoutMs: settings.clientTimeoutMs,
      }),
      documents: new FileDocumentStore(join(dir, 'documents'), testOnlyKeyring()),
      secrets: new MemorySecretStore(),
    });
    const errors: unknown[] = [];
    const loops = startPollerLoops({
      pool,
      loops: 2,
      batchSize: 3,
      idleMaxMs: 100,
      advance: (row) => advance(row, activities, settings),
      onError: (error) => errors.push(error),
    });
    let states: Array<{ flow_id: string; status: string; error: string | null }> = [];
    try {
      const finishBy = Date.now() + 90_000;
      while (Date.now() < finishBy) {
        ({ rows: states } = await pool.query(
          `SELECT flow_id, status, error FROM flows WHERE flow_id = ANY($1)`,
          [flows],
        ));
        if (states.every((s) => s.status !== 'running')) break;
        await sleep(100);
      }
    } finally {
      await loops.stop();
    }
    assert.deepEqual(errors, []);
    for (const s of states) assert.equal(s.status, 'done', `${s.flow_id}: ${s.error}`);
    assert.equal(states.length, flows.length);

    // The sandbox's own records: one holder per flow, one order per key, one card per flow.
    const snapshot = sandbox.control.state();
    const count = (list: Array<Record<string, unknown>>, merchantOrderNo: string) =>
      list.filter((o) => o.merchantOrderNo === merchantOrderNo).length;
    const cards = new Set<unknown>();
    for (const flow of flows) {
      assert.equal(count(snapshot.holders, providerOrderKey(flow, 'holder')), 1, `${flow} holder`);
      for (const step of ['open', 'deposit', 'cancel']) {
        const orders = snapshot.orders.filter((o) => o.merchantOrderNo === providerOrderKey(flow, step));
        assert.equal(orders.length, 1, `${flow} ${step} orders`);
        if (step === 'open') cards.add(orders[0]?.cardNo);
      }
    }
    assert.equal(cards.size, flows.length);
  },
);
