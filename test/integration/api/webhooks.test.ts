// Provider webhooks through the API: a verified notification ends an hourly-polled wait early; a
// bad signature, an altered body and a replay reach no workflow; a notification nobody waits for
// is journalled and acknowledged. Dev server, both sandboxes, real HTTP.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { signWasabi, WASABI_SIGNATURE_HEADER, WASABI_WEBHOOK_ACK } from '../../../src/providers/wasabi';
import { stateQuery } from '../../../src/contract';
import { applicant, JPEG, LifecycleEnv, PNG, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { eventually, openCard, pollResting } from '../../helpers/wasabi-flows';
import { waitForState } from '../../helpers/kazepay-flows';
import { type ApiUnderTest, startApi } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
  life.wasabi.control.webhookUrl = `${api.url}/webhooks/wasabi`;
  await life.kazepayClientWith().setWebhookUrl({ url: `${api.url}/webhooks/kazepay` });
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

/** Polls are an hour apart: only a notification can end these waits within the test. */
const SLOW = { pollInterval: '1h', deadline: '2h' };
const enc = encodeURIComponent;

async function finished(workflowId: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.call('GET', `/flows/${enc(workflowId)}`);
    if (body.status !== 'RUNNING') return body;
    if (Date.now() > until) assert.fail(`${workflowId} still running`);
    await sleep(50);
  }
}

async function signals(workflowId: string): Promise<number> {
  const history = await life.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

/** Posts a notification as the provider does (its own headers; one content type). */
const post = (path: string, headers: Record<string, string>, body: string | Buffer) =>
  api.call('POST', path, body, {
    token: null,
    contentType: 'application/json',
    headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type')),
  });

// One after the other: the second test changes the sandbox's timings and reads the first's flow.
describe('WasabiCard webhooks', { concurrency: 1 }, () => {
  let settledId = '';

  test('a card_transaction notification ends an hourly-polled deposit wait early; unmatched ones are journalled and acknowledged', async () => {
    const cardNo = await openCard(life, '111002', '10');
    // The create order's notification has no flow waiting: journalled as unmatched, acknowledged.
    await eventually('unmatched create notification', () =>
      api.app.cardflow.webhooks.entries({ provider: 'wasabi', outcome: 'unmatched' }).length > 0
        ? true
        : undefined,
    );
    await eventually('the notification acknowledged', () =>
      life.wasabi.control.deliveries({ category: 'card_transaction' }).some((d) => d.state === 'delivered')
        ? true
        : undefined,
    );

    // The deposit order completes about a second after it is sent: after the first poll.
    life.wasabi.control.setTimings({ orderCompleteMs: 100_000 });
    const started = Date.now();
    const start = await api.call('POST', '/flows/deposit', {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: uniqueRef('dep'),
      amount: '25',
      currency: 'USD',
      settlement: SLOW,
    });
    assert.equal(start.status, 201, start.text);
    settledId = start.body.workflowId;
    const done = await finished(settledId);
    assert.equal(done.result?.outcome, 'SETTLED', JSON.stringify(done));
    assert.ok(Date.now() - started < 15_000);
    assert.equal(await signals(settledId), 1, 'one signal: the notification');
    const signalled = api.app.cardflow.webhooks.entries({ provider: 'wasabi', outcome: 'signalled' });
    assert.ok(signalled.some((e) => e.workflowIds?.includes(settledId)));
  });

  test('a bad signature, an altered body and a replay are refused or deduplicated: nothing is signalled', async () => {
    const cardNo = await openCard(life, '111002', '10');
    // Every notification about opening the card is delivered before the deposit waits: a late
    // one (CI load) is genuine and would rightly reach the waiting flow.
    await life.wasabi.control.flushWebhooks();
    await eventually('the card notifications delivered', () =>
      life.wasabi.control
        .deliveries({ category: 'card_transaction' })
        .filter((d) => d.body.includes(cardNo))
        .every((d) => d.state !== 'pending')
        ? true
        : undefined,
    );
    life.wasabi.control.setTimings({ orderCompleteMs: 100_000_000 }); // never, within the test
    const start = await api.call('POST', '/flows/deposit', {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: uniqueRef('dep'),
      amount: '25',
      currency: 'USD',
      settlement: SLOW,
    });
    const waitingId = start.body.workflowId as string;
    const handle = life.client.workflow.getHandle(waitingId);
    await eventually('waiting for settlement', async () =>
      (await handle.query(stateQuery)).state === 'WAITING_FOR_SETTLEMENT' ? true : undefined,
    );

    // A genuine notification about this card, as WasabiCard would send it, built from the one
    // delivered for the card's create order.
    const delivered = life.wasabi.control
      .deliveries({ category: 'card_transaction' })
      .filter((d) => d.state === 'delivered' && d.body.includes(cardNo));
    const genuine = delivered.at(-1);
    assert.ok(genuine, 'a delivered notification for the card');

    // Replayed: acknowledged exactly, not acted on.
    const replay = await post('/webhooks/wasabi', genuine.headers, genuine.body);
    assert.equal(replay.status, 200);
    assert.equal(replay.text, WASABI_WEBHOOK_ACK);
    // Altered by one field: the signature no longer verifies.
    const altered = await post(
      '/webhooks/wasabi',
      genuine.headers,
      genuine.body.replace(/"status":"[a-z_]+"/, '"status":"fail"'),
    );
    assert.equal(altered.status, 401);
    // Signed by someone else.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const forged = await post(
      '/webhooks/wasabi',
      { ...genuine.headers, [WASABI_SIGNATURE_HEADER]: signWasabi(genuine.body, privateKey) },
      genuine.body,
    );
    assert.equal(forged.status, 401);
    // No signature at all.
    const unsigned = { ...genuine.headers };
    delete unsigned[WASABI_SIGNATURE_HEADER];
    assert.equal((await post('/webhooks/wasabi', unsigned, genuine.body)).status, 401);

    await sleep(300);
    assert.equal(await signals(waitingId), 0, 'nothing reached the waiting flow');
    assert.equal((await handle.query(stateQuery)).state, 'WAITING_FOR_SETTLEMENT');
    const journal = api.app.cardflow.webhooks.entries({ provider: 'wasabi' });
    assert.ok(journal.filter((e) => e.outcome === 'refused').length >= 3);
    assert.ok(journal.some((e) => e.outcome === 'duplicate'));
    if (settledId) assert.equal(await signals(settledId), 1, 'the settled deposit still has one signal');

    // The real outcome arrives: its notification ends the wait.
    life.wasabi.control.advance();
    const done = await finished(waitingId);
    assert.equal(done.result?.outcome, 'SETTLED', JSON.stringify(done));
    assert.equal(await signals(waitingId), 1);
  });
});

