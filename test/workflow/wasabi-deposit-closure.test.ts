// cardDeposit and cardClosure on the time-skipping server against the WasabiCard sandbox:
// settled, failed with the money back, a lost answer and a long run of 5xx each ending in exactly
// one deposit, a 5xx that never ends, limits; a cancel refunding the card balance.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type ClosureInput,
  type ClosureResult,
  type DepositInput,
  type DepositResult,
  providerOrderKey,
  workflowIds,
} from '../../src/contract';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { PRECONDITION_READS_PATCH } from '../../workflows/support/precondition-reads';
import { activityCalls, patchMarkers } from '../helpers/history-activities';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import {
  assertNoCardSecrets,
  balance,
  failureOf,
  openCard,
  startFlow,
  untilState,
  visibleState,
  walletAccount,
} from '../helpers/wasabi-flows';

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

async function deposit(cardNo: string, amount: string, fields: Partial<DepositInput> = {}) {
  const input: DepositInput = {
    provider: 'wasabi',
    cardRef: cardNo,
    depositRef: uniqueRef('dep'),
    amount,
    currency: 'USD',
    ...fields,
  };
  const workflowId = workflowIds.cardDeposit('wasabi', cardNo, input.depositRef);
  const handle: WorkflowHandle = await startFlow(life, 'cardDeposit', workflowId, input);
  started.push(handle);
  return { handle, merchantOrderNo: providerOrderKey(workflowId, 'deposit') };
}

const ordersOf = (merchantOrderNo: string) =>
  life.wasabi.control.state().orders.filter((o) => o.merchantOrderNo === merchantOrderNo);
/** Ledger movements of a deposit order onto the card. */
const settlements = (cardNo: string) =>
  life.wasabi.control
    .ledgerSnapshot()
    .entries.filter((e) => e.to === `card:${cardNo}` && e.kind === 'card_deposit_settle');

describe('cardDeposit on WasabiCard', () => {
  test('settled: received amount and fee reported, the card credited once', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const wallet = balance(life, walletAccount(life));
    const { handle, merchantOrderNo } = await deposit(cardNo, '100');
    const result: DepositResult = await handle.result();
    const [order] = ordersOf(merchantOrderNo);
    assert.deepEqual(result, {
      outcome: 'SETTLED',
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: result.depositRef,
      amount: '100',
      currency: 'USD',
      providerTransactionId: order?.orderNo,
      receivedAmount: '100',
      // 1% of 100, no fixed fee (card type 111002).
      fee: '1',
    });
    assert.equal(balance(life, `card:${cardNo}`), '110');
    assert.equal(Number(wallet) - Number(balance(life, walletAccount(life))), 101);
    assert.equal(await visibleState(handle), 'SETTLED');
    assert.equal((await handle.describe()).searchAttributes.CardRef?.[0], cardNo);
  });

  test('failed by the provider: outcome FAILED, the money back in the merchant wallet', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const wallet = balance(life, walletAccount(life));
    const depositRef = uniqueRef('dep');
    const merchantOrderNo = providerOrderKey(
      workflowIds.cardDeposit('wasabi', cardNo, depositRef),
      'deposit',
    );
    life.wasabi.control.scriptOrder({ match: { merchantOrderNo }, outcome: 'fail' });
    const { handle } = await deposit(cardNo, '50', { depositRef });
    const result = await handle.result();
    assert.equal(result.outcome, 'FAILED');
    assert.ok(result.reason);
    assert.equal(result.providerTransactionId, ordersOf(merchantOrderNo)[0]?.orderNo);
    assert.equal(balance(life, walletAccount(life)), wallet, 'amount and fee returned');
    assert.equal(balance(life, `card:${cardNo}`), '10');
    assert.equal(await visibleState(handle), 'FAILED');
  });

  test('deposit applied but unanswered: reconciled, exactly one deposit', async () => {
    const cardNo = await openCard(life, '111002', '10');
    life.wasabi.control.faults.script(WASABI_PATHS.deposit, 'applied-no-answer');
    const { handle, merchantOrderNo } = await deposit(cardNo, '30');
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(life.wasabi.control.faults.history.at(-1)?.kind, 'applied-no-answer');
    assert.equal(ordersOf(merchantOrderNo).length, 1);
    assert.equal(settlements(cardNo).length, 2, 'the opening deposit and this one');
    assert.equal(balance(life, `card:${cardNo}`), '40');
  });

  test('5xx for minutes, then healthy: still exactly one deposit', async () => {
    const cardNo = await openCard(life, '111002', '10');
    // Eight refusals in a row: about four minutes of retries in workflow time.
    life.wasabi.control.faults.script(WASABI_PATHS.deposit, ...Array(8).fill('server-error'));
    const { handle, merchantOrderNo } = await deposit(cardNo, '20');
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    const refused = life.wasabi.control.requests.filter(
      (r) => r.path === WASABI_PATHS.deposit && r.code === 500,
    );
    assert.ok(refused.length >= 8, `${refused.length} refusals`);
    assert.equal(ordersOf(merchantOrderNo).length, 1);
    assert.equal(settlements(cardNo).length, 2);
    assert.equal(balance(life, `card:${cardNo}`), '30');
    const described = await handle.describe();
    const tookMs = described.closeTime!.getTime() - described.startTime.getTime();
    assert.ok(tookMs > 3 * 60_000, `the 5xx lasted ${tookMs} ms of workflow time`);
  });

  test('5xx that never ends: ProviderUnavailable, nothing deposited', async () => {
    const cardNo = await openCard(life, '111002', '10');
    life.wasabi.control.faults.setRates({ serverErrorRate: 1 }, WASABI_PATHS.deposit);
    try {
      const { handle, merchantOrderNo } = await deposit(cardNo, '20', {
        settlement: { deadline: '5m', pollInterval: '10s' },
      });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'ProviderUnavailable', failure.message);
      assert.equal(ordersOf(merchantOrderNo).length, 0);
      assert.equal(balance(life, `card:${cardNo}`), '10');
      assert.equal(await visibleState(handle), 'FAILED_UNAVAILABLE');
    } finally {
      life.wasabi.control.faults.setRates({}, WASABI_PATHS.deposit);
    }
  });

  test('an amount above the card type maximum: ValidationFailed, nothing sent', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const { handle, merchantOrderNo } = await deposit(cardNo, '100000.01');
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ValidationFailed', failure.message);
    assert.match(failure.message, /amount: above the card type maximum of 100000/);
    assert.equal(ordersOf(merchantOrderNo).length, 0);
    assert.equal(await visibleState(handle), 'FAILED_VALIDATION');
  });
});

