import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  TASK_QUEUE,
  type KycInput,
  type KycResult,
  workflowIds,
  stateQuery,
  kycUrlQuery,
} from '../../src/contract';
import { applicant, LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import { failureOf } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

function startKyc(input: KycInput) {
  return life.client.workflow.start('kycVerification', {
    workflowId: workflowIds.kycVerification(input.provider, input.customerRef),
    taskQueue: TASK_QUEUE,
    args: [input],
  });
}

describe('kycVerification on KazePay', () => {
  test('documents uploaded by reference, KYC submitted, PASSED', async () => {
    const person = applicant('kyc-pass');
    const customerRef = uniqueRef('cust');
    const handle = await startKyc({
      provider: 'kazepay',
      customerRef,
      applicant: person,
      documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    });
    const result: KycResult = await handle.result();
    assert.deepEqual(result, { outcome: 'PASSED', provider: 'kazepay', customerRef, submissions: 1 });
    assert.equal(life.kazepay.control.cardholder(person.email)?.kycStatus, 'PASSED');
    const state = await handle.query(stateQuery);
    assert.equal(state.state, 'PASSED');
    const described = await handle.describe();
    assert.equal(described.searchAttributes.CardState?.[0], 'PASSED');
  });

  test('a rejection ends the flow with outcome REJECTED', async () => {
    const person = applicant('kyc-reject');
    life.kazepay.control.scriptKyc(person.email, 'REJECTED');
    const customerRef = uniqueRef('cust');
    const handle = await startKyc({
      provider: 'kazepay',
      customerRef,
      applicant: person,
      documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    });
    const result = await handle.result();
    assert.equal(result.outcome, 'REJECTED');
    // KazePay's KYC status carries no reason field (seed): the result says so rather than nothing.
    assert.equal(result.reason, 'KazePay answered REJECTED (KazePay states no reason)');
    assert.equal((await handle.query(stateQuery)).state, 'REJECTED');
  });

  test('hosted KYC exposes the kycUrl through a query while the customer is away', async () => {
    const person = applicant('kyc-hosted');
    const customerRef = uniqueRef('cust');
    const handle = await startKyc({ provider: 'kazepay', customerRef, applicant: person, mode: 'hosted' });
    const result = await handle.result();
    assert.equal(result.outcome, 'PASSED');
    const url = await handle.query(kycUrlQuery);
    assert.match(url ?? '', /^https?:\/\//);
  });

  test('hosted KYC decided on the kycUrl page: Pass ends the flow PASSED, Reject REJECTED', async () => {
    // Only the page decides: the sandbox's review timer is off for this test.
    life.kazepay.control.state.hostedKycTimer = false;
    try {
      for (const [decision, outcome] of [
        ['pass', 'PASSED'],
        ['reject', 'REJECTED'],
      ] as const) {
        const person = applicant(`kyc-page-${decision}`);
        const handle = await startKyc({
          provider: 'kazepay',
          customerRef: uniqueRef('cust'),
          applicant: person,
          mode: 'hosted',
        });
        let url: string | null = null;
        for (let i = 0; i < 500 && !url; i++) {
          url = await handle.query(kycUrlQuery);
          if (!url) await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(url, 'the flow exposes the kycUrl');
        const page = await fetch(url);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /WAITING_KYC/);
        const decided = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `decision=${decision}`,
          redirect: 'manual',
        });
        assert.equal(decided.status, 303);
        assert.equal((await handle.result()).outcome, outcome);
        assert.equal(life.kazepay.control.cardholder(person.email)?.kycStatus, outcome);
      }
    } finally {
      life.kazepay.control.state.hostedKycTimer = true;
    }
  });

  test('a review that never ends hits the deadline: TimedOut, DeadlineExceeded', async () => {
    const person = applicant('kyc-stuck');
    life.kazepay.control.state.timings.kycReviewMs = 10 * 24 * 3600_000;
    try {
      const handle = await startKyc({
        provider: 'kazepay',
        customerRef: uniqueRef('cust'),
        applicant: person,
        documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
        review: { deadline: '7d', pollInterval: '1h' },
      });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded', failure.message);
      assert.equal((await handle.query(stateQuery)).state, 'TIMED_OUT');
      const history = await handle.fetchHistory();
      assert.ok(
        (history.events?.length ?? 0) < 100,
        `7 days of waiting took ${history.events?.length} events`,
      );
    } finally {
      life.kazepay.control.state.timings.kycReviewMs = 1000;
    }
  });

  test('a bad input fails with ValidationFailed naming the field, not the value', async () => {
    const person = { ...applicant('kyc-bad'), dateOfBirth: '10/12/1985' };
    const handle = await startKyc({ provider: 'kazepay', customerRef: uniqueRef('cust'), applicant: person });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ValidationFailed');
    assert.match(failure.message, /applicant\.dateOfBirth/);
    assert.doesNotMatch(failure.message, /10\/12\/1985/);
  });
});