describe('KazePay webhooks', () => {
  test('kycStatusNotify ends an hourly-polled KYC wait early; its replay and an altered envelope are not acted on', async () => {
    const front = await api.call('POST', '/documents', PNG, { contentType: 'image/png' });
    const selfie = await api.call('POST', '/documents', JPEG, { contentType: 'image/jpeg' });
    const customerRef = uniqueRef('kz');
    // The review is held until the flow waits for it, so the first status read cannot see PASSED
    // (under load, a review this short could otherwise finish before the wait begins).
    const id = await life.withKazepayTimings({ kycReviewMs: 10 * 24 * 3600_000 }, async () => {
      const start = await api.call('POST', '/flows/kyc', {
        provider: 'kazepay',
        customerRef,
        applicant: applicant('kz-webhook'),
        documents: { front: { ref: front.body.ref }, selfie: { ref: selfie.body.ref } },
        review: SLOW,
      });
      assert.equal(start.status, 201, start.text);
      const workflowId = start.body.workflowId as string;
      await waitForState(life.client.workflow.getHandle(workflowId), 'WAITING_FOR_REVIEW');
      return workflowId;
    });
    // The state is set before the wait's first read: released earlier, the review can be read
    // PASSED by that read (a CI run saw it: PASSED with no signal). Release it once the read is done.
    await pollResting(life.client.workflow.getHandle(id), 'kazepayKycStatus');
    await life.kazepay.control.advance();
    const done = await finished(id, 20_000);
    assert.equal(done.result?.outcome, 'PASSED', JSON.stringify(done));
    assert.equal(await signals(id), 1);

    const delivery = life.kazepay.control.webhooks
      .deliveries()
      .find((d) => d.state === 'delivered' && d.body.length > 0 && d.meta.event === 'kycStatusNotify');
    assert.ok(delivery, 'the sandbox delivered the notification');
    const replay = await post('/webhooks/kazepay', {}, delivery.body);
    assert.equal(replay.status, 200);
    const tampered = JSON.parse(delivery.body) as Record<string, Record<string, string>>;
    const body = tampered.body as Record<string, string>;
    body.encrypt = `${body.encrypt?.slice(0, -8)}AAAAAAA=`;
    assert.equal((await post('/webhooks/kazepay', {}, JSON.stringify(tampered))).status, 401);
    assert.equal((await post('/webhooks/kazepay', {}, '{"not":"an envelope"}')).status, 401);
    const journal = api.app.cardflow.webhooks.entries({ provider: 'kazepay' });
    assert.ok(journal.some((e) => e.outcome === 'duplicate'));
    assert.ok(!JSON.stringify(journal).includes('@'), 'no email in the journal');
    assert.equal(await signals(id), 1);
  });
});
