// cardAccount: one workflow per card serialising deposits, freezes and the close, plus operator
// cancellation of the flows. On the dev server: the time-skipping server does not move time
// while an update result is awaited, and everything here is driven by updates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  cardAccountStateQuery,
  closeUpdate,
  Decimal,
  depositUpdate,
  freezeUpdate,
  stateQuery,
  TASK_QUEUE,
  unfreezeUpdate,
  workflowIds,
} from '../../src/contract';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { applicant, LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { openCard } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let flows: ReturnType<typeof kazepayFlows>;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  flows = kazepayFlows(life);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

async function account(tag: string) {
  const cardId = await flows.activeCard(tag);
  const handle = await life.client.workflow.start('cardAccount', {
    workflowId: workflowIds.cardAccount('kazepay', cardId),
    taskQueue: TASK_QUEUE,
    // Real time: poll in milliseconds so the tests stay fast.
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        customerRef: uniqueRef('cust'),
        currency: 'USD',
        settlement: { pollInterval: '100ms' },
        completion: { pollInterval: '100ms' },
      },
    ],
  });
  return { cardId, handle };
}

const deposit = (
  handle: Awaited<ReturnType<typeof account>>['handle'],
  amount: string,
  depositRef = uniqueRef('d'),
) => handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount }] });

const refused = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof WorkflowUpdateFailedError, String(e));
  assert.match(String(e.cause?.message), pattern);
  return true;
};

describe('cardAccount', () => {
  test('deposits arrive as updates, run one at a time, and the state query and ledger agree', async () => {
    const { cardId, handle } = await account('acct-deposits');
    const [a, b] = await Promise.all([deposit(handle, '30.00'), deposit(handle, '12.50')]);
    assert.deepEqual([a.outcome, b.outcome], ['SETTLED', 'SETTLED']);
    const status = await handle.query(cardAccountStateQuery);
    assert.equal(status.state, 'ACTIVE');
    assert.equal(status.depositsSettled, 2);
    assert.ok(new Decimal(status.totalDeposited).equals('42.5'));
    assert.equal(life.kazepay.control.cardBalance(cardId), '42.5');
    await handle.cancel();
  });

  test('a repeated deposit reference answers the first outcome; with another amount it is refused', async () => {
    const { cardId, handle } = await account('acct-repeat');
    const depositRef = uniqueRef('d');
    const first = await deposit(handle, '5.00', depositRef);
    const again = await handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '5' }] });
    assert.equal(again.providerTransactionId, first.providerTransactionId);
    await assert.rejects(
      handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '6.00' }] }),
      refused(/already used on this card for 5 USD/),
    );
    assert.equal(life.kazepay.control.cardBalance(cardId), '5');
    await handle.cancel();
  });

  test('freeze, a second freeze refused, unfreeze; the card status follows at the provider', async () => {
    const { cardId, handle } = await account('acct-freeze');
    assert.deepEqual(await handle.executeUpdate(freezeUpdate), { state: 'FROZEN' });
    assert.equal(life.kazepay.control.card(cardId)?.status, 'INACTIVE');
    await assert.rejects(handle.executeUpdate(freezeUpdate), refused(/cannot freeze a card that is FROZEN/));
    assert.deepEqual(await handle.executeUpdate(unfreezeUpdate), { state: 'ACTIVE' });
    assert.equal(life.kazepay.control.card(cardId)?.status, 'ACTIVE');
    assert.equal((await handle.describe()).searchAttributes.CardState?.[0], 'ACTIVE');
    await handle.cancel();
  });

  test('a deposit while closing is refused; the close refunds the balance and ends the account', async () => {
    const { cardId, handle } = await account('acct-close');
    await deposit(handle, '18.00');
    const closing = handle.executeUpdate(closeUpdate);
    await waitForState(handle, 'CLOSING');
    await assert.rejects(
      handle.executeUpdate(depositUpdate, { args: [{ depositRef: uniqueRef('d'), amount: '1.00' }] }),
      refused(/cannot deposit to a card that is CLOSING/),
    );
    await assert.rejects(handle.executeUpdate(closeUpdate), refused(/cannot close a card that is CLOSING/));
    const closed = await closing;
    assert.ok(new Decimal(closed.refundAmount).equals('18'));
    const final = await handle.result();
    assert.equal(final.state, 'CLOSED');
    assert.equal(life.kazepay.control.cardBalance(cardId), '0');
    assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
  });
});

