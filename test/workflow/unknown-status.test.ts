// Unknown means unknown at the deadline (issue 16): when a money-moving wait (deposit, closure,
// WasabiCard card order) reaches its deadline and the provider's last answer was a status the
// profile does not know, the flow stops in NEEDS_RECONCILIATION for a person, never as
// DeadlineExceeded. The sandboxes answer under names the engine is not configured for: KazePay's
// `statusNames` (a settled recharge is "COMPLETED", a closed card "CLOSE_DONE") and WasabiCard's
// `orderStatusNames` switch (a finished order is "succeeded").
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type ClosureResult,
  type DepositResult,
  type IssuanceResult,
  resolveOutcomeUpdate,
  stateQuery,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import { failureOf, openCard, startFlow, untilState } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let kazepay: ReturnType<typeof kazepayFlows>;

before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env, {
    clientTimeoutMs: 1000,
    kazepay: { statusNames: { transactionSuccess: 'COMPLETED', cardClosed: 'CLOSE_DONE' } },
  });
  kazepay = kazepayFlows(life);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});
afterEach(() => life.wasabi.control.setSwitches({ orderStatusNames: {} }));

/** The states a flow passed through, from its search-attribute upserts. */
async function statesOf(handle: WorkflowHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  const states: string[] = [];
  for (const e of events ?? []) {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    const data = fields?.CardState?.data;
    if (data) states.push(...[JSON.parse(Buffer.from(data).toString('utf8')) as string | string[]].flat());
  }
  return states;
}

function kazepayDeposit(cardId: string, settlement: { deadline: string; pollInterval: string }) {
  const depositRef = uniqueRef('dep');
  return life.client.workflow.start('cardDeposit', {
    workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        depositRef,
        amount: '7.00',
        currency: 'USD',
        settlement,
        reconcile: { resolveWithin: '2d' },
      },
    ],
  });
}

describe('KazePay: an unknown status at the deadline', () => {
  test('a recharge settled as "COMPLETED" (not a configured name): OutcomeUnknown after NEEDS_RECONCILIATION, not DeadlineExceeded', async () => {
    const cardId = await kazepay.activeCard('unknown-settle');
    const handle = await kazepayDeposit(cardId, { deadline: '3h', pollInterval: '10m' });
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'OutcomeUnknown', failure.message);
    assert.match(failure.message, /COMPLETED/);
    assert.ok((await statesOf(handle)).includes('NEEDS_RECONCILIATION'));
    assert.equal((await handle.query(stateQuery)).state, 'FAILED_OUTCOME_UNKNOWN');
  });

  test('a close that ends as "CLOSE_DONE": NEEDS_RECONCILIATION, and an operator resolving it as applied closes the flow', async () => {
    const cardId = await kazepay.activeCard('unknown-close');
    const handle = await life.client.workflow.start('cardClosure', {
      workflowId: workflowIds.cardClosure('kazepay', cardId),
      taskQueue: TASK_QUEUE,
      args: [{ provider: 'kazepay', cardRef: cardId, completion: { deadline: '3s', pollInterval: '200ms' } }],
    });
    await untilState(handle, 'NEEDS_RECONCILIATION');
    assert.match((await handle.query(stateQuery)).detail ?? '', /CLOSE_DONE/);
    await handle.executeUpdate(resolveOutcomeUpdate, {
      args: [{ applied: true, note: 'closed in the portal' }],
    });
    const result: ClosureResult = await handle.result();
    assert.equal(result.outcome, 'CLOSED');
    assert.equal(result.cardRef, cardId);
  });
});

describe('WasabiCard: an unknown order status at the deadline', () => {
  test('a deposit order answered "succeeded": OutcomeUnknown after NEEDS_RECONCILIATION, not DeadlineExceeded', async () => {
    const cardNo = await openCard(life, '111002', '10');
    life.wasabi.control.setSwitches({ orderStatusNames: { success: 'succeeded' } });
    const depositRef = uniqueRef('dep');
    const handle: WorkflowHandle = await startFlow(
      life,
      'cardDeposit',
      workflowIds.cardDeposit('wasabi', cardNo, depositRef),
      {
        provider: 'wasabi',
        cardRef: cardNo,
        depositRef,
        amount: '20',
        currency: 'USD',
        settlement: { deadline: '3h', pollInterval: '10m' },
        reconcile: { resolveWithin: '2d' },
      },
    );
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'OutcomeUnknown', failure.message);
    assert.match(failure.message, /succeeded/);
    assert.ok((await statesOf(handle)).includes('NEEDS_RECONCILIATION'));
  });

  test('a card order answered "succeeded": NEEDS_RECONCILIATION; resolved as applied, the card is issued', async () => {
    life.wasabi.control.setSwitches({ orderStatusNames: { success: 'succeeded' } });
    const customerRef = uniqueRef('cust');
    const requestRef = uniqueRef('req');
    const handle: WorkflowHandle = await startFlow(
      life,
      'virtualCardIssuance',
      workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef),
      {
        provider: 'wasabi',
        customerRef,
        requestRef,
        cardTypeId: '111002',
        initialDeposit: '25',
        order: { deadline: '3s', pollInterval: '200ms' },
      },
    );
    await untilState(handle, 'NEEDS_RECONCILIATION');
    await handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: true }] });
    const result: IssuanceResult = await handle.result();
    assert.equal(result.outcome, 'ISSUED');
    assert.ok(result.cardRef, 'the issued card is named');
  });

  test('a cancel order answered "succeeded", resolved as not applied: the closure fails as rejected, never CLOSED', async () => {
    const cardNo = await openCard(life, '111002', '10');
    life.wasabi.control.setSwitches({ orderStatusNames: { success: 'succeeded' } });
    const handle: WorkflowHandle = await startFlow(
      life,
      'cardClosure',
      workflowIds.cardClosure('wasabi', cardNo),
      { provider: 'wasabi', cardRef: cardNo, completion: { deadline: '3s', pollInterval: '200ms' } },
    );
    await untilState(handle, 'NEEDS_RECONCILIATION');
    await handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: false }] });
    const failure = await failureOf(handle.result() as Promise<DepositResult>);
    assert.equal(failure.type, 'ProviderRejected', failure.message);
  });
});
