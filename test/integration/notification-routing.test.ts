// A provider notification wakes only the wait it is about (issue 15): a KazePay deposit polled
// hourly ignores a notification about another transaction of its card (no read at the provider)
// and ends at once on the one about its own.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { providerNotificationSignal, stateQuery, TASK_QUEUE, workflowIds } from '../../src/contract';
import { kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

const transactionReads = () =>
  life.kazepay.control.requests().filter((r) => r.apiCode === 'queryTransactions').length;

test('a notification about another transaction of the card does not wake the settlement wait', async () => {
  const cardId = await kazepayFlows(life).activeCard('routing');
  await life.withKazepayTimings({ rechargeSettleMs: 3_600_000 }, async () => {
    const depositRef = uniqueRef('dep');
    const handle = await life.client.workflow.start('cardDeposit', {
      workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
      taskQueue: TASK_QUEUE,
      args: [
        {
          provider: 'kazepay',
          cardRef: cardId,
          depositRef,
          amount: '4.00',
          currency: 'USD',
          settlement: { pollInterval: '1h' },
        },
      ],
    });
    await waitForState(handle, 'WAITING_FOR_SETTLEMENT');
    const { detail } = await handle.query(stateQuery);
    const transactionId = /transaction (\S+)/.exec(detail ?? '')?.[1];
    assert.ok(transactionId, `the state names the transaction: ${detail}`);
    // Let the first poll attempt happen, then count reads from here on.
    await new Promise((r) => setTimeout(r, 500));
    const before = transactionReads();
    await handle.signal(providerNotificationSignal, {
      event: 'rechargeNotify',
      key: `${cardId}/not-this-one`,
      status: 'SUCCESS',
    });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(transactionReads(), before, 'no read for a notification about another transaction');
    assert.equal((await handle.query(stateQuery)).state, 'WAITING_FOR_SETTLEMENT');

    await life.kazepay.control.advance();
    await handle.signal(providerNotificationSignal, {
      event: 'rechargeNotify',
      key: `${cardId}/${transactionId}`,
      status: 'SUCCESS',
    });
    const result = await handle.result();
    assert.equal(result.outcome, 'SETTLED');
    assert.ok(transactionReads() > before, 'its own notification made it read');
  });
});
