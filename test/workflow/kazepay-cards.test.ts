// KazePay physical cards on the time-skipping server against the KazePay sandbox: activation
// with the cardholder's code, deposits (including one whose answer is lost), closure.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import {
  type ClosureInput,
  type DepositInput,
  Decimal,
  TASK_QUEUE,
  stateQuery,
  submitActivationCodeUpdate,
  workflowIds,
} from '../../src/contract';
import { applicant, LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { kazepayFlows, failureOf, waitForState } from '../helpers/kazepay-flows';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import { PRECONDITION_READS_PATCH } from '../../workflows/support/precondition-reads';
import { activityCalls, countCalls, patchMarkers } from '../helpers/history-activities';
import { historyText } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env, { clientTimeoutMs: 1500, kazepay: { hangMs: 5000 } });
  ({ passedKyc, startActivation, activeCard, cardIdOf } = kazepayFlows(life));
});
let passedKyc: ReturnType<typeof kazepayFlows>['passedKyc'];
let startActivation: ReturnType<typeof kazepayFlows>['startActivation'];
let activeCard: ReturnType<typeof kazepayFlows>['activeCard'];
let cardIdOf: ReturnType<typeof kazepayFlows>['cardIdOf'];
after(async () => {
  await life?.close();
  await env?.teardown();
});

