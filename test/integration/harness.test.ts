import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CardFlow, CardState } from '../../src/contract/search-attributes';
import { createHarnessActivities } from '../fixtures/harness-activities';
import { bundleOnce, startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startDevServerEnv();
});
after(async () => {
  await env?.teardown();
});

test('dev server: a workflow runs end to end and its search attributes are registered and searchable', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'harness-dev',
    workflowBundle: await bundleOnce(require.resolve('../fixtures/workflows/harness-workflows')),
    activities: createHarnessActivities(),
  });
  const handle = await worker.runUntil(async () => {
    const h = await env.client.workflow.start('harnessTimer', {
      workflowId: 'harness-timer-dev',
      taskQueue: 'harness-dev',
      args: [50],
      typedSearchAttributes: [{ key: CardFlow, value: 'harness' }],
    });
    assert.equal(await h.result(), 'harness-timer-dev waited 50 ms');
    return h;
  });
  const description = await handle.describe();
  assert.equal(description.typedSearchAttributes.get(CardState), 'DONE');
  assert.equal(description.typedSearchAttributes.get(CardFlow), 'harness');

  // Visibility is eventually consistent: poll the list query briefly.
  let found: string[] = [];
  for (let i = 0; i < 50 && found.length === 0; i++) {
    found = [];
    for await (const wf of env.client.workflow.list({
      query: `CardFlow = 'harness' AND CardState = 'DONE'`,
    })) {
      found.push(wf.workflowId);
    }
    if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(found, ['harness-timer-dev']);
});
