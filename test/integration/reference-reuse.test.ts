// A reference is burnt only when something may have moved (issue 18): a deposit that failed before
// any request reached the provider may be started again under its depositRef, through the API,
// the typed client and the card account; a deposit that failed after a send, and a cancelled
// one, keep the reference. On the dev server with the KazePay sandbox, counted on its ledger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type DepositInput, stateQuery, workflowIds } from '../../src/contract';
import { createCardflowClient } from '../../src/client';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { type ApiUnderTest, startApi } from './api/helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
let flows: ReturnType<typeof kazepayFlows>;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
  flows = kazepayFlows(life);
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

const recharges = () => life.kazepay.control.requests().filter((r) => r.apiCode === 'cardRecharge').length;
const setCardStatus = (cardId: string, status: 'ACTIVE' | 'INACTIVE') =>
  life.kazepayClientWith().updCardStatus({ cardID: cardId, status });

const depositOf = (cardId: string, depositRef: string, amount: string): DepositInput => ({
  provider: 'kazepay',
  cardRef: cardId,
  depositRef,
  amount,
  currency: 'USD',
  settlement: { pollInterval: '100ms' },
});

/** The failure a flow ended with (its contract type), or a test failure if it did not fail. */
async function failureType(workflowId: string): Promise<string | undefined> {
  try {
    await life.client.workflow.getHandle(workflowId).result();
  } catch (error) {
    assert.ok(error instanceof WorkflowFailedError, String(error));
    return (error.cause as { type?: string } | undefined)?.type;
  }
  assert.fail(`${workflowId} did not fail`);
}

/** A deposit on a frozen card: refused by the flow's own check, before any recharge is sent. */
async function failedBeforeSending(cardId: string, depositRef: string, amount: string) {
  await setCardStatus(cardId, 'INACTIVE');
  const first = await api.call('POST', '/flows/deposit', depositOf(cardId, depositRef, amount));
  assert.equal(first.status, 201, first.text);
  assert.equal(await failureType(first.body.workflowId), 'PreconditionFailed');
  await setCardStatus(cardId, 'ACTIVE');
  return first.body.workflowId as string;
}

describe('a reference is freed by a failure before anything was sent', () => {
  test('API: the corrected retry with the same depositRef starts again and settles once', async () => {
    const cardId = await flows.activeCard('reuse-api');
    const depositRef = uniqueRef('dep');
    const sentBefore = recharges();
    const workflowId = await failedBeforeSending(cardId, depositRef, '5.00');
    assert.equal(recharges(), sentBefore, 'nothing sent by the refused deposit');
    // Corrected (card unfrozen, another amount): a new run under the same id.
    const retry = await api.call('POST', '/flows/deposit', depositOf(cardId, depositRef, '6.00'));
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body.workflowId, workflowId);
    assert.equal(retry.body.started, true);
    const result = await life.client.workflow.getHandle(workflowId).result();
    assert.equal(result.outcome, 'SETTLED');
    // The settled run keeps the reference from now on: a repeat answers it, moves nothing.
    const repeat = await api.call('POST', '/flows/deposit', depositOf(cardId, depositRef, '6.00'));
    assert.equal(repeat.status, 200, repeat.text);
    assert.equal(repeat.body.started, false);
    assert.equal(repeat.body.status, 'COMPLETED');
    assert.equal(recharges() - sentBefore, 1, 'one recharge');
    assert.equal(life.kazepay.control.cardBalance(cardId), '6');
  });

  test('typed client: the same deposit again after the card was unfrozen settles once', async () => {
    const cardId = await flows.activeCard('reuse-client');
    const cardflow = createCardflowClient({ client: life.client });
    const depositRef = uniqueRef('dep');
    const sentBefore = recharges();
    await setCardStatus(cardId, 'INACTIVE');
    const first = await cardflow.startDeposit(depositOf(cardId, depositRef, '7.00'));
    await assert.rejects(first.result(), WorkflowFailedError);
    await setCardStatus(cardId, 'ACTIVE');
    const again = await cardflow.startDeposit(depositOf(cardId, depositRef, '7.00'));
    assert.equal((await again.result()).outcome, 'SETTLED');
    assert.equal(recharges() - sentBefore, 1);
    assert.equal(life.kazepay.control.cardBalance(cardId), '7');
  });

  test('card account: a depositRef whose direct flow failed before sending is deposited by the account', async () => {
    const cardId = await flows.activeCard('reuse-account');
    const cardflow = createCardflowClient({ client: life.client });
    const depositRef = uniqueRef('dep');
    const sentBefore = recharges();
    await failedBeforeSending(cardId, depositRef, '4.00');
    const account = {
      provider: 'kazepay' as const,
      cardRef: cardId,
      customerRef: uniqueRef('cust'),
      currency: 'USD',
      settlement: { pollInterval: '100ms' },
    };
    const result = await cardflow.accountDeposit(account, { depositRef, amount: '4.00' });
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(recharges() - sentBefore, 1);
    assert.equal(life.kazepay.control.cardBalance(cardId), '4');
    await cardflow.cardAccount({ provider: 'kazepay', cardRef: cardId }).handle.cancel();
  });

  test('typed client: an issuance refused by its own check is started again under its requestRef, once', async () => {
    const cardflow = createCardflowClient({ client: life.client });
    const input = {
      provider: 'wasabi' as const,
      customerRef: uniqueRef('cust'),
      requestRef: uniqueRef('req'),
      cardTypeId: '111002',
      order: { pollInterval: '100ms' },
    };
    const orders = () => life.wasabi.control.state().orders.length;
    const ordersBefore = orders();
    // Below the card type's minimum first deposit (10): refused before any order is sent.
    const first = await cardflow.startIssuance({ ...input, initialDeposit: '5' });
    assert.equal(await failureType(first.workflowId), 'ValidationFailed');
    assert.equal(orders(), ordersBefore);
    const corrected = await cardflow.startIssuance({ ...input, initialDeposit: '15' });
    assert.equal(corrected.workflowId, first.workflowId);
    assert.equal((await corrected.result()).outcome, 'ISSUED');
    assert.equal(orders() - ordersBefore, 1, 'one card order');
  });
});