describe('physicalCardActivation on KazePay', () => {
  test('assigned, activated with the code from the cardholder inbox, ACTIVE, PIN set; no card number or PIN in the decoded history', async () => {
    const { handle, cardNumber, pin } = await startActivation('act-ok');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const cardId = await cardIdOf(handle);
    assert.equal(
      life.kazepay.control.card(cardId)?.cardNo,
      cardNumber,
      'the sandbox bound the physical card',
    );
    const code = life.kazepay.control.takeActivationCode(cardId);
    assert.ok(code, 'the cardholder received a code');
    const answer = await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
    assert.deepEqual(answer, { accepted: true, attemptsLeft: 2 });
    const result = await handle.result();
    assert.deepEqual(result, {
      outcome: 'ACTIVE',
      provider: 'kazepay',
      cardRef: cardId,
      pinSet: true,
      codeAttempts: 1,
    });
    assert.ok(life.kazepay.control.pinMatches(cardId, pin), 'the PIN reached the card');
    // Decoded payloads, not the JSON of the history: a secret inside a payload is base64 there.
    const history = historyText(await handle.fetchHistory()).join('\n');
    assert.ok(history.includes(cardId), 'the decoded history is searched');
    assert.ok(!history.includes(cardNumber), 'card number in history');
    assert.ok(!history.includes(`"${pin}"`), 'PIN in history');
  });

  test('set-PIN answering 5xx more often than one attempt rides through: retried (the same PIN twice is harmless), ACTIVE', async () => {
    // Regression (a full chaos run): four 5xx in a row ended the flow ProviderUnavailable.
    const { handle, pin } = await startActivation('pin-5xx');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const cardId = await cardIdOf(handle);
    life.kazepay.control.faults.script(
      'cardSetPin',
      'server-error',
      'server-error',
      'server-error',
      'server-error',
    );
    const code = life.kazepay.control.takeActivationCode(cardId);
    await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: code! }] });
    const result = await handle.result();
    assert.equal(result.outcome, 'ACTIVE');
    assert.ok(life.kazepay.control.pinMatches(cardId, pin), 'the PIN reached the card');
  });

  test('set-PIN: an attempt that dies after redeeming the PIN handle is retried with the PIN (even as a new activity execution); no other flow can redeem it; done, it is gone', async () => {
    const cardId = await activeCard('pin-retry');
    const activities = createActivities({
      kazepay: life.kazepayClientWith(),
      documents: life.documents,
      secrets: life.secrets,
    });
    const pin = '135790';
    const pinHandle = await life.secrets.put(pin, { purpose: 'pin' });
    const as = (activityId: string, attempt: number, workflowId = `activation:kazepay:${cardId}`) =>
      new MockActivityEnvironment({
        workflowExecution: { workflowId, runId: 'run-1' },
        activityType: 'kazepaySetPin',
        activityId,
        attempt,
      });
    // The first attempt redeems, then KazePay answers 5xx three times (ambiguous for a state
    // change): the attempt fails, as it would if its worker were killed at that moment.
    life.kazepay.control.faults.script('cardSetPin', 'server-error', 'server-error', 'server-error');
    await assert.rejects(
      as('9', 1).run(activities.kazepaySetPin, { cardId, pinHandle }),
      (e: unknown) => (e as Error).name === 'ProviderAmbiguousError',
    );
    await assert.rejects(
      as('9', 1, `activation:kazepay:someone-else`).run(activities.kazepaySetPin, { cardId, pinHandle }),
      (e: unknown) => (e as Error).name === 'SecretHandleAlreadyRedeemedError',
      'another flow cannot redeem it',
    );
    // The same step scheduled anew (a new activity id, as after a long retry backoff) still can.
    await as('10', 2).run(activities.kazepaySetPin, { cardId, pinHandle });
    assert.ok(life.kazepay.control.pinMatches(cardId, pin), 'the retry set the PIN');
    // Done, the value is gone. The completion of that attempt may still be lost: the step's next
    // attempt is told it is done and succeeds without sending the PIN again.
    const sent = () => life.kazepay.control.requests().filter((r) => r.apiCode === 'cardSetPin').length;
    const sentBefore = sent();
    await as('10', 3).run(activities.kazepaySetPin, { cardId, pinHandle });
    assert.equal(sent(), sentBefore, 'no PIN sent by the retry');
    await assert.rejects(
      as('11', 1, `activation:kazepay:someone-else`).run(activities.kazepaySetPin, { cardId, pinHandle }),
      (e: unknown) => (e as Error).name === 'SecretHandleAlreadyRedeemedError',
      'released once the PIN was set: nobody else can redeem it',
    );
  });

  test('set-PIN: refused for good, the handle is released; a retry of the step (its completion lost) fails the same way, not retryable, without sending', async () => {
    const cardId = await activeCard('pin-refused');
    const activities = createActivities({
      kazepay: life.kazepayClientWith(),
      documents: life.documents,
      secrets: life.secrets,
    });
    // Five digits: the client refuses it before anything is sent (a final refusal).
    const pinHandle = await life.secrets.put('13579', { purpose: 'pin' });
    const as = (attempt: number) =>
      new MockActivityEnvironment({
        workflowExecution: { workflowId: `activation:kazepay:${cardId}`, runId: 'run-1' },
        activityType: 'kazepaySetPin',
        activityId: '12',
        attempt,
      });
    const sent = () => life.kazepay.control.requests().filter((r) => r.apiCode === 'cardSetPin').length;
    const sentBefore = sent();
    await assert.rejects(
      as(1).run(activities.kazepaySetPin, { cardId, pinHandle }),
      (e: unknown) => (e as Error).name === 'ProviderValidationError',
    );
    await assert.rejects(as(2).run(activities.kazepaySetPin, { cardId, pinHandle }), (e: unknown) => {
      assert.ok(e instanceof ApplicationFailure, String(e));
      assert.equal(e.type, 'ProviderValidationError');
      assert.equal(e.nonRetryable, true);
      assert.doesNotMatch(e.message, /13579/);
      return true;
    });
    assert.equal(sent(), sentBefore, 'nothing sent');
  });

  test('assign: the answer lost and the reconciling read failing, the attempt fails retryably; the retry reads first and finds the card bound; one assignment sent', async () => {
    const { person } = await passedKyc('assign-lost');
    const cardNumber = life.kazepay.control.addPhysicalCard();
    const cardNumberHandle = await life.secrets.put(cardNumber, { purpose: 'card-number' });
    const activities = createActivities({
      kazepay: life.kazepayClientWith(),
      documents: life.documents,
      secrets: life.secrets,
    });
    const attempt = (n: number) =>
      new MockActivityEnvironment({
        workflowExecution: { workflowId: `activation:kazepay:assign-lost`, runId: 'run-1' },
        activityId: '3',
        attempt: n,
      });
    const input = { email: person.email, cardNumberHandle, autoActive: false };
    const sentAssigns = () =>
      life.kazepay.control.requests().filter((r) => r.apiCode === 'ucardAssign').length;
    const assignsBefore = sentAssigns();
    // The assignment applies but its answer is lost; the read that would tell answers 5xx.
    life.kazepay.control.faults.script('ucardAssign', 'applied-no-answer');
    life.kazepay.control.faults.script('getCardId', 'server-error');
    await assert.rejects(attempt(1).run(activities.kazepayAssignCard, input), (e: unknown) => {
      assert.equal((e as Error).name, 'ProviderRetryableError', (e as Error).message);
      assert.ok(!(e as Error).message.includes(cardNumber), 'no card number in the error');
      return true;
    });
    const { cardId } = (await attempt(2).run(activities.kazepayAssignCard, input)) as { cardId: string };
    assert.equal(sentAssigns() - assignsBefore, 1, 'the retry read the card instead of sending again');
    assert.equal(
      life.kazepay.control
        .requests()
        .filter((r) => r.apiCode === 'ucardAssign')
        .at(-1)?.outcome,
      'SUCCESS+fault:applied-no-answer',
    );
    assert.ok(cardId, 'the bound card id is answered');
  });

  test('a wrong code is reported with the attempts left, then the right code activates', async () => {
    const { handle } = await startActivation('act-wrong');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const cardId = await cardIdOf(handle);
    const wrong = await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: '000000' }] });
    assert.equal(wrong.accepted, false);
    assert.equal(wrong.attemptsLeft, 2);
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const code = life.kazepay.control.takeActivationCode(cardId) as string;
    assert.equal(
      (await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] })).accepted,
      true,
    );
    const result = await handle.result();
    assert.equal(result.codeAttempts, 2);
  });

  test('too many wrong codes end the flow with ActivationCodeAttemptsExhausted', async () => {
    const { handle } = await startActivation('act-exhaust', { maxCodeAttempts: 2 });
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    assert.equal(
      (await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: '000001' }] })).attemptsLeft,
      1,
    );
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    assert.equal(
      (await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: '000002' }] })).attemptsLeft,
      0,
    );
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ActivationCodeAttemptsExhausted');
    assert.equal((await handle.query(stateQuery)).state, 'FAILED_ACTIVATION_CODE');
  });

  test('a malformed code is refused by the update validator and never reaches the provider', async () => {
    const { handle } = await startActivation('act-malformed');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const before = life.kazepay.control.requests().filter((r) => r.apiCode === 'ucardActive').length;
    await assert.rejects(
      handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: 'a b' }] }),
      (e: unknown) => e instanceof WorkflowUpdateFailedError,
    );
    assert.equal(life.kazepay.control.requests().filter((r) => r.apiCode === 'ucardActive').length, before);
    await handle.cancel();
  });

  test('without passed KYC no card is assigned: PreconditionFailed', async () => {
    const person = applicant('act-nokyc');
    const customerRef = uniqueRef('cust');
    const requestRef = uniqueRef('act');
    const cardNumberHandle = await life.secrets.put(life.kazepay.control.addPhysicalCard(), {
      purpose: 'card-number',
    });
    const assignsBefore = life.kazepay.control.requests().filter((r) => r.apiCode === 'ucardAssign').length;
    const handle = await life.client.workflow.start('physicalCardActivation', {
      workflowId: workflowIds.physicalCardActivation('kazepay', customerRef, requestRef),
      taskQueue: TASK_QUEUE,
      args: [{ provider: 'kazepay', customerRef, requestRef, email: person.email, cardNumberHandle }],
    });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'PreconditionFailed');
    assert.equal(
      life.kazepay.control.requests().filter((r) => r.apiCode === 'ucardAssign').length,
      assignsBefore,
      'no assignment was sent',
    );
  });
});

