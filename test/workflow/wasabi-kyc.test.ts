// kycVerification on WasabiCard (the cardholder review) on the time-skipping server: passed,
// rejected with no correction, rejected then corrected through the resubmitKyc update, the update
// refused while nothing is rejected, and a review that outlives its deadline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type KycInput,
  type KycResult,
  providerOrderKey,
  resubmitKycUpdate,
  stateQuery,
  workflowIds,
} from '../../src/contract';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { applicant, LifecycleEnv, PNG, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import { eventually, failureOf, startFlow, untilState, visibleState } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
const started: WorkflowHandle[] = [];

before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env, { clientTimeoutMs: 1000 });
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

async function startKyc(fields: Partial<Extract<KycInput, { provider: 'wasabi' }>> = {}, review?: 'reject') {
  const person = applicant('wkyc');
  // Scripted before the start, so the first review cannot finish before the script is in place.
  if (review) life.wasabi.control.scriptHolder({ email: person.email, outcome: review });
  const input: KycInput = {
    provider: 'wasabi',
    customerRef: uniqueRef('cust'),
    applicant: person,
    cardTypeId: '111065',
    documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    ...fields,
  };
  const workflowId = workflowIds.kycVerification('wasabi', input.customerRef);
  const handle: WorkflowHandle = await startFlow(life, 'kycVerification', workflowId, input);
  started.push(handle);
  return { handle, input, holderOrderNo: providerOrderKey(workflowId, 'holder') };
}

const holderOf = (merchantOrderNo: string) =>
  life.wasabi.control.state().holders.find((h) => h.merchantOrderNo === merchantOrderNo);