describe('a reference stays burnt once something may have moved, or the flow was cancelled', () => {
  test('a deposit that failed after its recharge was sent: 409 for another amount, the failure for the same', async () => {
    const cardId = await flows.activeCard('burnt-sent');
    const cardflow = createCardflowClient({ client: life.client });
    const depositRef = uniqueRef('dep');
    const sentBefore = recharges();
    const input = {
      ...depositOf(cardId, depositRef, '3.00'),
      settlement: { deadline: '1s', pollInterval: '100ms' },
    };
    // A day of sandbox time (about 15 min at the tests' time scale): still pending at the deadline.
    const workflowId = await life.withKazepayTimings({ rechargeSettleMs: 24 * 3600_000 }, async () => {
      const first = await api.call('POST', '/flows/deposit', input);
      assert.equal(first.status, 201, first.text);
      assert.equal(await failureType(first.body.workflowId), 'DeadlineExceeded');
      return first.body.workflowId as string;
    });
    assert.equal(recharges() - sentBefore, 1);
    const other = await api.call('POST', '/flows/deposit', { ...input, amount: '2.00' });
    assert.equal(other.status, 409, other.text);
    const same = await api.call('POST', '/flows/deposit', input);
    assert.equal(same.status, 200, same.text);
    assert.deepEqual([same.body.started, same.body.status], [false, 'FAILED']);
    const viaClient = await cardflow.startDeposit(input);
    await assert.rejects(viaClient.result(), WorkflowFailedError);
    assert.equal((await life.client.workflow.getHandle(workflowId).describe()).status.name, 'FAILED');
    assert.equal(recharges() - sentBefore, 1, 'never sent again');
  });

  test('a deposit cancelled before anything was sent keeps its reference', async () => {
    const cardId = await flows.activeCard('burnt-cancelled');
    const cardflow = createCardflowClient({ client: life.client });
    const depositRef = uniqueRef('dep');
    const sentBefore = recharges();
    // The card read keeps failing: the flow waits in CHECKING until it is cancelled.
    life.kazepay.control.faults.setRates({ serverErrorRate: 1 }, 'queryCard');
    let workflowId: string;
    try {
      const first = await api.call('POST', '/flows/deposit', depositOf(cardId, depositRef, '2.00'));
      assert.equal(first.status, 201, first.text);
      workflowId = first.body.workflowId;
      const handle = life.client.workflow.getHandle(workflowId);
      assert.equal((await handle.query(stateQuery)).state, 'CHECKING');
      await handle.cancel();
      await assert.rejects(handle.result(), WorkflowFailedError);
    } finally {
      life.kazepay.control.faults.setRates({}, 'queryCard');
    }
    const again = await api.call('POST', '/flows/deposit', depositOf(cardId, depositRef, '2.00'));
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.started, again.body.status], [false, 'CANCELLED']);
    const viaClient = await cardflow.startDeposit(depositOf(cardId, depositRef, '2.00'));
    assert.equal(viaClient.workflowId, workflowIds.cardDeposit('kazepay', cardId, depositRef));
    assert.equal((await viaClient.handle.describe()).status.name, 'CANCELLED');
    assert.equal(recharges() - sentBefore, 0);
  });
});
