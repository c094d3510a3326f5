// KazePay waits: a webhook notification ends a wait early, and every wait has a deadline that
// ends the flow as DeadlineExceeded / TIMED_OUT (time-skipping server).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  providerNotificationSignal,
  stateQuery,
  submitActivationCodeUpdate,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { countCalls } from '../helpers/history-activities';
import { failureOf, kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { pollResting } from '../helpers/wasabi-flows';
import { applicant, LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let flows: ReturnType<typeof kazepayFlows>;
before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env);
  flows = kazepayFlows(life);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

/** Workflow time from start to close, from the history's own timestamps. */
async function workflowDurationMs(handle: {
  fetchHistory(): Promise<{
    events?: Array<{ eventTime?: { seconds?: unknown; nanos?: number | null } | null }> | null;
  }>;
}) {
  const events = (await handle.fetchHistory()).events ?? [];
  const ms = (e: (typeof events)[number]) =>
    Number(e.eventTime?.seconds) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  return ms(events[events.length - 1]!) - ms(events[0]!);
}

function kycApplicant(tag: string) {
  return { person: applicant(tag), customerRef: uniqueRef('cust') };
}

/** A KazePay KYC polled hourly for up to 7 days, with documents. */
async function startHourlyKyc(person: ReturnType<typeof applicant>, customerRef: string) {
  return life.client.workflow.start('kycVerification', {
    workflowId: workflowIds.kycVerification('kazepay', customerRef),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        customerRef,
        applicant: person,
        documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
        review: { deadline: '7d', pollInterval: '1h' },
      },
    ],
  });
}

describe('a webhook ends a wait early', () => {
  test('KYC polled hourly finishes minutes after the notification, not at the next poll', async () => {
    const { person, customerRef } = kycApplicant('kyc-webhook');
    // The review ends only when the test advances the sandbox: a first poll slowed by load
    // still finds it pending.
    const handle = await life.withKazepayTimings({ kycReviewMs: 30 * 24 * 3600_000 }, async () => {
      const started = await startHourlyKyc(person, customerRef);
      await waitForState(started, 'WAITING_FOR_REVIEW');
      await pollResting(started, 'kazepayKycStatus');
      return started;
    });
    await life.kazepay.control.advance();
    assert.equal(life.kazepay.control.cardholder(person.email)?.kycStatus, 'PASSED');
    await handle.signal(providerNotificationSignal, {
      event: 'kycStatusNotify',
      key: customerRef,
      status: 'PASSED',
    });
    assert.equal((await handle.result()).outcome, 'PASSED');
    const tookMs = await workflowDurationMs(handle);
    assert.ok(
      tookMs < 10 * 60_000,
      `finished ${Math.round(tookMs / 1000)} s after start; the next poll was an hour away`,
    );
  });

  test('without the notification the same wait runs to the next hourly poll', async () => {
    const { person, customerRef } = kycApplicant('kyc-nowebhook');
    const handle = await startHourlyKyc(person, customerRef);
    await waitForState(handle, 'WAITING_FOR_REVIEW');
    await life.kazepay.control.advance();
    assert.equal((await handle.result()).outcome, 'PASSED');
    assert.ok(
      (await workflowDurationMs(handle)) >= 60 * 60_000,
      'polling alone is still correct, just slower',
    );
  });
});

describe('a notification that arrives before the wait begins', () => {
  test('still wakes the wait: the provider is read at once instead of at the next hourly poll', async () => {
    const { person, customerRef } = kycApplicant('kyc-early-webhook');
    await life.withKazepayTimings({ kycReviewMs: 30 * 24 * 3600_000 }, async () => {
      const handle = await startHourlyKyc(person, customerRef);
      // Sent while the documents are still being uploaded, long before the review wait starts.
      await handle.signal(providerNotificationSignal, { event: 'kycStatusNotify', key: customerRef });
      await waitForState(handle, 'WAITING_FOR_REVIEW');
      const reads = async () => countCalls(await handle.fetchHistory(), 'kazepayKycStatus');
      let count = 0;
      for (let i = 0; i < 100 && count < 2; i++) {
        count = await reads();
        await new Promise((r) => setTimeout(r, 20));
      }
      // The immediate read, then the next hourly poll. Without the wake-up only that poll is
      // scheduled (the wake is due as the wait starts, so its first poll is never sent).
      assert.ok(count >= 2, `status read ${count} times; without the wake-up it is read once`);
      await handle.cancel();
    });
  });
});

describe('every KazePay wait is bounded', () => {
  test('no activation code before the code deadline: DeadlineExceeded', async () => {
    const { handle } = await flows.startActivation('code-deadline', { codeWait: { deadline: '2d' } });
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'DeadlineExceeded');
    assert.equal((await handle.query(stateQuery)).state, 'TIMED_OUT');
  });

  test('a card that never turns ACTIVE: DeadlineExceeded after the activation deadline', async () => {
    await life.withKazepayTimings({ activationMs: 30 * 24 * 3600_000 }, async () => {
      const { handle } = await flows.startActivation('active-deadline', {
        activation: { deadline: '2h', pollInterval: '10m' },
      });
      await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
      const cardId = await flows.cardIdOf(handle);
      const code = life.kazepay.control.takeActivationCode(cardId) as string;
      await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded');
      assert.match(failure.message, /WAITING_FOR_ACTIVE/);
    });
  });

  test('a recharge that never settles: DeadlineExceeded after the settlement deadline, money still accounted', async () => {
    const cardId = await flows.activeCard('settle-deadline');
    await life.withKazepayTimings({ rechargeSettleMs: 30 * 24 * 3600_000 }, async () => {
      const depositRef = uniqueRef('dep');
      const handle = await life.client.workflow.start('cardDeposit', {
        workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
        taskQueue: TASK_QUEUE,
        args: [
          {
            provider: 'kazepay',
            cardRef: cardId,
            depositRef,
            amount: '7.00',
            currency: 'USD',
            settlement: { deadline: '3h', pollInterval: '10m' },
          },
        ],
      });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded');
      assert.equal((await handle.query(stateQuery)).state, 'TIMED_OUT');
      assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
    });
  });

  test('a close that never completes: DeadlineExceeded after the completion deadline', async () => {
    const cardId = await flows.activeCard('close-deadline');
    await life.withKazepayTimings({ closeMs: 30 * 24 * 3600_000 }, async () => {
      const handle = await life.client.workflow.start('cardClosure', {
        workflowId: workflowIds.cardClosure('kazepay', cardId),
        taskQueue: TASK_QUEUE,
        args: [{ provider: 'kazepay', cardRef: cardId, completion: { deadline: '1d', pollInterval: '1h' } }],
      });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded');
      assert.equal((await handle.query(stateQuery)).state, 'TIMED_OUT');
    });
  });
});
