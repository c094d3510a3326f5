// Every error type the client can raise, produced by the sandbox over real HTTP: credentials,
// replayed requestNos, tampered answers, 5xx, applied-but-unanswered timeouts, slow answers.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subtractMoney } from '../../../src/contract/money';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ProviderAmbiguousError,
  ProviderAuthenticationError,
  ProviderRejectedError,
  ProviderResponseIntegrityError,
  ProviderRetryableError,
  ProviderValidationError,
} from '../../../src/providers/errors';
import type { KazepayClient } from '../../../src/providers/kazepay/client';
import { loadPublicKey } from '../../../src/providers/keys';
import { DEFAULT_CRYPTO_PROFILE } from '../../../src/providers/kazepay/crypto-profile';
import { envelopeBytes, parseEnvelope, sealEnvelope } from '../../../src/providers/kazepay/envelope';
import type { KazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { activeCard, clientFor, merchant, rsaPair, startSandbox } from './helpers';

let sandbox: KazepaySandbox;
let client: KazepayClient;

before(async () => {
  sandbox = await startSandbox({ hangMs: 2_000 });
  client = clientFor(sandbox, { timeoutMs: 400 });
});
after(() => sandbox.close());
beforeEach(() => sandbox.control.faults.clear());

const isA =
  <T>(type: new (...args: never[]) => T, check?: (error: T) => void) =>
  (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    check?.(error as T);
    return true;
  };

describe('credentials', () => {
  test('a wrong sysId is an authentication failure', async () => {
    const wrong = clientFor(sandbox, { sysId: '202402271432298822669999' });
    await assert.rejects(
      wrong.getWebhookUrl(),
      isA(ProviderAuthenticationError, (e) => assert.match(e.message, /INVALID_SYS_ID/)),
    );
  });

  test('a request signed with another merchant key is an authentication failure', async () => {
    const wrong = clientFor(sandbox, { merchantPrivateKey: rsaPair().privateKey });
    await assert.rejects(
      wrong.getWebhookUrl(),
      isA(ProviderAuthenticationError, (e) => assert.match(e.message, /SIGN_ERROR/)),
    );
  });

  test('a request encrypted for another platform key is an authentication failure', async () => {
    const wrong = clientFor(sandbox, { platformPublicKey: rsaPair().publicKey });
    // RSA's implicit rejection hands the sandbox a random session key; about 1 time in 256 the
    // body then decrypts with valid padding and it is the signature check that refuses it.
    await assert.rejects(
      wrong.getWebhookUrl(),
      isA(ProviderAuthenticationError, (e) => assert.match(e.message, /DECRYPT_ERROR|SIGN_ERROR/)),
    );
  });

  test('a replayed request (same requestNo) is refused; the first one was answered', async () => {
    const envelope = sealEnvelope({
      profile: DEFAULT_CRYPTO_PROFILE,
      head: {
        apiCode: 'getWebhookUrl',
        sysId: sandbox.sysId,
        requestNo: '2026112119440012345678',
        version: '1.0',
      },
      business: Buffer.from('{}'),
      senderPrivateKey: merchant.privateKey,
      receiverPublicKey: loadPublicKey(sandbox.platformPublicKey),
    });
    const send = async () =>
      parseEnvelope(
        Buffer.from(
          await (
            await fetch(`${sandbox.url}/api/gateway`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: envelopeBytes(envelope),
            })
          ).arrayBuffer(),
        ),
      ).head;
    assert.equal((await send()).code, 'SUCCESS');
    const replay = await send();
    assert.equal(replay.code, 'DUPLICATE_REQUEST_NO');
    assert.equal(replay.requestNo, '2026112119440012345678');
  });

  test('the client itself never reuses a requestNo across attempts', async () => {
    const before = sandbox.control.requests().length;
    for (let i = 0; i < 20; i++) await client.getWebhookUrl();
    const sent = sandbox.control.requests().slice(before);
    assert.equal(new Set(sent.map((r) => r.requestNo)).size, 20);
    assert.ok(sent.every((r) => r.outcome === 'SUCCESS'));
  });
});

describe('business errors and validation', () => {
  test('a business refusal carries the provider code and detail', async () => {
    await assert.rejects(
      client.queryCard({ cardID: '999999' }),
      isA(ProviderRejectedError, (e) => {
        assert.equal(e.code, 'CARD_NOT_FOUND');
        assert.equal(e.detail, 'no such card');
        assert.equal(e.retryable, false);
      }),
    );
  });

  test('validation errors never reach the sandbox', async () => {
    const before = sandbox.control.requests().length;
    await assert.rejects(client.cardSetPin({ cardID: '1', pin: '12' }), ProviderValidationError);
    assert.equal(sandbox.control.requests().length, before);
  });
});

