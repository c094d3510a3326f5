// virtualCardIssuance on the time-skipping server against the WasabiCard sandbox: issued, failed
// with the money back, preconditions and limits, a lost answer reconciled into one card, and a
// webhook notification ending an hour-long poll interval at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type IssuanceInput,
  type IssuanceResult,
  providerNotificationSignal,
  providerOrderKey,
  stateQuery,
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
  eventually,
  failureOf,
  holderInReview,
  passedHolder,
  pollResting,
  startFlow,
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

async function issue(fields: Partial<IssuanceInput> = {}) {
  const input: IssuanceInput = {
    provider: 'wasabi',
    customerRef: uniqueRef('cust'),
    requestRef: uniqueRef('req'),
    cardTypeId: '111002',
    initialDeposit: '25',
    ...fields,
  };
  const workflowId = workflowIds.virtualCardIssuance('wasabi', input.customerRef, input.requestRef);
  const handle: WorkflowHandle = await startFlow(life, 'virtualCardIssuance', workflowId, input);
  started.push(handle);
  return { handle, input, merchantOrderNo: providerOrderKey(workflowId, 'open') };
}

const ordersOf = (merchantOrderNo: string) =>
  life.wasabi.control.state().orders.filter((o) => o.merchantOrderNo === merchantOrderNo);

