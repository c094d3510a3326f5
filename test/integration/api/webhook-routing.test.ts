// Webhook routing without the API's memory (issue 19): a notification reaches its flow whichever
// door started it (the typed client, not the API) and after the API restarted, and before the flow
// knows the card the notification names (issue 20: the WasabiCard issuance's card order). Each
// wait below is polled hourly, so only a routed notification can end it within the test. Dev
// server, both sandboxes, real HTTP.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type CardflowClient, createCardflowClient } from '../../../src/client';
import { providerOrderKey } from '../../../src/contract';
import { applicant, LifecycleEnv, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { waitForState } from '../../helpers/kazepay-flows';
import { passedHolder } from '../../helpers/wasabi-flows';
import { type ApiUnderTest, startApi, TEST_ROUTING_KEYRING } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
let cardflow: CardflowClient;

/** Points both sandboxes' notifications at `target`. */
async function deliverTo(target: ApiUnderTest) {
  life.wasabi.control.webhookUrl = `${target.url}/webhooks/wasabi`;
  await life.kazepayClientWith().setWebhookUrl({ url: `${target.url}/webhooks/kazepay` });
}

before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
  await deliverTo(api);
  // The same routing keys as the API: a deployment's doors share the codec keyring.
  cardflow = createCardflowClient({ client: life.client, routingKeyring: TEST_ROUTING_KEYRING });
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

const SLOW = { pollInterval: '1h', deadline: '2h' };

async function signals(workflowId: string): Promise<number> {
  const history = await life.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

/** The flow's result, which must come within `ms` (an hourly poll cannot). */
async function resultWithin<T>(workflowId: string, ms: number): Promise<T> {
  const result = life.client.workflow.getHandle(workflowId).result() as Promise<T>;
  const late = sleep(ms).then(() => {
    throw new Error(`${workflowId}: no result within ${ms} ms (the notification did not reach it)`);
  });
  return Promise.race([result, late]);
}

/** A KazePay KYC held at review until `advance`, started by `start`; answers its workflow id. */
async function kazepayKycWaiting(start: (input: Record<string, unknown>) => Promise<string>) {
  const input = {
    provider: 'kazepay',
    customerRef: uniqueRef('route'),
    applicant: applicant('route'),
    documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    review: SLOW,
  };
  return life.withKazepayTimings({ kycReviewMs: 10 * 24 * 3600_000 }, async () => {
    const workflowId = await start(input);
    await waitForState(life.client.workflow.getHandle(workflowId), 'WAITING_FOR_REVIEW');
    // Let the wait's first status read happen while the review is held: the decision must then
    // come from the notification, not from a read already in flight.
    await sleep(500);
    return workflowId;
  });
}

describe('webhook routing that survives restarts and replicas', { concurrency: 1 }, () => {
  test('a KazePay kycStatusNotify reaches a KYC started through the typed client, not the API', async () => {
    const id = await kazepayKycWaiting(async (input) => (await cardflow.startKyc(input as never)).workflowId);
    await life.kazepay.control.advance();
    const result = await resultWithin<{ outcome: string }>(id, 20_000);
    assert.equal(result.outcome, 'PASSED');
    // An earlier notification about the same KYC (its submission) may be routed too: harmless.
    assert.ok((await signals(id)) >= 1, 'the notification was signalled');
    const journal = api.app.cardflow.webhooks.entries({ provider: 'kazepay', outcome: 'signalled' });
    assert.ok(journal.some((e) => e.workflowIds?.includes(id)));
    assert.ok(!JSON.stringify(journal).includes('@'), 'no email in the journal');
  });

  test('a KazePay kycStatusNotify reaches a KYC the API started before it restarted', async () => {
    const id = await kazepayKycWaiting(async (input) => {
      const start = await api.call('POST', '/flows/kyc', input);
      assert.equal(start.status, 201, start.text);
      return start.body.workflowId as string;
    });
    // A new API process: nothing of the old one's memory survives.
    await api.close();
    api = await startApi(life);
    await deliverTo(api);
    await life.kazepay.control.advance();
    const result = await resultWithin<{ outcome: string }>(id, 20_000);
    assert.equal(result.outcome, 'PASSED');
    assert.ok((await signals(id)) >= 1, 'the notification was signalled');
  });

  test('a WasabiCard card_holder notification reaches a KYC started through the typed client', async () => {
    life.wasabi.control.setTimings({ holderReviewStepMs: 100_000_000 }); // never, within the test
    const kyc = await cardflow.startKyc({
      provider: 'wasabi',
      customerRef: uniqueRef('route'),
      cardTypeId: '111002',
      applicant: applicant('route'),
      review: SLOW,
    });
    await waitForState(kyc.handle, 'WAITING_FOR_REVIEW');
    await sleep(500); // the wait's first read happens before the review is decided
    life.wasabi.control.advance();
    const result = await resultWithin<{ outcome: string }>(kyc.workflowId, 20_000);
    assert.equal(result.outcome, 'PASSED');
    assert.ok((await signals(kyc.workflowId)) >= 1, 'the notification was signalled');
  });

  test('a WasabiCard card-order notification reaches the issuance, which does not know its card yet', async () => {
    const cardTypeId = '111065';
    const holderId = await passedHolder(life, cardTypeId, 'route');
    const saved = { ...life.wasabi.control.timings };
    life.wasabi.control.setTimings({ orderCompleteMs: 100_000_000 }); // never, within the test
    let workflowId: string;
    try {
      const issuance = await cardflow.startIssuance({
        provider: 'wasabi',
        customerRef: uniqueRef('route'),
        requestRef: uniqueRef('iss'),
        cardTypeId,
        initialDeposit: '50',
        holderId,
        order: SLOW,
      });
      workflowId = issuance.workflowId;
      await waitForState(issuance.handle, 'WAITING_FOR_ORDER');
      await sleep(500); // the wait's first read happens while the order is still processing
      // The order's notification names the new card, which the flow learns only from the order.
      life.wasabi.control.advance({ merchantOrderNo: providerOrderKey(workflowId, 'open') });
    } finally {
      life.wasabi.control.setTimings(saved);
    }
    const result = await resultWithin<{ outcome: string; cardRef?: string }>(workflowId, 20_000);
    assert.equal(result.outcome, 'ISSUED');
    assert.ok((await signals(workflowId)) >= 1, 'the notification was signalled');
    const journal = api.app.cardflow.webhooks.entries({ provider: 'wasabi', outcome: 'signalled' });
    assert.ok(journal.some((e) => e.event === 'card_transaction' && e.workflowIds?.includes(workflowId)));
  });
});
