// Money moves exactly once (issue 15): a card's operations never overlap at the provider, and a
// deposit reference moves money at most once whichever door it comes through. On the dev server
// with the KazePay sandbox; the checks read the sandbox's own ledger and the account's history.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  cardAccountStateQuery,
  type DepositInput,
  depositUpdate,
  resolveOutcomeUpdate,
  stateQuery,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { createCardflowClient, DepositConflictError } from '../../src/client';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

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

const accountInput = (cardId: string) => ({
  provider: 'kazepay' as const,
  cardRef: cardId,
  customerRef: uniqueRef('cust'),
  currency: 'USD',
  settlement: { pollInterval: '100ms' },
  completion: { pollInterval: '100ms' },
});

async function account(tag: string) {
  const cardId = await flows.activeCard(tag);
  const input = accountInput(cardId);
  const handle = await life.client.workflow.start('cardAccount', {
    workflowId: workflowIds.cardAccount('kazepay', cardId),
    taskQueue: TASK_QUEUE,
    args: [input],
  });
  return { cardId, handle, input };
}

/** The most child deposit flows the account had open at once, from its own history. */
async function mostOpenChildren(handle: Awaited<ReturnType<typeof account>>['handle']): Promise<number> {
  const history = await handle.fetchHistory();
  let open = 0;
  let most = 0;
  for (const event of history.events ?? []) {
    if (event.childWorkflowExecutionStartedEventAttributes) most = Math.max(most, ++open);
    if (
      event.childWorkflowExecutionCompletedEventAttributes ||
      event.childWorkflowExecutionFailedEventAttributes ||
      event.childWorkflowExecutionTimedOutEventAttributes ||
      event.childWorkflowExecutionCanceledEventAttributes ||
      event.childWorkflowExecutionTerminatedEventAttributes
    )
      open--;
  }
  return most;
}

describe('exactly once', () => {
  test('queued account deposits run one at a time: never two deposit flows open at once', async () => {
    const { cardId, handle } = await account('fifo');
    await life.withKazepayTimings({ rechargeSettleMs: 40_000 }, async () => {
      const deposits = ['3.00', '4.00', '5.00'].map((amount) =>
        handle.executeUpdate(depositUpdate, { args: [{ depositRef: uniqueRef('fifo'), amount }] }),
      );
      const results = await Promise.all(deposits);
      assert.deepEqual(
        results.map((r) => r.outcome),
        ['SETTLED', 'SETTLED', 'SETTLED'],
      );
    });
    assert.equal(await mostOpenChildren(handle), 1);
    assert.equal(life.kazepay.control.cardBalance(cardId), '12');
    await handle.cancel();
  });

  test('a deposit ref started directly, then through the account: money moves once, the first outcome returned', async () => {
    const { cardId, handle, input } = await account('direct-then-account');
    const cardflow = createCardflowClient({ client: life.client });
    const depositRef = uniqueRef('dep');
    const direct = await cardflow.startDeposit({
      provider: 'kazepay',
      cardRef: cardId,
      depositRef,
      amount: '10.00',
      currency: 'USD',
      settlement: { pollInterval: '100ms' },
    });
    const first = await direct.result();
    assert.equal(first.outcome, 'SETTLED');
    const again = await cardflow.accountDeposit(input, { depositRef, amount: '10.00' });
    assert.equal(again.providerTransactionId, first.providerTransactionId);
    assert.equal(again.outcome, 'SETTLED');
    assert.equal(life.kazepay.control.cardBalance(cardId), '10');
    // The same ref with another amount is a conflict at every door, and moves nothing.
    await assert.rejects(cardflow.accountDeposit(input, { depositRef, amount: '11.00' }), (e: unknown) => {
      assert.ok(e instanceof WorkflowUpdateFailedError, String(e));
      assert.match(String(e.cause?.message), /already used.*10/);
      return true;
    });
    await assert.rejects(
      cardflow.startDeposit({
        provider: 'kazepay',
        cardRef: cardId,
        depositRef,
        amount: '11.00',
        currency: 'USD',
      }),
      DepositConflictError,
    );
    assert.equal(life.kazepay.control.cardBalance(cardId), '10');
    await handle.cancel();
  });

  test('two account updates with one ref, queued together: money moves once', async () => {
    const { cardId, handle } = await account('same-ref-queued');
    const depositRef = uniqueRef('dep');
    await life.withKazepayTimings({ rechargeSettleMs: 40_000 }, async () => {
      // Raw updates with different update ids, as a caller without the typed client may send.
      const [a, b] = await Promise.all([
        handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '7.00' }] }),
        handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '7.00' }] }),
      ]);
      assert.equal(a.providerTransactionId, b.providerTransactionId);
    });
    assert.equal(life.kazepay.control.cardBalance(cardId), '7');
    const status = await handle.query(cardAccountStateQuery);
    assert.equal(status.depositsSettled, 1);
    await handle.cancel();
  });
});

