// What the WasabiCard sandbox takes as the engine's webhook acknowledgement is its own setting
// (switches.webhookAck / webhookAckBody), not the client's constant: by default any HTTP 200 with
// a JSON code 200; with `strict-body`, exactly the configured body (default: the English doc's).
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startWasabiSandbox, type WasabiSandbox } from '../../../tools/sandbox/wasabi';
import { DEFAULT_SWITCHES } from '../../../tools/sandbox/wasabi/options';
import { SANDBOX_PATHS } from '../../../tools/sandbox/wasabi/paths';

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
let receiver: Server;
let reply = '';
let sandbox: WasabiSandbox;
let orders = 0;

before(async () => {
  receiver = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(reply),
  );
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sandbox = await startWasabiSandbox({
    merchantPublicKey: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformKeyBits: 1024,
    autoAdvance: false,
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  });
});
after(async () => {
  await sandbox.close();
  receiver.close();
});

/** Opens a card, finishes the order and returns the state of its first card_transaction notification. */
async function notificationState(): Promise<string> {
  const merchantOrderNo = `ACK${String(++orders).padStart(20, '0')}`;
  const body = JSON.stringify({ merchantOrderNo, cardTypeId: '111002', amount: '15' });
  const signature = createSign('RSA-SHA256').update(body).sign(merchant.privateKey, 'base64');
  const response = await fetch(`${sandbox.url}${SANDBOX_PATHS.openCard}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-WSB-API-KEY': sandbox.apiKey,
      'X-WSB-SIGNATURE': signature,
    },
    body,
  });
  assert.equal(((await response.json()) as { code: number }).code, 200);
  sandbox.control.advance({ merchantOrderNo });
  await sandbox.control.flushWebhooks();
  const delivery = sandbox.control
    .deliveries()
    .find((d) => d.body.includes(merchantOrderNo) && d.attempts.length > 0);
  assert.ok(delivery, 'a notification was attempted');
  return delivery.state;
}

test('the default strict body is the English notification page acknowledgement', () => {
  assert.equal(DEFAULT_SWITCHES.webhookAck, 'code-200');
  assert.equal(DEFAULT_SWITCHES.webhookAckBody, '{"success":true,"code":200,"msg":null,"data":null}');
});

test('code-200 (default): the Chinese page variant is accepted, a code 500 body is not', async () => {
  sandbox.control.setSwitches({ webhookAck: 'code-200' });
  reply = '{"success":true,"code":200,"msg":"Success","data":null}';
  assert.equal(await notificationState(), 'delivered');
  reply = '{"success":false,"code":500,"msg":"busy","data":null}';
  assert.notEqual(await notificationState(), 'delivered');
});

test('strict-body: only the configured body is an acknowledgement', async () => {
  sandbox.control.setSwitches({ webhookAck: 'strict-body' });
  reply = '{"success":true,"code":200,"msg":"Success","data":null}';
  assert.notEqual(await notificationState(), 'delivered');
  sandbox.control.setSwitches({ webhookAckBody: reply });
  assert.equal(await notificationState(), 'delivered');
});
