// `cardflow replay` over a live namespace: real flows run on a dev server with the sandboxes
// (payloads encrypted with the test-only key), then the command downloads their histories and
// replays them. Against today's workflow code every one replays (closed and running); against a
// bundle whose cardDeposit issues a different first command (test/fixtures/workflows/
// replay-guard-incompatible.ts) it exits 1 and names the deposit and the first diverging event.
// This is the CI run of the pre-deploy gate: the namespace is the one this test fills.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { runCli } from '../../src/cli/main';
import { replayCommandFor } from '../../src/cli/replay-command';
import { cardAccountStateQuery, TASK_QUEUE, workflowIds } from '../../src/contract';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyDataConverter, testOnlyKeyring } from '../helpers/test-data-converter';

const OTHER_APP_ID = 'not-cardflow-1';
let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let depositId: string;
let accountId: string;
before(async () => {
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
  life = await LifecycleEnv.start(env, { dataConverter: testOnlyDataConverter() });
  // A KYC and an activation (closed), a deposit (closed) and a card account (still running).
  const cardId = await kazepayFlows(life).activeCard('replay-cli');
  const depositRef = uniqueRef('dep');
  depositId = workflowIds.cardDeposit('kazepay', cardId, depositRef);
  const deposit = await life.client.workflow.execute('cardDeposit', {
    workflowId: depositId,
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        depositRef,
        amount: '4.00',
        currency: 'USD',
        settlement: { pollInterval: '100ms' },
      },
    ],
  });
  assert.equal(deposit.outcome, 'SETTLED');
  accountId = workflowIds.cardAccount('kazepay', cardId);
  await life.client.workflow.start('cardAccount', {
    workflowId: accountId,
    taskQueue: TASK_QUEUE,
    args: [{ provider: 'kazepay', cardRef: cardId, customerRef: uniqueRef('cust'), currency: 'USD' }],
  });
  // The account's first workflow task has run: its history has commands to compare.
  await life.client.workflow.getHandle(accountId).query(cardAccountStateQuery);
  // Another application's workflow in the same namespace: not cardflow's to replay.
  await life.client.workflow.start('someoneElsesWorkflow', {
    workflowId: OTHER_APP_ID,
    taskQueue: 'another-application',
  });
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

/** The command's environment: this dev server and the worker's (test-only) codec key. */
function commandEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const keyring = testOnlyKeyring();
  const keys = [...keyring.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');
  return {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    CARDFLOW_CODEC_KEYS: keys,
    ...overrides,
  };
}

async function replay(args: string[], overrides: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  // Through the CLI's own entry point, so usage errors get its exit code (2) and message.
  const code = await runCli(
    ['replay', ...args],
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { replay: replayCommandFor(commandEnv(overrides)) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const summary = (out: string) => /replayed (\d+), ok (\d+), failed (\d+)/.exec(out)?.slice(1).map(Number);

test('every execution of the namespace, closed and running, replays against the current code', async () => {
  const r = await replay([]);
  assert.equal(r.code, 0, `${r.out}\n${r.err}`);
  const [replayed, ok, failed] = summary(r.out) ?? [];
  assert.ok(replayed !== undefined && replayed >= 4, r.out);
  assert.deepEqual([ok, failed], [replayed, 0], r.out);
  assert.match(r.out, new RegExp(`^ok +${depositId} \\(cardDeposit, COMPLETED`, 'm'));
  assert.match(r.out, new RegExp(`^ok +${accountId} \\(cardAccount, RUNNING`, 'm'));
  assert.doesNotMatch(r.out, /--limit \d+ reached/, 'everything that matched was replayed');
  assert.ok(!r.out.includes(OTHER_APP_ID), 'only executions on the card-lifecycle task queue');
  for (const type of ['kycVerification', 'physicalCardActivation'])
    assert.match(r.out, new RegExp(`\\(${type}, COMPLETED`), `${type} replayed`);
});

test('against a bundle whose cardDeposit issues other commands: exit 1, naming the deposit and the first diverging event', async () => {
  const changed = await bundleWorkflowCode(
    productBundleOptions({
      workflowsPath: require.resolve('../fixtures/workflows/replay-guard-incompatible'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
    }),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'cardflow-replay-')), 'workflow-bundle.js');
  writeFileSync(file, changed.code);
  const r = await replay(['--bundle', file]);
  assert.equal(r.code, 1, `${r.out}\n${r.err}`);
  assert.match(r.out, new RegExp(`^FAILED +${depositId} \\(cardDeposit, COMPLETED`, 'm'));
  // The variant starts a timer where the recorded deposit upserted its search attributes.
  assert.match(r.out, /first diverging event: 5 UpsertWorkflowSearchAttributes/);
  assert.match(r.out, /\[TMPRL1100\] Nondeterminism error/);
  // Only deposits changed: the other flows still replay.
  assert.match(r.out, new RegExp(`^ok +${accountId} `, 'm'));
  const [replayed, ok, failed] = summary(r.out) ?? [];
  assert.equal(failed, 1, r.out);
  assert.equal(ok, (replayed ?? 0) - 1, r.out);
  assert.match(r.err, new RegExp(`1 execution\\(s\\) do not replay: ${depositId}`));
});

test('--type, --since, --query and --limit choose the executions', async () => {
  const byType = await replay(['--type', 'cardDeposit', '--since', '30m']);
  assert.equal(byType.code, 0, byType.err);
  assert.deepEqual(summary(byType.out), [1, 1, 0], byType.out);
  assert.match(byType.out, new RegExp(depositId));
  const byQuery = await replay(['--query', 'ExecutionStatus="Running"']);
  assert.deepEqual(summary(byQuery.out), [1, 1, 0], byQuery.out);
  assert.match(byQuery.out, new RegExp(accountId));
  const limited = await replay(['--limit', '2']);
  assert.deepEqual(summary(limited.out), [2, 2, 0], limited.out);
  assert.match(limited.out, /--limit 2 reached: older executions that match were not checked/);
  const none = await replay(['--type', 'cardClosure']);
  assert.equal(none.code, 0);
  assert.match(none.out, /replayed 0, ok 0, failed 0\nno execution matched/);
});

test('a bad flag, a query the server refuses or an unreachable server: a clear error, exit 2', async () => {
  const flag = await replay(['--since', 'yesterday']);
  assert.deepEqual([flag.code, flag.out], [2, ''], flag.err);
  assert.match(flag.err, /--since yesterday: expected a duration/);
  const query = await replay(['--query', 'NoSuchAttribute = 1']);
  assert.equal(query.code, 2, `${query.out}\n${query.err}`);
  assert.match(query.err, /the server refused the listing/);
  const unreachable = await replay([], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  assert.equal(unreachable.code, 2, unreachable.out);
  assert.match(unreachable.err, /cannot reach the Temporal server at 127\.0\.0\.1:1/);
});
