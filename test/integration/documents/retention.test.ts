// Document retention on a real dev server, a real PostgreSQL document store and the provider
// sandboxes: a KYC the provider PASSED deletes its documents (their rows, bytes included, are gone
// from the table) while a rejected one keeps them for the age limit; the retention schedule is
// created once and updated after, and its workflow deletes what is older than the limit and
// keeps what a running KYC may still need.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { type KycInput, TASK_QUEUE, workflowIds } from '../../../src/contract';
import { openDocumentStore } from '../../../src/documents/open-document-store';
import {
  DOCUMENT_RETENTION_SCHEDULE_ID,
  ensureDocumentRetentionSchedule,
} from '../../../src/runtime/document-retention-schedule';
import { openDatabase } from '../../../src/storage/database';
import { applicant, LifecycleEnv, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { testOnlyKeyring } from '../../helpers/test-data-converter';
import { startTestPostgres, type TestPostgres } from '../../helpers/test-postgres';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let postgres: TestPostgres;
let pool: Pool;

before(async () => {
  postgres = await startTestPostgres();
  pool = openDatabase(postgres.url, { max: 4 });
  const { store } = await openDocumentStore({ keyring: testOnlyKeyring(), pool, dataDir: '.' });
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env, { documents: store });
});

after(async () => {
  await life?.close();
  await env?.teardown();
  await pool?.end();
  await postgres?.stop();
});

/** The stored rows of these references (the bytes live in the row: no row, no bytes). */
async function rowsOf(refs: string[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM cardflow_documents WHERE id = ANY($1::uuid[])',
    [refs.map((ref) => ref.slice('doc:'.length))],
  );
  return Number(rows[0]?.n);
}

async function runKyc(input: KycInput) {
  const handle = await life.client.workflow.start('kycVerification', {
    workflowId: workflowIds.kycVerification(input.provider, input.customerRef),
    taskQueue: TASK_QUEUE,
    args: [input],
  });
  return handle.result();
}

describe('documents deleted once the provider accepted the KYC', () => {
  test('KazePay PASSED: the documents are deleted; the provider keeps its uploaded copies', async () => {
    const person = applicant('ret-pass');
    const front = await life.document('png');
    const selfie = await life.document('jpeg');
    const refs = [front.ref, selfie.ref];
    assert.equal(await rowsOf(refs), 2);
    const result = await runKyc({
      provider: 'kazepay',
      customerRef: uniqueRef('cust'),
      applicant: person,
      documents: { front, selfie },
      review: { pollInterval: '100ms' },
    });
    assert.equal(result.outcome, 'PASSED');
    assert.equal(await rowsOf(refs), 0, 'the document rows are gone');
    const uploaded = [...life.kazepay.control.state.files.values()].filter((f) => f.email === person.email);
    assert.equal(uploaded.length, 2, 'KazePay holds both files');
  });

  test('KazePay REJECTED: the documents stay (a corrected KYC may submit them again) until the age limit', async () => {
    const person = applicant('ret-reject');
    life.kazepay.control.scriptKyc(person.email, 'REJECTED');
    const front = await life.document('png');
    const selfie = await life.document('jpeg');
    const result = await runKyc({
      provider: 'kazepay',
      customerRef: uniqueRef('cust'),
      applicant: person,
      documents: { front, selfie },
      review: { pollInterval: '100ms' },
    });
    assert.equal(result.outcome, 'REJECTED');
    assert.equal(await rowsOf([front.ref, selfie.ref]), 2);
  });

  test('WasabiCard pass_audit: the documents are deleted', async () => {
    const front = await life.document('png');
    const back = await life.document('jpeg');
    const result = await runKyc({
      provider: 'wasabi',
      customerRef: uniqueRef('cust'),
      applicant: applicant('ret-wpass'),
      cardTypeId: '111065',
      documents: { front, selfie: back },
      review: { pollInterval: '100ms' },
    });
    assert.equal(result.outcome, 'PASSED');
    assert.equal(await rowsOf([front.ref, back.ref]), 0, 'the document rows are gone');
  });
});

describe('the retention schedule', () => {
  test('created once, then updated; its workflow deletes what is older than the limit and keeps the rest', async () => {
    const target = { connection: env.connection, namespace: env.namespace ?? 'default' };
    assert.equal(await ensureDocumentRetentionSchedule(target, { retention: '30d', every: '1h' }), 'created');
    assert.equal(await ensureDocumentRetentionSchedule(target, { retention: '7d', every: '2h' }), 'updated');
    const schedule = env.client.schedule.getHandle(DOCUMENT_RETENTION_SCHEDULE_ID);
    const described = await schedule.describe();
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(
      described.action.type === 'startWorkflow' && described.action.workflowType,
      'documentRetention',
    );
    assert.deepEqual(described.action.type === 'startWorkflow' && described.action.args, [
      { retention: '7d' },
    ]);
    assert.deepEqual(
      described.spec.intervals?.map((i) => i.every),
      [2 * 3600_000],
    );

    // A document a running KYC still needs (uploaded a day ago) and one past the limit.
    const needed = await life.document('png');
    const expired = await life.document('jpeg');
    await pool.query("UPDATE cardflow_documents SET created_at = now() - interval '1 day' WHERE id = $1", [
      needed.ref.slice(4),
    ]);
    await pool.query("UPDATE cardflow_documents SET created_at = now() - interval '8 days' WHERE id = $1", [
      expired.ref.slice(4),
    ]);
    const runsBefore = (await schedule.describe()).info.numActionsTaken;
    await schedule.trigger();
    const deadline = Date.now() + 60_000;
    let run: { workflowId: string; firstExecutionRunId: string } | undefined;
    while (!run && Date.now() < deadline) {
      const info = (await schedule.describe()).info;
      if (info.numActionsTaken > runsBefore) run = info.recentActions.at(-1)?.action.workflow;
      else await sleep(200);
    }
    assert.ok(run, 'the schedule started its workflow');
    const result = await env.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
    assert.ok((result as { deleted: number }).deleted >= 1, JSON.stringify(result));
    assert.equal(await rowsOf([expired.ref]), 0, 'the expired document is gone');
    assert.equal(await rowsOf([needed.ref]), 1, 'the document within the limit stays');
    await schedule.delete();
  });
});