describe('cardAccount on WasabiCard', () => {
  test('freezeOrder paces and bounds the freeze order: polled at its interval, DeadlineExceeded at its deadline, the account unchanged', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const handle = await life.client.workflow.start('cardAccount', {
      workflowId: workflowIds.cardAccount('wasabi', cardNo),
      taskQueue: TASK_QUEUE,
      args: [
        {
          provider: 'wasabi',
          cardRef: cardNo,
          customerRef: uniqueRef('cust'),
          currency: 'USD',
          freezeOrder: { pollInterval: '100ms', deadline: '5s' },
        },
      ],
    });
    const orderReads = () =>
      life.wasabi.control.requests.filter((r) => r.path === WASABI_PATHS.transactionV2).length;
    const saved = { ...life.wasabi.control.timings };
    // The freeze order stays pending at WasabiCard for as long as this test runs.
    life.wasabi.control.setTimings({ orderCompleteMs: 1e9 });
    const before = orderReads();
    try {
      await assert.rejects(handle.executeUpdate(freezeUpdate), (e: unknown) => {
        assert.ok(e instanceof WorkflowUpdateFailedError, String(e));
        assert.ok(e.cause instanceof ApplicationFailure, String(e.cause));
        assert.equal(e.cause.type, 'DeadlineExceeded');
        assert.match(e.cause.message, /freeze order \w+ did not finish in time/);
        return true;
      });
    } finally {
      life.wasabi.control.setTimings(saved);
    }
    // The send looks the order up once, then each poll reads it. At the 10s default the 5s wait
    // would have polled once; the dev server retries at about 1s at the shortest.
    const reads = orderReads() - before;
    assert.ok(reads >= 4, `the pending order was read ${reads} times in 5s`);
    const status = await handle.query(cardAccountStateQuery);
    assert.equal(status.state, 'ACTIVE');
    assert.deepEqual(
      status.recent.map((r) => [r.op, r.outcome]),
      [['freeze', 'TIMED_OUT']],
    );
    await handle.cancel();
  });
});

describe('operator cancellation', () => {
  test('a KYC cancelled while waiting ends CANCELLED and sends nothing more', async () => {
    const person = applicant('kyc-cancel');
    life.kazepay.control.state.timings.kycReviewMs = 3_600_000;
    try {
      const customerRef = uniqueRef('cust');
      const handle = await life.client.workflow.start('kycVerification', {
        workflowId: workflowIds.kycVerification('kazepay', customerRef),
        taskQueue: TASK_QUEUE,
        args: [
          {
            provider: 'kazepay',
            customerRef,
            applicant: person,
            documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
          },
        ],
      });
      await waitForState(handle, 'WAITING_FOR_REVIEW');
      await handle.cancel();
      const error = await handle.result().then(
        () => assert.fail('expected cancellation'),
        (e: unknown) => e,
      );
      assert.ok(
        error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
        String(error),
      );
      assert.equal((await handle.query(stateQuery)).state, 'CANCELLED');
      assert.equal((await handle.describe()).searchAttributes.CardState?.[0], 'CANCELLED');
    } finally {
      life.kazepay.control.state.timings.kycReviewMs = 1000;
    }
  });

  test('a deposit cancelled after it was sent is still followed to settlement and reported', async () => {
    const cardId = await flows.activeCard('dep-cancel');
    life.kazepay.control.state.timings.rechargeSettleMs = 3_600_000;
    try {
      const depositRef = uniqueRef('dep');
      const handle = await life.client.workflow.start('cardDeposit', {
        workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
        taskQueue: TASK_QUEUE,
        args: [
          {
            provider: 'kazepay',
            cardRef: cardId,
            depositRef,
            amount: '9.00',
            currency: 'USD',
            settlement: { pollInterval: '100ms' },
          },
        ],
      });
      await waitForState(handle, 'WAITING_FOR_SETTLEMENT');
      await handle.cancel();
      await life.kazepay.control.advance();
      const result = await handle.result();
      assert.equal(result.outcome, 'SETTLED');
      assert.equal(result.cancelRequested, true);
      assert.equal(life.kazepay.control.cardBalance(cardId), '9');
    } finally {
      life.kazepay.control.state.timings.rechargeSettleMs = 1000;
    }
  });
});