describe('virtualCardIssuance on WasabiCard', () => {
  test('issued: the result names the card by its provider id, never by its number', async () => {
    const { handle, merchantOrderNo } = await issue({ initialDeposit: '25' });
    const result: IssuanceResult = await handle.result();
    const [order] = ordersOf(merchantOrderNo);
    assert.ok(order, 'one create order under the derived merchantOrderNo');
    assert.equal(result.outcome, 'ISSUED');
    assert.equal(result.cardRef, order.cardNo);
    assert.equal(result.orderNo, order.orderNo);
    assert.equal(result.merchantOrderNo, merchantOrderNo);
    assert.equal(result.amount, '25');
    // Card price 10 + 1% deposit fee.
    assert.equal(result.fee, '10.25');
    const card = life.wasabi.control.state().cards.find((c) => c.cardNo === result.cardRef);
    assert.equal(card?.status, 'Normal');
    assert.equal(balance(life, `card:${result.cardRef}`), '25');

    const { cardNumber, cvv, expireDate } = await life.wasabiClient.sensitive({ cardNo: result.cardRef! });
    const text = JSON.stringify(result);
    for (const secret of [cardNumber!, expireDate!]) assert.ok(!text.includes(secret));
    assert.ok(!text.includes(`"${cvv}"`));

    assert.equal(await visibleState(handle), 'ISSUED');
    const described = await handle.describe();
    assert.equal(described.searchAttributes.CardRef?.[0], result.cardRef);
  });

  test('a card type with a cardholder: issued to the passed holder', async () => {
    const holderId = await passedHolder(life, '111065');
    const { handle } = await issue({ cardTypeId: '111065', initialDeposit: '20', holderId });
    const result = await handle.result();
    assert.equal(result.outcome, 'ISSUED');
    const card = life.wasabi.control.state().cards.find((c) => c.cardNo === result.cardRef);
    assert.equal(card?.holderId, holderId);
  });

  test('history stays small: the checks are one activity, then the order and its wait; search attributes upserted only on change', async () => {
    const holderId = await passedHolder(life, '111065');
    const { handle } = await issue({ cardTypeId: '111065', initialDeposit: '20', holderId });
    assert.equal((await handle.result()).outcome, 'ISSUED');
    const history = await handle.fetchHistory();
    assert.deepEqual(
      activityCalls(history).map((c) => `${c.activityType}${c.local ? ' (local)' : ''}`),
      [
        // The card type and the cardholder's review, read together (patch precondition-reads-together).
        'wasabiIssuancePreconditions',
        'wasabiOpenCard',
        // Polled until the order succeeds: one activity, retried by the server.
        'wasabiOrder',
      ],
    );
    assert.deepEqual(patchMarkers(history), [PRECONDITION_READS_PATCH]);
    const events = history.events ?? [];
    assert.ok(events.length <= 30, `${events.length} events`);
    const upserts = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
    // OPENING, WAITING_FOR_ORDER, then ISSUED with the card (the start state was set at start),
    // and the SDK's TemporalChangeVersion upsert that goes with the patch marker.
    assert.ok(upserts.length <= 5, `${upserts.length} upserts`);
    const described = await handle.describe();
    assert.equal(described.searchAttributes.CardState?.[0], 'ISSUED');
  });

  test('the provider fails the order: outcome FAILED, the merchant balance restored', async () => {
    const walletBefore = balance(life, walletAccount(life));
    const customerRef = uniqueRef('cust');
    const requestRef = uniqueRef('req');
    const merchantOrderNo = providerOrderKey(
      workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef),
      'open',
    );
    life.wasabi.control.scriptOrder({ match: { merchantOrderNo }, outcome: 'fail' });
    const { handle } = await issue({ customerRef, requestRef, initialDeposit: '40' });
    const result = await handle.result();
    assert.equal(result.outcome, 'FAILED');
    assert.equal(result.cardRef, undefined);
    assert.ok(result.reason, 'the provider reason is reported');
    assert.equal(ordersOf(merchantOrderNo)[0]?.status, 'fail');
    assert.equal(balance(life, walletAccount(life)), walletBefore, 'card price, deposit and fee returned');
    assert.ok(life.wasabi.control.ledgerSnapshot().balanced);
    assert.equal(await visibleState(handle), 'FAILED');
  });

  test('a card type that needs a cardholder, without holderId: PreconditionFailed', async () => {
    const { handle, merchantOrderNo } = await issue({ cardTypeId: '111065', initialDeposit: '20' });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'PreconditionFailed', failure.message);
    assert.match(failure.message, /holderId/);
    assert.equal(ordersOf(merchantOrderNo).length, 0, 'nothing sent');
    assert.equal(await visibleState(handle), 'FAILED_PRECONDITION');
  });

  test('an initial deposit outside the card type limits: ValidationFailed, nothing sent', async () => {
    for (const initialDeposit of ['5', '100001']) {
      const { handle, merchantOrderNo } = await issue({ initialDeposit });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'ValidationFailed', failure.message);
      assert.match(failure.message, /initialDeposit/);
      assert.equal(ordersOf(merchantOrderNo).length, 0);
      assert.equal(await visibleState(handle), 'FAILED_VALIDATION');
    }
  });

  test('createCard applied but unanswered: reconciled into exactly one card', async () => {
    const cardsBefore = life.wasabi.control.state().cards.length;
    life.wasabi.control.faults.script(WASABI_PATHS.createCardV2, 'applied-no-answer');
    const { handle, merchantOrderNo } = await issue({ initialDeposit: '30' });
    const result = await handle.result();
    assert.equal(result.outcome, 'ISSUED');
    const faults = life.wasabi.control.faults.history.filter(
      (f) => f.operation === WASABI_PATHS.createCardV2,
    );
    assert.deepEqual(
      faults.map((f) => f.kind),
      ['applied-no-answer'],
    );
    const orders = ordersOf(merchantOrderNo);
    assert.equal(orders.length, 1, 'one create order for the merchantOrderNo');
    assert.equal(orders[0]?.cardNo, result.cardRef);
    assert.equal(life.wasabi.control.state().cards.length, cardsBefore + 1, 'one card opened');
    const charged = life.wasabi.control
      .ledgerSnapshot()
      .entries.filter((e) => e.ref === orders[0]?.orderNo && e.kind === 'card_purchase');
    assert.equal(charged.length, 1, 'the card price was taken once');
  });

  test('an order that outlives its deadline: DeadlineExceeded, TIMED_OUT', async () => {
    const { orderCompleteMs } = life.wasabi.control.timings;
    life.wasabi.control.setTimings({ orderCompleteMs: 1e9 });
    try {
      const { handle, merchantOrderNo } = await issue({ order: { deadline: '20m', pollInterval: '1m' } });
      const failure = await failureOf(handle.result());
      assert.equal(failure.type, 'DeadlineExceeded', failure.message);
      assert.equal(await visibleState(handle), 'TIMED_OUT');
      assert.equal(ordersOf(merchantOrderNo)[0]?.status, 'processing');
    } finally {
      life.wasabi.control.setTimings({ orderCompleteMs });
    }
  });

  test('a webhook notification ends an hour-long poll interval at once', async () => {
    // The order stays pending until the test finishes it, so the first poll always finds it
    // pending whatever the machine's load.
    const { orderCompleteMs } = life.wasabi.control.timings;
    const requests = life.wasabi.control.requests;
    const seen = requests.length;
    life.wasabi.control.setTimings({ orderCompleteMs: 30 * 24 * 3600_000 });
    let issued: Awaited<ReturnType<typeof issue>>;
    let order: ReturnType<typeof ordersOf>[number];
    try {
      issued = await issue({ initialDeposit: '15', order: { pollInterval: '1h', deadline: '1d' } });
      const { handle, merchantOrderNo } = issued;
      await eventually('a poll after the order was sent', () => {
        const mine = requests.slice(seen);
        const sent = mine.findIndex((r) => r.path === WASABI_PATHS.createCardV2);
        return sent >= 0 && mine.slice(sent).some((r) => r.path === WASABI_PATHS.transactionV2);
      });
      assert.equal((await handle.query(stateQuery)).state, 'WAITING_FOR_ORDER');
      await pollResting(handle, 'wasabiOrder');
      // The next poll is an hour of workflow time away; the provider finishes now and notifies.
      life.wasabi.control.advance({ merchantOrderNo });
      order = await eventually('the sandbox to finish the order', () =>
        ordersOf(merchantOrderNo).find((o) => o.status === 'success'),
      );
    } finally {
      life.wasabi.control.setTimings({ orderCompleteMs });
    }
    const { handle } = issued;
    await handle.signal(providerNotificationSignal, {
      event: 'card_transaction',
      key: String(order.orderNo),
      status: 'success',
    });
    const result = await handle.result();
    assert.equal(result.outcome, 'ISSUED');
    const described = await handle.describe();
    const tookMs = described.closeTime!.getTime() - described.startTime.getTime();
    assert.ok(tookMs < 5 * 60_000, `finished ${tookMs} ms of workflow time after start`);
  });

  test('no history holds a card number, CVV or expiry', async () => {
    await assertNoCardSecrets(life, started);
  });
});