describe('faults', () => {
  test('5xx on a read is Retryable', async () => {
    sandbox.control.faults.script('queryCard', 'server-error');
    await assert.rejects(
      client.queryCard({ cardID: '3377' }),
      isA(ProviderRetryableError, (e) => assert.equal(e.httpStatus, 500)),
    );
  });

  test('5xx on a recharge is Ambiguous (no idempotency key); the sandbox did not apply it', async () => {
    const { cardID } = await activeCard(client, sandbox);
    const before = sandbox.control.merchantBalance();
    sandbox.control.faults.script('cardRecharge', 'server-error');
    await assert.rejects(client.cardRecharge({ cardID, amount: '15.00' }), ProviderAmbiguousError);
    // Reconciliation by reading state shows nothing happened; a new attempt is then safe.
    assert.deepEqual(await client.queryTransactions({ cardID }), []);
    assert.equal(sandbox.control.merchantBalance(), before);
  });

  test('applied but unanswered: the client sees Ambiguous, the ledger shows the recharge once', async () => {
    const { cardID } = await activeCard(client, sandbox);
    const before = sandbox.control.merchantBalance();
    sandbox.control.faults.script('cardRecharge', 'applied-no-answer');
    const started = Date.now();
    await assert.rejects(
      client.cardRecharge({ cardID, amount: '33.30' }),
      isA(ProviderAmbiguousError, (e) => assert.match(e.message, /may have acted/)),
    );
    assert.ok(Date.now() - started >= 390, 'the client waited for its timeout');
    const rows = await client.queryTransactions({ cardID });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.cardCurrencyAmt, '33.30');
    const debits = sandbox.control.ledger.entries({ kind: 'recharge', ref: rows[0]!.transactionId });
    assert.equal(debits.length, 1);
    assert.equal(sandbox.control.merchantBalance(), subtractMoney(before, '33.30'));
    await sandbox.control.advance();
    assert.equal((await client.cardBalance({ cardID })).avaBalance, '33.30');
  });

  test('applied but unanswered close: Ambiguous, and queryCard shows it is closing', async () => {
    const { cardID } = await activeCard(client, sandbox);
    sandbox.control.faults.script('closeCard', 'applied-no-answer');
    await assert.rejects(client.closeCard({ cardID }), ProviderAmbiguousError);
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'CLOSE_PROCESSING');
  });

  test('a tampered answer is ResponseIntegrity, and the change was applied', async () => {
    const { cardID } = await activeCard(client, sandbox);
    sandbox.control.faults.script('updCardStatus', 'broken-signature');
    await assert.rejects(
      client.updCardStatus({ cardID, status: 'INACTIVE' }),
      isA(ProviderResponseIntegrityError, (e) => assert.match(e.message, /bad-signature/)),
    );
    assert.equal((await client.queryCard({ cardID })).userBankCardStatus, 'INACTIVE');
  });

  test('a slow answer within the timeout succeeds; beyond it, it is Ambiguous', async () => {
    sandbox.control.faults.setRates({ slowRate: 1, slowMs: 100 }, 'getWebhookUrl');
    const started = Date.now();
    await client.getWebhookUrl();
    assert.ok(Date.now() - started >= 95);
    sandbox.control.faults.setRates({ slowRate: 1, slowMs: 800 }, 'getWebhookUrl');
    await assert.rejects(client.getWebhookUrl(), ProviderAmbiguousError);
  });

  test('fault rates can be set over the HTTP control surface', async () => {
    const response = await fetch(`${sandbox.url}/_sandbox/faults/script`, {
      method: 'POST',
      body: JSON.stringify({ operation: 'cardBalance', kinds: ['server-error'] }),
    });
    assert.equal(response.status, 200);
    await assert.rejects(client.cardBalance({ cardID: '3377' }), ProviderRetryableError);
  });

  test('connection refused before sending is Retryable', async () => {
    const closed = await startSandbox();
    const url = closed.url;
    await closed.close();
    const offline = clientFor(closed, { baseUrl: `${url}/api/gateway` });
    await assert.rejects(offline.cardRecharge({ cardID: '1', amount: '1.00' }), ProviderRetryableError);
  });
});

describe('keys', () => {
  test('the platform key pair is generated once and kept in the data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kazepay-sandbox-'));
    try {
      const first = await startSandbox({ dataDir, platformPrivateKey: undefined });
      const key = first.platformPublicKey;
      await first.close();
      assert.deepEqual(readdirSync(join(dataDir, 'kazepay-sandbox')).sort(), [
        'platform.private.pem',
        'platform.public.pem',
      ]);
      const second = await startSandbox({ dataDir, platformPrivateKey: undefined });
      assert.equal(second.platformPublicKey, key);
      await clientFor(second).getWebhookUrl();
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