describe('an unknown outcome is reconciled, never resent blind', () => {
  const recharges = () => life.kazepay.control.requests().filter((r) => r.apiCode === 'cardRecharge').length;

  async function untilState(handle: WorkflowHandle, state: string, withinMs: number) {
    const end = Date.now() + withinMs;
    while (Date.now() < end) {
      if ((await handle.query(stateQuery)).state === state) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`never reached ${state} in ${withinMs} ms (is ${(await handle.query(stateQuery)).state})`);
  }

  async function startDeposit(cardId: string, amount: string, settle: string) {
    const depositRef = uniqueRef('late');
    const input: DepositInput = {
      provider: 'kazepay',
      cardRef: cardId,
      depositRef,
      amount,
      currency: 'USD',
      settlement: { pollInterval: '100ms' },
      reconcile: { settle },
    };
    return life.client.workflow.start('cardDeposit', {
      workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
      taskQueue: TASK_QUEUE,
      args: [input],
    });
  }

  test('a recharge that lands after the client gave up is found by the settled read, not sent again', async () => {
    const cardId = await flows.activeCard('late-apply');
    const before = recharges();
    // The client gives up at 2 s; the recharge lands at 3 s; the first read comes at 2 s + 4 s.
    life.kazepay.control.faults.setRates({ lateApplyRate: 1, lateApplyMs: 3000 }, 'cardRecharge');
    try {
      const handle = await startDeposit(cardId, '15.00', '4s');
      const result = await handle.result();
      assert.equal(result.outcome, 'SETTLED');
    } finally {
      life.kazepay.control.faults.setRates({}, 'cardRecharge');
    }
    assert.equal(recharges() - before, 1, 'one recharge request');
    assert.equal(life.kazepay.control.cardBalance(cardId), '15');
    assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);
  });

  test('when the reads find nothing after every send, the flow waits in NEEDS_RECONCILIATION for an operator', async () => {
    const cardId = await flows.activeCard('needs-person');
    const before = recharges();
    // Requests that never land (lost inside the provider): every send ends without an answer.
    life.kazepay.control.faults.setRates({ lateApplyRate: 1, lateApplyMs: 1e9 }, 'cardRecharge');
    let handle: Awaited<ReturnType<typeof startDeposit>>;
    try {
      handle = await startDeposit(cardId, '8.00', '500ms');
      await untilState(handle, 'NEEDS_RECONCILIATION', 60_000);
    } finally {
      life.kazepay.control.faults.setRates({}, 'cardRecharge');
    }
    assert.equal(recharges() - before, 5, 'five sends, each after two reads showed nothing');
    const described = await handle.describe();
    assert.equal(described.searchAttributes.CardState?.[0], 'NEEDS_RECONCILIATION');
    // "applied" needs the provider's transaction id for a recharge: refused at the door.
    await assert.rejects(
      handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: true }] }),
      (e: unknown) => {
        assert.ok(e instanceof WorkflowUpdateFailedError, String(e));
        assert.match(String(e.cause?.message), /transactionId: required/);
        return true;
      },
    );
    // The operator checked KazePay's back office: nothing arrived. The flow sends again.
    const cardflow = createCardflowClient({ client: life.client });
    assert.deepEqual(
      await cardflow.resolveOutcome(handle.workflowId, { applied: false, note: 'checked by ops' }),
      {
        accepted: true,
      },
    );
    // A second answer is refused (nothing awaits one, or the flow has ended).
    await assert.rejects(
      cardflow.resolveOutcome(handle.workflowId, { applied: false }),
      WorkflowUpdateFailedError,
    );
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    assert.equal(life.kazepay.control.cardBalance(cardId), '8');
    assert.match((await handle.query(stateQuery)).state, /SETTLED/);
  });
});

describe('reconciliation does not depend on a guessed label', () => {
  test('a lost recharge answer whose row KazePay labels otherwise is never sent again: a person decides', async () => {
    // The worker expects recharge rows labelled "TopUp"; the sandbox labels them its own way.
    const dev = await startDevServerEnv();
    const other = await LifecycleEnv.start(dev, { kazepayConventions: { rechargeTransType: 'TopUp' } });
    try {
      const cardId = await kazepayFlows(other).activeCard('label');
      const count = () => other.kazepay.control.requests().filter((r) => r.apiCode === 'cardRecharge').length;
      other.kazepay.control.faults.script('cardRecharge', 'applied-no-answer');
      const depositRef = uniqueRef('label');
      const handle = await other.client.workflow.start('cardDeposit', {
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
            reconcile: { settle: '300ms' },
          } satisfies DepositInput,
        ],
      });
      for (let i = 0; (await handle.query(stateQuery)).state !== 'NEEDS_RECONCILIATION'; i++) {
        assert.ok(i < 300, `never needed a person (is ${(await handle.query(stateQuery)).state})`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match((await handle.query(stateQuery)).detail ?? '', /labelled .* not "TopUp"/);
      assert.equal(count(), 1, 'sent once');
      assert.equal(other.kazepay.control.cardBalance(cardId), '9');
      await handle.terminate('test over');
    } finally {
      await other.close();
      await dev.teardown();
    }
  });
});
