// Every runbook of docs/operations.md works as written: each ```sh block runs, as processes
// (`cardflow` from bin/, the pinned `temporal` CLI, `openssl`), against a dev server with a worker
// and the sandboxes put in the state its runbook describes, and the test checks what the operator
// would check afterwards. Only the placeholders (`<workflow-id>`, ...) are filled in, from this
// test's own flows. The last test fails when a block of the page was not run (the page cannot drift
// from what is tested).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Decimal } from 'decimal.js';
import {
  type DepositInput,
  providerNotificationSignal,
  providerOrderKey,
  stateQuery,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { requireTemporalBinary } from '../../src/runtime/temporal-binaries';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { formatKeyEntry } from '../../src/security/codec-keys';
import {
  DOCUMENT_RETENTION_SCHEDULE_ID,
  ensureDocumentRetentionSchedule,
} from '../../src/runtime/document-retention-schedule';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { type RunbookStep, runbookCommand, runbookSteps } from '../helpers/runbook-doc';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyDataConverter, testOnlyKeyring } from '../helpers/test-data-converter';
import { openCard } from '../helpers/wasabi-flows';

const exec = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let flows: ReturnType<typeof kazepayFlows>;
const steps: RunbookStep[] = runbookSteps();
const ran = new Set<string>();

before(async () => {
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
  // WasabiCard orders advance only when the test says so (the bad deploy keeps one pending).
  life = await LifecycleEnv.start(env, {
    dataConverter: testOnlyDataConverter(),
    wasabi: { autoAdvance: false },
    // The worker expects KazePay's recharge rows labelled "TopUp"; the sandbox labels them its own
    // way, so a recharge whose answer was lost is found but not matched: a person decides.
    kazepayConventions: { rechargeTransType: 'TopUp' },
  });
  flows = kazepayFlows(life);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

/** The test-only codec key as a CARDFLOW_CODEC_KEYS entry: the key the worker encrypts with. */
const oldKeyEntry = () => {
  const keyring = testOnlyKeyring();
  return formatKeyEntry({ id: keyring.currentKeyId, key: keyring.keys.get(keyring.currentKeyId) as Buffer });
};

/** What an operator's shell holds: the server, the codec keys, KazePay's credentials. */
function operatorEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    CARDFLOW_CODEC_KEYS: oldKeyEntry(),
    ...life.kazepayEnv,
  };
}

const programs: Record<string, () => { file: string; prefix: string[] }> = {
  cardflow: () => ({ file: process.execPath, prefix: [join(ROOT, 'bin', 'cardflow.js')] }),
  temporal: () => ({ file: requireTemporalBinary('cli'), prefix: [] }),
  openssl: () => ({ file: 'openssl', prefix: [] }),
};