describe('cardDeposit on WasabiCard: the precondition reads, one activity', () => {
  const requestsTo = (path: string) => life.wasabi.control.requests.filter((r) => r.path === path);

  test('the card and its card type are read in one activity, behind the precondition-reads-together patch', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const { handle } = await deposit(cardNo, '25');
    assert.equal((await handle.result()).outcome, 'SETTLED');
    const history = await handle.fetchHistory();
    assert.deepEqual(
      activityCalls(history).map((c) => c.activityType),
      ['wasabiDepositPreconditions', 'wasabiDeposit', 'wasabiOrder'],
    );
    assert.deepEqual(patchMarkers(history), [PRECONDITION_READS_PATCH]);
  });

  test('a frozen card: PreconditionFailed as before, nothing sent', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const merchantOrderNo = `F${Date.now()}${Math.floor(Math.random() * 1e9)}`.padEnd(24, '0');
    await life.wasabiClient.freeze({ merchantOrderNo, cardNo });
    life.wasabi.control.advance();
    const sent = await deposit(cardNo, '25');
    const failure = await failureOf(sent.handle.result());
    assert.equal(failure.type, 'PreconditionFailed', failure.message);
    assert.equal(failure.message, `deposit in state FAILED_PRECONDITION: card ${cardNo} is freeze`);
    assert.equal(ordersOf(sent.merchantOrderNo).length, 0, 'nothing sent');
    assert.equal(await visibleState(sent.handle), 'FAILED_PRECONDITION');
  });

  test('the card type read answering 5xx: the activity is retried (both reads again), then settled', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const infoBefore = requestsTo(WASABI_PATHS.cardInfo).length;
    // The card info read finds the type from the card types too (the seed's card/info names
    // none), so each attempt asks for the card types twice: refuse the first two asks.
    life.wasabi.control.faults.script(WASABI_PATHS.cardTypesV2, 'server-error', 'server-error');
    const { handle } = await deposit(cardNo, '25');
    assert.equal((await handle.result()).outcome, 'SETTLED');
    assert.ok(requestsTo(WASABI_PATHS.cardInfo).length - infoBefore >= 3, 'the card read in each attempt');
    const calls = activityCalls(await handle.fetchHistory()).map((c) => c.activityType);
    assert.deepEqual(calls, ['wasabiDepositPreconditions', 'wasabiDeposit', 'wasabiOrder']);
  });

  test('a card unknown to WasabiCard: ProviderRejected from the card read, as before, nothing sent', async () => {
    const { handle, merchantOrderNo } = await deposit('9999999999999999993', '25');
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ProviderRejected', failure.message);
    assert.equal(
      failure.message,
      `deposit in state CHECKING: wasabi ${WASABI_PATHS.cardInfo}: rejected with 404: Card not found`,
    );
    assert.equal(ordersOf(merchantOrderNo).length, 0, 'nothing sent');
  });
});