describe('kycVerification on WasabiCard', () => {
  test('pass_audit: PASSED with the cardholder id', async () => {
    const { handle, input, holderOrderNo } = await startKyc();
    const result: KycResult = await handle.result();
    const holder = holderOf(holderOrderNo);
    assert.equal(holder?.status, 'pass_audit');
    assert.deepEqual(result, {
      outcome: 'PASSED',
      provider: 'wasabi',
      customerRef: input.customerRef,
      submissions: 1,
      holderId: holder?.holderId,
    });
    assert.equal(await visibleState(handle), 'PASSED');
  });

  test('reject and no resubmission within the window: REJECTED with the reason', async () => {
    const { handle, holderOrderNo } = await startKyc({ resubmissionWindow: '2d' }, 'reject');
    const result = await handle.result();
    assert.equal(result.outcome, 'REJECTED');
    assert.equal(result.submissions, 1);
    assert.match(result.reason ?? '', /rejected/);
    assert.equal(holderOf(holderOrderNo)?.status, 'reject');
    assert.equal(await visibleState(handle), 'REJECTED');
    const described = await handle.describe();
    const waitedMs = described.closeTime!.getTime() - described.startTime.getTime();
    assert.ok(waitedMs >= 2 * 24 * 3600_000, 'the whole resubmission window was given');
  });

  test('reject, then a corrected resubmission through resubmitKyc: PASSED after 2 submissions', async () => {
    const { handle, input, holderOrderNo } = await startKyc({ review: { pollInterval: '1m' } }, 'reject');
    await eventually('the sandbox to reject', () => holderOf(holderOrderNo)?.status === 'reject');
    // The next poll is a minute of workflow time away.
    await env.sleep('2m');
    await untilState(handle, 'AWAITING_RESUBMISSION');
    const answer = await handle.executeUpdate(resubmitKycUpdate, {
      // A nested object is replaced whole (the contract's partial is one level deep).
      args: [{ applicant: { address: { ...input.applicant.address, line: '14 Jalan Ampang' } } }],
    });
    assert.deepEqual(answer, { accepted: true, submissions: 2 });
    const result = await handle.result();
    assert.equal(result.outcome, 'PASSED');
    assert.equal(result.submissions, 2);
    const holder = holderOf(holderOrderNo);
    assert.equal(holder?.status, 'pass_audit');
    assert.equal(result.holderId, holder?.holderId);
    assert.equal(
      life.wasabi.control.state().holders.filter((h) => h.merchantOrderNo === holderOrderNo).length,
      1,
    );
    const [record] = (
      await life.wasabiClient.queryHolders({ holderId: result.holderId, pageNum: 1, pageSize: 1 })
    ).records;
    assert.equal(record?.address, '14 Jalan Ampang', 'the corrected field reached WasabiCard');
    assert.equal(await visibleState(handle), 'PASSED');
  });

  test('resubmitKyc is refused by its validator while no rejection is pending; review deadline: DeadlineExceeded', async () => {
    const { holderReviewStepMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ holderReviewStepMs: 1e9 });
    let handle: WorkflowHandle;
    try {
      ({ handle } = await startKyc({ review: { deadline: '3d', pollInterval: '1h' } }));
      await untilState(handle, 'WAITING_FOR_REVIEW');
    } finally {
      life.wasabi.control.setTimings({ holderReviewStepMs });
    }
    const refused = await handle.executeUpdate(resubmitKycUpdate, { args: [{}] }).then(
      () => assert.fail('expected the update to be refused'),
      (e: unknown) => e,
    );
    assert.ok(refused instanceof WorkflowUpdateFailedError, String(refused));
    assert.match(
      String((refused.cause as Error).message),
      /only after a rejection \(state is WAITING_FOR_REVIEW\)/,
    );
    // A refused update leaves no trace in history.
    const history = await handle.fetchHistory();
    assert.ok(!history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes));

    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'DeadlineExceeded', failure.message);
    assert.equal((await handle.query(stateQuery)).state, 'TIMED_OUT');
    assert.equal(await visibleState(handle), 'TIMED_OUT');
  });

  test('cardholder create applied but unanswered: one cardholder, PASSED', async () => {
    life.wasabi.control.faults.script(WASABI_PATHS.holderCreateV2, 'applied-no-answer');
    const { handle, holderOrderNo } = await startKyc();
    const result = await handle.result();
    assert.equal(result.outcome, 'PASSED');
    assert.equal(life.wasabi.control.faults.history.at(-1)?.kind, 'applied-no-answer');
    const holders = life.wasabi.control.state().holders.filter((h) => h.merchantOrderNo === holderOrderNo);
    assert.equal(holders.length, 1);
    assert.equal(result.holderId, holders[0]?.holderId);
  });

  test('WasabiCard answering 5xx for an hour of the review: polling rides it out, PASSED', async () => {
    const { holderReviewStepMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ holderReviewStepMs: 1e9 });
    let kyc: Awaited<ReturnType<typeof startKyc>>;
    try {
      kyc = await startKyc({ review: { pollInterval: '5m' } });
      await untilState(kyc.handle, 'WAITING_FOR_REVIEW');
    } finally {
      life.wasabi.control.setTimings({ holderReviewStepMs });
    }
    const { handle, holderOrderNo } = kyc;
    // Twelve refused reads at five-minute polls; meanwhile the review passes.
    life.wasabi.control.faults.script(WASABI_PATHS.holderQuery, ...Array(12).fill('server-error'));
    life.wasabi.control.advance();
    assert.equal(holderOf(holderOrderNo)?.status, 'pass_audit');
    const result = await handle.result();
    assert.equal(result.outcome, 'PASSED');
    const refused = life.wasabi.control.requests.filter(
      (r) => r.path === WASABI_PATHS.holderQuery && r.code === 500,
    );
    assert.equal(refused.length, 12);
    const described = await handle.describe();
    const tookMs = described.closeTime!.getTime() - described.startTime.getTime();
    assert.ok(tookMs >= 55 * 60_000, `${tookMs} ms of workflow time`);
    assert.equal(await visibleState(handle), 'PASSED');
  });

  test('no document bytes in any history', async () => {
    const needle = PNG.toString('base64').slice(0, 24);
    for (const handle of started) {
      const text = JSON.stringify(await handle.fetchHistory(), (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
      );
      assert.ok(!text.includes(needle) && !text.includes(PNG.subarray(0, 8).toString('utf8')));
    }
  });
});