function deposit(cardId: string, amount: string, extra: Partial<DepositInput> = {}) {
  const depositRef = uniqueRef('dep');
  return life.client.workflow.start('cardDeposit', {
    workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
    taskQueue: TASK_QUEUE,
    args: [{ provider: 'kazepay', cardRef: cardId, depositRef, amount, currency: 'USD', ...extra }],
  });
}

const recharges = (cardId: string) =>
  life.kazepay.control.ledger
    .entries({ kind: 'recharge' })
    .filter((e) =>
      [...life.kazepay.control.state.transactions.values()].some(
        (t) => t.transactionId === e.ref && t.cardID === cardId,
      ),
    );

describe('cardDeposit on KazePay: the precondition reads, one activity', () => {
  const asked = (apiCode: string) => life.kazepay.control.requests().filter((r) => r.apiCode === apiCode);

  test('the card status and the recharge snapshot are read in one activity, behind the precondition-reads-together patch', async () => {
    const cardId = await activeCard('dep-one-read');
    const handle = await deposit(cardId, '15.00');
    assert.equal((await handle.result()).outcome, 'SETTLED');
    const history = await handle.fetchHistory();
    const calls = activityCalls(history).map((c) => c.activityType);
    assert.equal(calls[0], 'kazepayDepositPreconditions');
    assert.equal(calls[1], 'kazepayRecharge');
    assert.equal(
      countCalls(history, 'kazepayCardStatus') + countCalls(history, 'kazepayRechargeSnapshot'),
      0,
    );
    assert.deepEqual(patchMarkers(history), [PRECONDITION_READS_PATCH]);
  });

  test('a card that is not ACTIVE: PreconditionFailed as before, no snapshot taken, nothing sent', async () => {
    const cardId = await activeCard('dep-inactive');
    await life.kazepayClientWith().updCardStatus({ cardID: cardId, status: 'INACTIVE' });
    const snapshotsBefore = asked('queryTransactions').length;
    const handle = await deposit(cardId, '15.00');
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'PreconditionFailed', failure.message);
    assert.equal(
      failure.message,
      `deposit in state FAILED_PRECONDITION: card ${cardId} is INACTIVE, not ACTIVE`,
    );
    assert.equal(asked('queryTransactions').length, snapshotsBefore, 'no snapshot read');
    assert.equal(recharges(cardId).length, 0, 'nothing sent');
    assert.equal((await handle.query(stateQuery)).state, 'FAILED_PRECONDITION');
  });

  test('the snapshot read answering 5xx: the activity is retried (the status read again), then settled once', async () => {
    const cardId = await activeCard('dep-snapshot-5xx');
    const statusReads = asked('queryCard').length;
    life.kazepay.control.faults.script('queryTransactions', 'server-error', 'server-error');
    const handle = await deposit(cardId, '16.00');
    assert.equal((await handle.result()).outcome, 'SETTLED');
    assert.ok(asked('queryCard').length - statusReads >= 3, 'the status read in each attempt');
    assert.equal(recharges(cardId).length, 1);
    const history = await handle.fetchHistory();
    assert.equal(
      countCalls(history, 'kazepayDepositPreconditions'),
      1,
      'one activity, retried by the server',
    );
  });
});