describe('virtualCardIssuance on WasabiCard: the precondition reads, one activity', () => {
  const requestsTo = (path: string) => life.wasabi.control.requests.filter((r) => r.path === path);
  const checksOf = async (handle: WorkflowHandle) => activityCalls(await handle.fetchHistory());

  test('without a holderId there is one read to begin with: the card type alone, as before, no patch marker', async () => {
    const { handle } = await issue({ initialDeposit: '25' });
    assert.equal((await handle.result()).outcome, 'ISSUED');
    const history = await handle.fetchHistory();
    assert.deepEqual(
      activityCalls(history).map((c) => c.activityType),
      ['wasabiCardType', 'wasabiOpenCard', 'wasabiOrder'],
    );
    assert.deepEqual(patchMarkers(history), []);
  });

  test('a cardholder still in review: PreconditionFailed naming its status, read once, nothing sent', async () => {
    const holderId = await holderInReview(life, '111065');
    const { handle, merchantOrderNo } = await issue({ cardTypeId: '111065', initialDeposit: '20', holderId });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'PreconditionFailed', failure.message);
    // The sandbox moves the review on by itself: wait_audit, then under_review.
    assert.match(
      failure.message,
      new RegExp(
        `^issuance in state FAILED_PRECONDITION: cardholder ${holderId} has not passed review \\((wait_audit|under_review)\\)$`,
      ),
    );
    assert.equal(ordersOf(merchantOrderNo).length, 0, 'nothing sent');
    assert.equal(await visibleState(handle), 'FAILED_PRECONDITION');
    assert.deepEqual(
      (await checksOf(handle)).map((c) => c.activityType),
      ['wasabiIssuancePreconditions'],
    );
  });

  test('a cardholder WasabiCard does not know: PreconditionFailed from the read, as the holder read said it', async () => {
    const { handle, merchantOrderNo } = await issue({
      cardTypeId: '111065',
      initialDeposit: '20',
      holderId: '9999999999999999991',
    });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'PreconditionFailed', failure.message);
    assert.equal(failure.message, 'issuance in state CHECKING: no cardholder 9999999999999999991');
    assert.equal(ordersOf(merchantOrderNo).length, 0, 'nothing sent');
    assert.equal(await visibleState(handle), 'FAILED_PRECONDITION');
  });

  test('a deposit the card type refuses fails first, as before: the cardholder is not read', async () => {
    const before = requestsTo(WASABI_PATHS.holderQuery).length;
    const { handle } = await issue({
      cardTypeId: '111065',
      initialDeposit: '5',
      holderId: '9999999999999999992',
    });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ValidationFailed', failure.message);
    assert.equal(
      failure.message,
      'issuance in state FAILED_VALIDATION: initialDeposit: below the card type minimum of 20',
    );
    assert.equal(requestsTo(WASABI_PATHS.holderQuery).length, before, 'no cardholder read');
    assert.equal(await visibleState(handle), 'FAILED_VALIDATION');
  });

  test('the cardholder read answering 5xx: the activity is retried (both reads again), then issued', async () => {
    const holderId = await passedHolder(life, '111065');
    const typesBefore = requestsTo(WASABI_PATHS.cardTypesV2).length;
    life.wasabi.control.faults.script(WASABI_PATHS.holderQuery, 'server-error', 'server-error');
    const { handle } = await issue({ cardTypeId: '111065', initialDeposit: '20', holderId });
    assert.equal((await handle.result()).outcome, 'ISSUED');
    const refused = requestsTo(WASABI_PATHS.holderQuery).filter((r) => r.code === 500);
    assert.ok(refused.length >= 2, `${refused.length} refusals`);
    assert.ok(
      requestsTo(WASABI_PATHS.cardTypesV2).length - typesBefore >= 3,
      'the card type read in each attempt',
    );
    const calls = (await checksOf(handle)).map((c) => c.activityType);
    assert.deepEqual(calls, ['wasabiIssuancePreconditions', 'wasabiOpenCard', 'wasabiOrder']);
  });

  test('a cardholder answer whose signature does not verify: ProviderResponseIntegrity, nothing sent', async () => {
    const holderId = await passedHolder(life, '111065');
    life.wasabi.control.faults.script(WASABI_PATHS.holderQuery, 'broken-signature');
    const { handle, merchantOrderNo } = await issue({ cardTypeId: '111065', initialDeposit: '20', holderId });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ProviderResponseIntegrity', failure.message);
    assert.equal(ordersOf(merchantOrderNo).length, 0, 'nothing sent');
    assert.equal(await visibleState(handle), 'FAILED_INTEGRITY');
  });
});
