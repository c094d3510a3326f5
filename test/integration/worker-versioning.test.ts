// Worker Versioning on the dev server. First, the product bundle (with its versioning behaviours)
// on an unversioned worker, as the dev stack runs it: the server refuses a behaviour from a worker
// without a deployment version, so the bundle must declare none there. Then the scenario of
// test/helpers/worker-versioning-scenario.ts (a pinned deposit finishes on v1 while v2 serves new
// flows, an auto-upgrading KYC moves to v2, `cardflow deploy drain-status v1` reports drained).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type DepositInput, TASK_QUEUE, workflowIds } from '../../src/contract';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyDataConverter } from '../helpers/test-data-converter';
import { openCard } from '../helpers/wasabi-flows';
import { runWorkerVersioningScenario } from '../helpers/worker-versioning-scenario';

let env: TestWorkflowEnvironment;

before(async () => {
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
});
after(async () => {
  await env?.teardown();
});

// Runs before any version is made current: afterwards the task queue routes to versioned workers.
test('an unversioned worker runs the product bundle: a deposit completes', { timeout: 90_000 }, async () => {
  const life = await LifecycleEnv.start(env, { dataConverter: testOnlyDataConverter() });
  try {
    const cardNo = await openCard(life, '111002', '50');
    const input: DepositInput = {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: uniqueRef('dep'),
      amount: '25',
      currency: 'USD',
      settlement: { deadline: '1h', pollInterval: '200ms' },
    };
    const handle = await env.client.workflow.start('cardDeposit', {
      workflowId: workflowIds.cardDeposit('wasabi', cardNo, input.depositRef),
      taskQueue: TASK_QUEUE,
      args: [input],
      workflowExecutionTimeout: '60s',
    });
    assert.equal((await handle.result()).outcome, 'SETTLED');
    const { raw } = await handle.describe();
    assert.equal(raw.workflowExecutionInfo?.versioningInfo ?? null, null, 'no versioning info');
  } finally {
    await life.close();
  }
});

test(
  'pinned flows finish on v1, new ones run v2, auto-upgrade flows move to v2, v1 drains',
  { timeout: 180_000 },
  async () => {
    const figures = await runWorkerVersioningScenario(env, (line) => console.log(`[versioning] ${line}`));
    console.log(`[versioning] ${JSON.stringify(figures)}`);
  },
);
