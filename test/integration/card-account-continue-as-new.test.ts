// cardAccount stays small: when the server suggests it, the account continues as new once the
// updates it accepted have finished, carrying its state. A dev server with a low suggestion
// threshold makes that happen after a few deposits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cardAccountStateQuery, Decimal, depositUpdate, TASK_QUEUE, workflowIds } from '../../src/contract';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startDevServerEnv(['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=25']);
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

test('the account continues as new with deposits in flight, losing none and keeping its totals', async () => {
  const cardId = await kazepayFlows(life).activeCard('acct-can');
  const handle = await life.client.workflow.start('cardAccount', {
    workflowId: workflowIds.cardAccount('kazepay', cardId),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        customerRef: uniqueRef('cust'),
        currency: 'USD',
        settlement: { pollInterval: '100ms' },
      },
    ],
  });
  const firstRunId = handle.firstExecutionRunId;
  const amounts = ['10.00', '11.00', '12.00', '13.00', '14.00', '15.00'];
  // Three at once, twice: updates arrive while earlier ones still run.
  const results = [];
  for (const batch of [amounts.slice(0, 3), amounts.slice(3)]) {
    results.push(
      ...(await Promise.all(
        batch.map((amount) =>
          handle.executeUpdate(depositUpdate, { args: [{ depositRef: uniqueRef('d'), amount }] }),
        ),
      )),
    );
  }
  assert.deepEqual(
    results.map((r) => r.outcome),
    amounts.map(() => 'SETTLED'),
  );

  const latest = await life.client.workflow.getHandle(handle.workflowId).describe();
  assert.notEqual(latest.runId, firstRunId, 'the account continued as new');
  assert.equal(latest.status.name, 'RUNNING');
  const first = await life.client.workflow.getHandle(handle.workflowId, firstRunId).describe();
  assert.equal(first.status.name, 'CONTINUED_AS_NEW');

  const status = await life.client.workflow.getHandle(handle.workflowId).query(cardAccountStateQuery);
  assert.equal(status.depositsSettled, amounts.length, 'every deposit counted across runs');
  assert.ok(new Decimal(status.totalDeposited).equals('75'));
  assert.equal(life.kazepay.control.cardBalance(cardId), '75');
  const firstHistory = await life.client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
  assert.ok((firstHistory.events?.length ?? 0) < 120, `first run: ${firstHistory.events?.length} events`);
  await life.client.workflow.getHandle(handle.workflowId).cancel();
});