describe('cardDeposit and cardClosure on KazePay', () => {
  test('a deposit settles: the card holds the amount, the merchant paid it once', async () => {
    const cardId = await activeCard('dep-ok');
    const merchantBefore = life.kazepay.control.merchantBalance();
    const result = await (await deposit(cardId, '125.50')).result();
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(result.amount, '125.50');
    assert.equal(life.kazepay.control.cardBalance(cardId), '125.5');
    assert.equal(Number(merchantBefore) - Number(life.kazepay.control.merchantBalance()), 125.5);
    assert.equal(recharges(cardId).length, 1);
    assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
  });

  test('a failed deposit is reported FAILED and the merchant gets the money back', async () => {
    const cardId = await activeCard('dep-fail');
    const merchantBefore = life.kazepay.control.merchantBalance();
    life.kazepay.control.scriptRecharge({ outcome: 'failed' });
    const handle = await deposit(cardId, '40.00');
    const result = await handle.result();
    assert.equal(result.outcome, 'FAILED');
    assert.equal(life.kazepay.control.cardBalance(cardId), '0');
    assert.equal(life.kazepay.control.merchantBalance(), merchantBefore);
    assert.equal((await handle.query(stateQuery)).state, 'FAILED');
  });

  test('a recharge applied but unanswered is reconciled: one recharge, reported SETTLED with its transaction id', async () => {
    const cardId = await activeCard('dep-ambiguous');
    life.kazepay.control.faults.script('cardRecharge', 'applied-no-answer');
    const handle = await deposit(cardId, '60.00');
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    const entries = recharges(cardId);
    assert.equal(entries.length, 1, 'exactly one recharge reached the provider');
    assert.equal(result.providerTransactionId, entries[0]?.ref);
    assert.equal(life.kazepay.control.cardBalance(cardId), '60');
    const history = await handle.fetchHistory();
    assert.equal(countCalls(history, 'kazepayFindRecharge'), 1, 'the flow read the provider before deciding');
  });

  test('settlement polling rides out a long stretch of 5xx', async () => {
    const cardId = await activeCard('dep-5xx');
    life.kazepay.control.scriptRecharge({ pendingPolls: 2 });
    life.kazepay.control.faults.setRates({ serverErrorRate: 1 }, 'queryTransactions');
    const failedReads = () =>
      life.kazepay.control.faults.history.filter((h) => h.operation === 'queryTransactions').length;
    const handle = await deposit(cardId, '10.00');
    // Time skips only while a result is awaited: await it while the provider keeps failing.
    const settled = handle.result();
    for (let i = 0; i < 400 && failedReads() < 10; i++) await new Promise((r) => setTimeout(r, 10));
    const failedPolls = failedReads();
    life.kazepay.control.faults.clear();
    const result = await settled;
    assert.equal(result.outcome, 'SETTLED');
    assert.ok(failedPolls >= 10, `the provider failed ${failedPolls} reads`);
    assert.equal(recharges(cardId).length, 1);
  });

  test('closing a card returns its balance to the merchant and records the refund', async () => {
    const cardId = await activeCard('close-ok');
    await (await deposit(cardId, '75.25')).result();
    const merchantBefore = life.kazepay.control.merchantBalance();
    const input: ClosureInput = { provider: 'kazepay', cardRef: cardId };
    const handle = await life.client.workflow.start('cardClosure', {
      workflowId: workflowIds.cardClosure('kazepay', cardId),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
    const result = await handle.result();
    assert.equal(result.outcome, 'CLOSED');
    assert.equal(result.refundAmount, '75.25');
    assert.equal(life.kazepay.control.cardBalance(cardId), '0');
    assert.equal(Number(life.kazepay.control.merchantBalance()) - Number(merchantBefore), 75.25);
    assert.ok(result.providerTransactionId);
    assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
  });

  test('a close applied but unanswered is reconciled from the card and its refund row: one refund', async () => {
    const cardId = await activeCard('close-ambiguous');
    await (await deposit(cardId, '20.00')).result();
    life.kazepay.control.faults.script('closeCard', 'applied-no-answer');
    const closesBefore = life.kazepay.control.requests().filter((r) => r.apiCode === 'closeCard').length;
    const result = await life.client.workflow.execute('cardClosure', {
      workflowId: workflowIds.cardClosure('kazepay', cardId),
      taskQueue: TASK_QUEUE,
      args: [{ provider: 'kazepay', cardRef: cardId }],
    });
    assert.equal(result.outcome, 'CLOSED');
    assert.ok(new Decimal(result.refundAmount).equals('20'), `refund ${result.refundAmount}`);
    const closes =
      life.kazepay.control.requests().filter((r) => r.apiCode === 'closeCard').length - closesBefore;
    assert.equal(closes, 1, 'closeCard was sent once');
  });
});
