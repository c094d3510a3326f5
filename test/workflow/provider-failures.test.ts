// Failures that no retry can fix stop a flow at once, in a clear and searchable state: the
// provider refusing our credentials, and an answer whose signature does not verify.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { stateQuery, TASK_QUEUE, workflowIds } from '../../src/contract';
import { applicant, LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { bundleOnce, startTimeSkippingEnv } from '../helpers/temporal-env';
import { failureOf } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

async function kyc(taskQueue = TASK_QUEUE) {
  const customerRef = uniqueRef('cust');
  return life.client.workflow.start('kycVerification', {
    workflowId: workflowIds.kycVerification('kazepay', customerRef),
    taskQueue,
    args: [
      {
        provider: 'kazepay',
        customerRef,
        applicant: applicant('failures'),
        documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
      },
    ],
  });
}

test('credentials refused by the provider: ProviderAuthentication, FAILED_AUTHENTICATION, nothing retried', async () => {
  // A worker whose KazePay client presents another merchant's sysId.
  const taskQueue = 'cardflow-wrong-credentials';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleOnce(require.resolve('../../workflows')),
    activities: createActivities({
      kazepay: life.kazepayClientWith({ sysId: '209912310000000000000001' }),
      documents: life.documents,
      secrets: life.secrets,
    }),
  });
  const refusedBefore = life.kazepay.control.requests().filter((r) => r.outcome === 'INVALID_SYS_ID').length;
  const handle = await kyc(taskQueue);
  // Queries are answered by a worker of the flow's task queue: keep it running for them.
  await worker.runUntil(async () => {
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ProviderAuthentication');
    assert.equal((await handle.query(stateQuery)).state, 'FAILED_AUTHENTICATION');
  });
  assert.equal((await handle.describe()).searchAttributes.CardState?.[0], 'FAILED_AUTHENTICATION');
  const refused =
    life.kazepay.control.requests().filter((r) => r.outcome === 'INVALID_SYS_ID').length - refusedBefore;
  assert.equal(refused, 1, 'one refused call, no retries');
});

test('an answer whose signature does not verify: ProviderResponseIntegrity, FAILED_INTEGRITY', async () => {
  life.kazepay.control.faults.script('setUcardKyc', 'broken-signature');
  const handle = await kyc();
  const failure = await failureOf(handle.result());
  assert.equal(failure.type, 'ProviderResponseIntegrity');
  assert.equal((await handle.query(stateQuery)).state, 'FAILED_INTEGRITY');
  assert.equal((await handle.describe()).searchAttributes.CardState?.[0], 'FAILED_INTEGRITY');
});