interface Ran {
  line: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs every command of a runbook step; each must exit with `expectCode`. */
async function runStep(
  name: string,
  placeholders: Record<string, string> = {},
  expectCode = 0,
): Promise<Ran[]> {
  const step = steps.find((s) => s.name === name);
  assert.ok(step, `docs/operations.md has no step ${name}`);
  assert.ok(step.lines.length > 0, `step ${name} has no command`);
  const results: Ran[] = [];
  for (const line of step.lines) {
    const command = runbookCommand(line, placeholders);
    const program = programs[command.program];
    assert.ok(program, `step ${name}: ${command.program} is not a command the runbooks may use`);
    const { file, prefix } = program();
    let result: Ran;
    try {
      const { stdout, stderr } = await exec(file, [...prefix, ...command.args], {
        cwd: ROOT,
        env: { ...operatorEnv(), ...command.env },
        timeout: 60_000,
      });
      result = { line, code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      result = {
        line,
        code: typeof e.code === 'number' ? e.code : -1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      };
    }
    assert.equal(result.code, expectCode, `${name}: ${line}\n${result.stdout}\n${result.stderr}`);
    results.push(result);
  }
  ran.add(name);
  return results;
}

/** Retries `check` (its assertions) every 200 ms until it passes or `withinMs` have passed. */
async function eventually<T>(check: () => Promise<T>, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function untilState(handle: WorkflowHandle, state: string, withinMs = 60_000): Promise<void> {
  const end = Date.now() + withinMs;
  // A flow whose first workflow task has not run yet answers no query: asked again.
  const now = () =>
    handle.query(stateQuery).then(
      (s) => s.state,
      (e: Error) => e.name,
    );
  for (let seen = await now(); seen !== state; seen = await now()) {
    assert.ok(Date.now() < end, `never reached ${state} (is ${seen})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The flow's one pending activity once it has failed at least `attempts - 1` times. */
async function pendingActivity(handle: WorkflowHandle, attempts = 2) {
  return eventually(async () => {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    assert.equal(pending.length, 1, 'one pending activity');
    const activity = pending[0]!;
    assert.ok((activity.attempt ?? 0) >= attempts, `attempt ${activity.attempt}`);
    return activity;
  }, 30_000);
}

/**
 * The attempt that finally ran `activityType` (history records only the last attempt's start):
 * 1 after an activity reset, the retry count otherwise.
 */
async function lastAttemptOf(handle: WorkflowHandle, activityType: string): Promise<number | undefined> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
  );
  const started = events.find(
    (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
  );
  return started?.activityTaskStartedEventAttributes?.attempt ?? undefined;
}

function kazepayDeposit(cardId: string, amount: string, extra: Partial<DepositInput> = {}) {
  const depositRef = uniqueRef('ops');
  const input: DepositInput = {
    provider: 'kazepay',
    cardRef: cardId,
    depositRef,
    amount,
    currency: 'USD',
    settlement: { pollInterval: '100ms' },
    ...extra,
  };
  return life.client.workflow.start('cardDeposit', {
    workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
    taskQueue: TASK_QUEUE,
    args: [input],
  });
}

describe('a flow in NEEDS_RECONCILIATION', () => {
  test('found, its provider read, resolved as not applied: the deposit settles once', async () => {
    const cardId = await flows.activeCard('ops-reconcile');
    // Every recharge is lost inside KazePay: no answer, and the reads find nothing.
    life.kazepay.control.faults.setRates({ lateApplyRate: 1, lateApplyMs: 1e9 }, 'cardRecharge');
    let handle: WorkflowHandle;
    try {
      handle = await kazepayDeposit(cardId, '8.00', { reconcile: { settle: '300ms' } });
      await untilState(handle, 'NEEDS_RECONCILIATION', 90_000);
    } finally {
      life.kazepay.control.faults.clear();
    }
    const id = handle.workflowId;
    const [listed, temporalListed] = await runStep('reconciliation-find');
    assert.match(listed?.stdout ?? '', new RegExp(`^${id}\\tRUNNING\\tNEEDS_RECONCILIATION`, 'm'));
    assert.ok(temporalListed?.stdout.includes(id), temporalListed?.stdout);
    const [got] = await runStep('reconciliation-inspect', { 'workflow-id': id });
    const state = JSON.parse(got?.stdout ?? '{}') as { status?: string; state?: { state?: string } };
    assert.deepEqual([state.status, state.state?.state], ['RUNNING', 'NEEDS_RECONCILIATION']);
    const [statement, balance] = await runStep('reconciliation-read-provider', { 'card-id': cardId });
    assert.match(statement?.stdout ?? '', /"code"/);
    // Nothing arrived: the balance the operator reads is still 0.
    assert.match(balance?.stdout ?? '', /"avaBalance": "?0"?/);
    await runStep('reconciliation-resolve-not-applied', { 'workflow-id': id });
    const result = (await handle.result()) as { outcome: string };
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(life.kazepay.control.cardBalance(cardId), '8');
  });
  test('found, the recharge read in the statement, resolved as applied with its id: not sent again', async () => {
    const cardId = await flows.activeCard('ops-applied');
    const recharges = () =>
      life.kazepay.control.requests().filter((r) => r.apiCode === 'cardRecharge').length;
    const sentBefore = recharges();
    // The recharge lands, its answer is lost; the row the reads find carries another label.
    life.kazepay.control.faults.script('cardRecharge', 'applied-no-answer');
    let handle: WorkflowHandle;
    try {
      handle = await kazepayDeposit(cardId, '9.00', { reconcile: { settle: '300ms' } });
      await untilState(handle, 'NEEDS_RECONCILIATION', 60_000);
    } finally {
      life.kazepay.control.faults.clear();
    }
    const id = handle.workflowId;
    const [listed] = await runStep('reconciliation-find');
    assert.ok(listed?.stdout.includes(id), listed?.stdout);
    const [statement] = await runStep('reconciliation-read-provider', { 'card-id': cardId });
    // What the operator looks for: a row of the flow's amount.
    const body = (JSON.parse(statement?.stdout ?? '{}') as { body?: unknown }).body;
    const rows = (Array.isArray(body) ? body : Object.values(body ?? {}).find(Array.isArray)) as
      Array<{ transactionId: string; cardCurrencyAmt: string | number }> | undefined;
    const row = rows?.find((r) => new Decimal(r.cardCurrencyAmt).eq('9'));
    assert.ok(row, `the statement shows the recharge: ${statement?.stdout}`);
    await runStep('reconciliation-resolve-applied', {
      'workflow-id': id,
      'transaction-id': row.transactionId,
    });
    const result = (await handle.result()) as { outcome: string; providerTransactionId?: string };
    assert.deepEqual([result.outcome, result.providerTransactionId], ['SETTLED', row.transactionId]);
    assert.equal(recharges() - sentBefore, 1, 'sent once');
    assert.equal(life.kazepay.control.cardBalance(cardId), '9');
  });
});

describe('a stuck wait', () => {
  test('the retrying activity is seen, paused (no more attempts), unpaused, then reset: the flow completes', async () => {
    const cardId = await flows.activeCard('ops-stuck');
    // KazePay refuses every queryCard: the deposit's first read (its precondition reads) retries.
    life.kazepay.control.faults.setRates({ serverErrorRate: 1 }, 'queryCard');
    const handle = await kazepayDeposit(cardId, '3.00');
    const id = handle.workflowId;
    try {
      const activity = await pendingActivity(handle);
      const activityId = activity.activityId as string;
      const [described] = await runStep('stuck-describe', { 'workflow-id': id });
      assert.match(described?.stdout ?? '', /kazepayDepositPreconditions/);
      await runStep('stuck-pause', { 'workflow-id': id, 'activity-id': activityId });
      const paused = await pendingActivity(handle);
      assert.equal(paused.paused, true, 'paused');
      // Paused: no attempt is made however long it waits (the backoff here is at most 4 s).
      await new Promise((r) => setTimeout(r, 5000));
      const still = await pendingActivity(handle);
      assert.equal(still.attempt, paused.attempt, 'no attempt while paused');
      // Unpaused with the provider still failing: it tries again and keeps retrying.
      await runStep('stuck-unpause', { 'workflow-id': id, 'activity-id': activityId });
      const retried = await pendingActivity(handle, (paused.attempt ?? 0) + 1);
      assert.equal(retried.paused, false);
      // The cause is fixed; reset starts it over at once, whatever its backoff.
      life.kazepay.control.faults.clear();
      await runStep('stuck-reset', { 'workflow-id': id, 'activity-id': activityId });
    } finally {
      life.kazepay.control.faults.clear();
    }
    assert.equal(((await handle.result()) as { outcome: string }).outcome, 'SETTLED');
    // Reset: the read that succeeded was attempt 1 again, not the next of its retries.
    assert.equal(await lastAttemptOf(handle, 'kazepayDepositPreconditions'), 1);
    assert.equal(life.kazepay.control.cardBalance(cardId), '3');
  });
});

describe('a provider outage', () => {
  test('the waiting flows are listed and described; when KazePay is back, a batch reset carries them on', async () => {
    const cardId = await flows.activeCard('ops-outage');
    life.kazepay.control.faults.setRates({ serverErrorRate: 1 });
    let handle: WorkflowHandle;
    try {
      handle = await kazepayDeposit(cardId, '6.00');
      // Long enough that its next retry is several seconds away (1, 2, 4, 8 s...).
      await pendingActivity(handle, 4);
      const id = handle.workflowId;
      const [listed, temporalListed, described] = await runStep('outage-see', { 'workflow-id': id });
      assert.match(listed?.stdout ?? '', new RegExp(`^${id}\\tRUNNING`, 'm'));
      assert.ok(temporalListed?.stdout.includes(id), temporalListed?.stdout);
      assert.match(described?.stdout ?? '', /kazepayDepositPreconditions/);
    } finally {
      life.kazepay.control.faults.clear();
    }
    const [, batches] = await runStep('outage-resume');
    assert.match(
      batches?.stdout ?? '',
      /^\s+[0-9a-f-]{36}\s+(Running|Completed)\s/m,
      'the batch job is listed',
    );
    assert.equal(((await handle.result()) as { outcome: string }).outcome, 'SETTLED');
    // The batch reset started the read over (attempt 1), it did not wait for its next retry.
    assert.equal(await lastAttemptOf(handle, 'kazepayDepositPreconditions'), 1);
    assert.equal(life.kazepay.control.cardBalance(cardId), '6');
  });
});

describe('key rotation', () => {
  test('a new codec key beside the old one still decodes every history; the secret-store key is 32 random bytes', async () => {
    // Some history encrypted under the old key.
    await flows.activeCard('ops-rotate');
    const [made] = await runStep('rotate-codec-new-key');
    const newKey = (made?.stdout ?? '').trim();
    assert.match(newKey, /^prod-\d{8}-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=$/);
    const newKeyId = newKey.split(':')[0] as string;
    const [checked] = await runStep('rotate-codec-check', {
      'new-key': newKey,
      'old-key': oldKeyEntry(),
      'new-key-id': newKeyId,
    });
    assert.match(checked?.stdout ?? '', /replayed [1-9]\d*, ok [1-9]\d*, failed 0/);
    // Without the old key the histories it wrote no longer decode: the check has teeth.
    await assert.rejects(
      exec(process.execPath, [join(ROOT, 'bin', 'cardflow.js'), 'replay', '--since', '30d'], {
        cwd: ROOT,
        env: { ...operatorEnv(), CARDFLOW_CODEC_KEYS: newKey },
      }),
      (e: { code?: number; stdout?: string }) => e.code === 1 && /failed [1-9]/.test(e.stdout ?? ''),
    );
    const [secret] = await runStep('rotate-secret-store-key');
    assert.equal(Buffer.from((secret?.stdout ?? '').trim(), 'base64').length, 32);
  });
});

describe('a bad deploy', () => {
  test('a deposit started on bad code breaks on the rolled-back worker; the gate names it, a batch reset reruns it with its signal reapplied', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const balance = () =>
      new Decimal(life.wasabi.control.state().cards.find((c) => c.cardNo === cardNo)!.balance);
    const before = balance();
    // The bad build: cardDeposit with a timer in front (a different first command).
    const bad = await bundleWorkflowCode(
      productBundleOptions({
        workflowsPath: require.resolve('../fixtures/workflows/replay-guard-incompatible'),
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
      }),
    );
    const deployTime = new Date(Date.now() - 1000).toISOString();
    const depositRef = uniqueRef('bad');
    const workflowId = workflowIds.cardDeposit('wasabi', cardNo, depositRef);
    await life.restartWorker(bad);
    try {
      const started = await life.client.workflow.start('cardDeposit', {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [
          {
            provider: 'wasabi',
            cardRef: cardNo,
            depositRef,
            amount: '25',
            currency: 'USD',
            settlement: { pollInterval: '1h' },
          } satisfies DepositInput,
        ],
      });
      await untilState(started, 'WAITING_FOR_SETTLEMENT');
    } finally {
      // Rolled back, also when the bad code misbehaved (the tests after this one need the good code).
      await life.restartWorker();
    }
    const handle = life.client.workflow.getHandle(workflowId);
    // The provider's webhook arrives after the rollback: the flow no longer replays.
    const merchantOrderNo = providerOrderKey(workflowId, 'deposit');
    await handle.signal(providerNotificationSignal, {
      event: 'deposit',
      key: merchantOrderNo,
      status: 'success',
    });
    life.wasabi.control.advance({ merchantOrderNo });
    await eventually(async () => {
      const history = await handle.fetchHistory();
      assert.ok(
        history.events?.some((e) => e.workflowTaskFailedEventAttributes),
        'a workflow task failed on the rolled-back worker',
      );
    }, 30_000);

    const [gate] = await runStep('bad-deploy-gate', {}, 1);
    assert.match(gate?.stdout ?? '', new RegExp(`^FAILED +${workflowId} \\(cardDeposit, RUNNING`, 'm'));
    // The bad code's timer, where the good code upserts its search attributes first.
    assert.match(gate?.stdout ?? '', /first diverging event: 5 TimerStarted/);

    const brokenRun = (await handle.describe()).runId;
    await runStep('bad-deploy-reset', { 'deploy-time': deployTime });
    const resetRun = await eventually(async () => {
      const described = await life.client.workflow.getHandle(workflowId).describe();
      assert.notEqual(described.runId, brokenRun, 'a new run');
      assert.equal(described.status.name, 'COMPLETED');
      return described.runId;
    }, 60_000);
    const rerun = life.client.workflow.getHandle(workflowId, resetRun);
    assert.equal(((await rerun.result()) as { outcome: string }).outcome, 'SETTLED');
    const events = (await rerun.fetchHistory()).events ?? [];
    assert.ok(
      events.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'providerNotification'),
      'the signal was applied again in the reset run',
    );
    // The rerun's send carried the same merchantOrderNo: the money moved once.
    assert.equal(balance().minus(before).toFixed(), '25');
    // With the flow rerun on the good code, the gate passes again.
    assert.equal((await runStep('bad-deploy-gate', {}, 0)).length, 1);
  });
});

describe('Document retention', () => {
  test('the schedule a worker ensures is described, and a sweep started now deletes by age', async () => {
    // What every worker does at start (src/runtime/worker.ts).
    await ensureDocumentRetentionSchedule(
      { connection: env.connection, namespace: 'default', dataConverter: testOnlyDataConverter() },
      { retention: '30d', every: '1h' },
    );
    const [described] = await runStep('retention-describe');
    assert.match(described?.stdout ?? '', /documentRetention/);
    const schedule = life.client.schedule.getHandle(DOCUMENT_RETENTION_SCHEDULE_ID);
    const before = (await schedule.describe()).info.numActionsTaken;
    await runStep('retention-sweep-now');
    const run = await eventually(async () => {
      const info = (await schedule.describe()).info;
      assert.ok(info.numActionsTaken > before, 'the schedule started a sweep');
      return info.recentActions.at(-1)?.action.workflow;
    }, 30_000);
    assert.ok(run);
    const result = (await life.client.workflow
      .getHandle(run.workflowId, run.firstExecutionRunId)
      .result()) as { deleted: number; cutoff: string };
    // 30 days before now, give or take the run's own delay.
    assert.ok(Math.abs(Date.parse(result.cutoff) - (Date.now() - 30 * 86_400_000)) < 60_000, result.cutoff);
    await schedule.delete();
  });
});

test('every sh block of docs/operations.md was run by a test above', () => {
  const notRun = steps.map((s) => s.name).filter((name) => !ran.has(name));
  assert.deepEqual(notRun, [], `runbook steps no test runs: ${notRun.join(', ')}`);
});
