// Webhooks from the sandbox: KazePay's envelope signed by the platform, verifiable by the
// client over the exact bytes, retried on KazePay's schedule (compressed) until acknowledged.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ProviderResponseIntegrityError } from '../../../src/providers/errors';
import type { KazepayClient } from '../../../src/providers/kazepay/client';
import type { KazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { clientFor, startSandbox, submitKyc, uniqueEmail, waitFor } from './helpers';

const SCALE = 0.0005; // one minute -> 30 ms

let sandbox: KazepaySandbox;
let client: KazepayClient;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ at: number; body: Buffer }> = [];
/** How many deliveries the merchant fails (HTTP 500) before acknowledging. */
let failFirst = 0;

before(async () => {
  sandbox = await startSandbox({ timeScale: SCALE });
  client = clientFor(sandbox);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ at: Date.now(), body });
      if (received.length <= failFirst) return res.writeHead(500).end('not now');
      const { head } = client.openWebhook(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end(client.webhookAck(head).body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kazepay/webhook`;
  await client.setWebhookUrl({ url: receiverUrl });
});
after(async () => {
  await sandbox.close();
  receiver.close();
});

test('a KYC result is pushed, retried on the 1-2-4-8-16 minute schedule until acknowledged, and verifiable', async () => {
  received.length = 0;
  failFirst = 2;
  const email = uniqueEmail('hook');
  const submittedAt = Date.now();
  await submitKyc(client, email);
  const delivery = await waitFor(() =>
    sandbox.control.webhooks.deliveries({ event: 'kycStatusNotify' }).find((d) => d.state === 'delivered'),
  );
  assert.equal(received.length, 3);
  assert.deepEqual(
    delivery.attempts.map((a) => [a.status, a.accepted]),
    [
      [500, false],
      [500, false],
      [200, true],
    ],
  );
  // Gaps follow the schedule (scaled): >= 1, 2 and 4 minutes before the 1st, 2nd, 3rd send.
  const kycDone = submittedAt; // the review itself takes 5 s * SCALE = 2.5 ms
  const gaps = [
    received[0]!.at - kycDone,
    received[1]!.at - received[0]!.at,
    received[2]!.at - received[1]!.at,
  ];
  const minute = 60_000 * SCALE;
  assert.ok(gaps[0]! >= minute * 0.9, `first send after ${gaps[0]} ms`);
  assert.ok(gaps[1]! >= 2 * minute * 0.9, `second gap ${gaps[1]} ms`);
  assert.ok(gaps[2]! >= 4 * minute * 0.9, `third gap ${gaps[2]} ms`);

  // Every copy is the same signed envelope, and it opens with the merchant's keys.
  assert.ok(received.every((r) => r.body.equals(received[0]!.body)));
  const opened = client.openWebhook(received[0]!.body);
  assert.equal(opened.head.apiCode, 'kycStatusNotify');
  assert.deepEqual(opened.business, { email, status: 'PASSED' });
});

test('an unacknowledged webhook is sent 5 times in total, then given up', async () => {
  received.length = 0;
  failFirst = 100;
  const { cardID } = await (async () => {
    const email = uniqueEmail('hook2');
    await submitKyc(client, email);
    await waitFor(async () => (await client.queryUcardKycStatus({ email })).status === 'PASSED');
    const cardNumber = sandbox.control.physicalCardStock()[0]!;
    return client.ucardAssign({ email, cardNumber, autoActive: true });
  })();
  const delivery = await waitFor(
    () =>
      sandbox.control.webhooks
        .deliveries({ event: 'cardStatusNotify', key: cardID })
        .find((d) => d.state === 'failed'),
    10_000,
  );
  assert.equal(delivery.attempts.length, 5);
  assert.ok(delivery.attempts.every((a) => a.status === 500 && !a.accepted));
  assert.deepEqual(client.openWebhook(Buffer.from(delivery.body)).business, { cardID, status: 'ACTIVE' });
});

test('a webhook altered on the way is refused by the client', async () => {
  const [delivery] = sandbox.control.webhooks.deliveries({ event: 'kycStatusNotify' });
  assert.ok(delivery);
  const envelope = JSON.parse(delivery.body) as { head: { sign: string } };
  envelope.head.sign = envelope.head.sign.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
  assert.throws(
    () => client.openWebhook(Buffer.from(JSON.stringify(envelope))),
    ProviderResponseIntegrityError,
  );
});
