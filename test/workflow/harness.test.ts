import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CardState } from '../../src/contract/search-attributes';
import { createHarnessActivities } from '../fixtures/harness-activities';
import { bundleOnce, startTimeSkippingEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTimeSkippingEnv();
});
after(async () => {
  await env?.teardown();
});

test('time-skipping server: a 30-day durable timer completes in seconds of real time', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'harness-ts',
    workflowBundle: await bundleOnce(require.resolve('../fixtures/workflows/harness-workflows')),
    activities: createHarnessActivities(),
  });
  const thirtyDaysMs = 30 * 24 * 3600 * 1000;
  const started = Date.now();
  const before = await env.currentTimeMs();
  const result = await worker.runUntil(
    env.client.workflow.execute('harnessTimer', {
      workflowId: 'harness-timer-ts',
      taskQueue: 'harness-ts',
      args: [thirtyDaysMs],
      typedSearchAttributes: [{ key: CardState, value: 'STARTED' }],
    }),
  );
  assert.equal(result, `harness-timer-ts waited ${thirtyDaysMs} ms`);
  assert.ok((await env.currentTimeMs()) - before >= thirtyDaysMs, 'server clock moved past the timer');
  assert.ok(Date.now() - started < 30_000, 'the timer was skipped, not waited out');
});
