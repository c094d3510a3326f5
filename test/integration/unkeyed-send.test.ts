// On a real dev server: an attempt's "not applied" mark reaches the next attempt with the
// failure, and an attempt that ended without one (timed out, worker gone) is not followed by a
// blind resend (activities/unkeyed-send.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createUnkeyedSendActivities, type SendScript } from '../fixtures/unkeyed-send-activities';
import { bundleOnce, startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startDevServerEnv();
});
after(async () => {
  await env?.teardown();
});

async function run(script: SendScript): Promise<{ answer: string; sent: string[] }> {
  const sent: string[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: `unkeyed-${script}`,
    workflowBundle: await bundleOnce(require.resolve('../fixtures/workflows/unkeyed-send-workflows')),
    activities: createUnkeyedSendActivities(sent),
  });
  const answer = await worker.runUntil(
    env.client.workflow.execute('unkeyedSendFlow', {
      workflowId: `unkeyed-${script}-${Date.now()}`,
      taskQueue: `unkeyed-${script}`,
      args: [script],
    }) as Promise<string>,
  );
  return { answer, sent };
}

test('a refusal that certainly did not apply: the next attempt sends', async () => {
  const { answer, sent } = await run('refused-then-sent');
  assert.equal(answer, 'sent on attempt 2');
  assert.deepEqual(sent, ['refused-then-sent#1', 'refused-then-sent#2']);
});

test('an attempt that timed out mid-call: the next one does not send, it answers ambiguous', async () => {
  const { answer, sent } = await run('lost-then-retried');
  assert.equal(answer, 'failed: ProviderAmbiguousError');
  assert.deepEqual(sent, ['lost-then-retried#1'], 'sent once');
});