describe('cardDeposit on WasabiCard: deadlines and cancellation', () => {
  test('settlement outlives its deadline: DeadlineExceeded, TIMED_OUT', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const { orderCompleteMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ orderCompleteMs: 1e9 });
    try {
      const { handle, merchantOrderNo } = await deposit(cardNo, '20', {
        settlement: { deadline: '30m', pollInterval: '1m' },
      });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded', failure.message);
      assert.equal(await visibleState(handle), 'TIMED_OUT');
      assert.equal(ordersOf(merchantOrderNo)[0]?.status, 'processing', 'still pending at WasabiCard');
    } finally {
      life.wasabi.control.setTimings({ orderCompleteMs });
    }
  });

  test('an operator cancels after the deposit was sent: followed to its end and reported', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const { orderCompleteMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ orderCompleteMs: 30_000 });
    let sent: Awaited<ReturnType<typeof deposit>>;
    try {
      sent = await deposit(cardNo, '20', { settlement: { deadline: '1h', pollInterval: '1m' } });
    } finally {
      life.wasabi.control.setTimings({ orderCompleteMs });
    }
    const { handle, merchantOrderNo } = sent;
    await untilState(handle, 'WAITING_FOR_SETTLEMENT');
    await handle.cancel();
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(result.cancelRequested, true);
    assert.equal(ordersOf(merchantOrderNo)[0]?.status, 'success');
    assert.equal(balance(life, `card:${cardNo}`), '30');
  });
});

describe('cardClosure on WasabiCard', () => {
  test('cancel: CLOSED, the card balance refunded, the provider order recorded', async () => {
    const cardNo = await openCard(life, '111002', '75.5');
    const cardBalance = balance(life, `card:${cardNo}`);
    assert.equal(cardBalance, '75.5');
    const wallet = balance(life, walletAccount(life));
    const input: ClosureInput = { provider: 'wasabi', cardRef: cardNo, customerRef: uniqueRef('cust') };
    const workflowId = workflowIds.cardClosure('wasabi', cardNo);
    const handle: WorkflowHandle = await startFlow(life, 'cardClosure', workflowId, input);
    started.push(handle);
    const result: ClosureResult = await handle.result();
    const [order] = ordersOf(providerOrderKey(workflowId, 'cancel'));
    assert.equal(order?.type, 'cancel');
    assert.deepEqual(result, {
      outcome: 'CLOSED',
      provider: 'wasabi',
      cardRef: cardNo,
      refundAmount: cardBalance,
      currency: 'USD',
      fee: '0', // this card type has no cancel fee; the provider still reports it
      providerTransactionId: order?.orderNo,
    });
    assert.equal(balance(life, `card:${cardNo}`), '0');
    assert.equal(Number(balance(life, walletAccount(life))) - Number(wallet), 75.5);
    assert.equal(life.wasabi.control.state().cards.find((c) => c.cardNo === cardNo)?.status, 'cancel');
    assert.ok(life.wasabi.control.ledgerSnapshot().balanced);
    assert.equal(await visibleState(handle), 'CLOSED');
  });

  test('cancel applied but unanswered: one cancel order, one refund', async () => {
    const cardNo = await openCard(life, '111002', '30');
    const wallet = balance(life, walletAccount(life));
    life.wasabi.control.faults.script(WASABI_PATHS.cancel, 'applied-no-answer');
    const workflowId = workflowIds.cardClosure('wasabi', cardNo);
    const handle: WorkflowHandle = await startFlow(life, 'cardClosure', workflowId, {
      provider: 'wasabi',
      cardRef: cardNo,
    } satisfies ClosureInput);
    started.push(handle);
    const result = await handle.result();
    assert.equal(result.refundAmount, '30');
    const cancels = life.wasabi.control
      .state()
      .orders.filter((o) => o.cardNo === cardNo && o.type === 'cancel');
    assert.equal(cancels.length, 1);
    assert.equal(Number(balance(life, walletAccount(life))) - Number(wallet), 30, 'refunded once');
  });

  test('the provider fails the cancel: ProviderRejected, the balance stays on the card', async () => {
    const cardNo = await openCard(life, '111002', '30');
    const workflowId = workflowIds.cardClosure('wasabi', cardNo);
    life.wasabi.control.scriptOrder({
      match: { merchantOrderNo: providerOrderKey(workflowId, 'cancel') },
      outcome: 'fail',
    });
    const handle: WorkflowHandle = await startFlow(life, 'cardClosure', workflowId, {
      provider: 'wasabi',
      cardRef: cardNo,
    } satisfies ClosureInput);
    started.push(handle);
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ProviderRejected', failure.message);
    assert.equal(await visibleState(handle), 'FAILED_REJECTED');
    assert.equal(balance(life, `card:${cardNo}`), '30');
    assert.equal(life.wasabi.control.state().cards.find((c) => c.cardNo === cardNo)?.status, 'Normal');
  });

  test('a cancel that outlives its deadline: DeadlineExceeded, TIMED_OUT', async () => {
    const cardNo = await openCard(life, '111002', '30');
    const { orderCompleteMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ orderCompleteMs: 1e9 });
    try {
      const handle: WorkflowHandle = await startFlow(
        life,
        'cardClosure',
        workflowIds.cardClosure('wasabi', cardNo),
        {
          provider: 'wasabi',
          cardRef: cardNo,
          completion: { deadline: '2h', pollInterval: '5m' },
        } satisfies ClosureInput,
      );
      started.push(handle);
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded', failure.message);
      assert.equal(await visibleState(handle), 'TIMED_OUT');
    } finally {
      life.wasabi.control.setTimings({ orderCompleteMs });
    }
  });
});

describe('histories', () => {
  test('no history holds a card number, CVV or expiry', async () => {
    await assertNoCardSecrets(life, started);
  });
});
