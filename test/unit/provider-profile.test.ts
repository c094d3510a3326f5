// The provider profile (issue 16): every behaviour the seeds do not confirm is a setting read from
// the environment. For each setting: a non-default value changes what the engine does, and a bad
// value is refused at startup naming the variable (docs/providers/settings.md lists them all).
import assert from 'node:assert/strict';
import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createKazepayActivities } from '../../activities/kazepay/activities';
import { createWasabiActivities } from '../../activities/wasabi/activities';
import { kazepayTarget, wasabiTarget } from '../../src/api/webhook-targets';
import {
  ProviderDuplicateOrderError,
  ProviderRejectedError,
  ProviderResponseIntegrityError,
} from '../../src/providers/errors';
import { KazepayClient } from '../../src/providers/kazepay/client';
import * as kazepayConfig from '../../src/providers/kazepay/config';
import { cryptoProfile } from '../../src/providers/kazepay/crypto-profile';
import { openEnvelope, sealEnvelope } from '../../src/providers/kazepay/envelope';
import { loadPrivateKey, loadPublicKey } from '../../src/providers/keys';
import { WasabiClient } from '../../src/providers/wasabi/client';
import * as wasabiConfig from '../../src/providers/wasabi/config';
import { signWasabi } from '../../src/providers/wasabi/signature';
import {
  createWasabiWebhookHandler,
  WASABI_WEBHOOK_ACK,
  WASABI_WEBHOOK_ACK_CN,
} from '../../src/providers/wasabi/webhooks';
import { ConfigError } from '../../src/config/env';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi/server';

const pair = (bits: number) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
};
const merchant = pair(2048);
const platform = pair(2048);

const KAZEPAY_CREDENTIALS = {
  KAZEPAY_BASE_URL: 'http://127.0.0.1:9/gateway',
  KAZEPAY_SYS_ID: '202402271432298822660001',
  KAZEPAY_MERCHANT_PRIVATE_KEY: merchant.privatePem,
  KAZEPAY_PLATFORM_PUBLIC_KEY: platform.publicPem,
};
const kazepayEnv = (settings: Record<string, string> = {}) =>
  kazepayConfig.loadKazepayEnv({ ...KAZEPAY_CREDENTIALS, ...settings });

const wasabiMerchant = pair(1024);
const wasabiPlatform = pair(1024);
const WASABI_CREDENTIALS = {
  WASABI_BASE_URL: 'http://127.0.0.1:9',
  WASABI_API_KEY: 'key',
  WASABI_MERCHANT_PRIVATE_KEY: wasabiMerchant.privatePem,
  WASABI_PLATFORM_PUBLIC_KEY: wasabiPlatform.publicPem,
};
const wasabiEnv = (settings: Record<string, string> = {}) =>
  wasabiConfig.loadWasabiConfig({ ...WASABI_CREDENTIALS, ...settings });

/** The load refuses the value with a ConfigError naming the variable. */
function refusesNaming(load: () => unknown, variable: string) {
  assert.throws(load, (e: unknown) => {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.match(e.message, new RegExp(`^  ${variable}(\\.\\d+)?: `, 'm'));
    return true;
  });
}

const failureType = (type: string, message?: RegExp) => (e: unknown) =>
  e instanceof ApplicationFailure && e.type === type && (!message || message.test(e.message));

describe('KazePay settings', () => {
  test('KAZEPAY_KEY_PADDING=oaep-sha256: keyEnc is OAEP-wrapped, and a PKCS#1 profile cannot open it', () => {
    const profile = cryptoProfile(
      kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv({ KAZEPAY_KEY_PADDING: 'oaep-sha256' })).profile,
    );
    assert.equal(profile.keyPadding, 'oaep-sha256');
    const business = Buffer.from('{"cardID":"C1"}');
    const envelope = sealEnvelope({
      profile,
      head: { apiCode: 'queryCard', sysId: '1', requestNo: '1', version: '1.0' },
      business,
      senderPrivateKey: loadPrivateKey(merchant.privatePem, 'merchant'),
      receiverPublicKey: loadPublicKey(platform.publicPem, 'platform'),
    });
    // Checked without the envelope code: node's OAEP-SHA256 unwraps a 16-byte key that decrypts the body.
    const sessionKey = privateDecrypt(
      { key: platform.privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(envelope.head.keyEnc, 'hex'),
    );
    const decipher = createDecipheriv('aes-128-ecb', sessionKey, null);
    const ciphertext = Buffer.from(envelope.body?.encrypt ?? '', 'base64');
    const body = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    assert.deepEqual(body, business);
    const open = (p: typeof profile) =>
      openEnvelope(JSON.stringify(envelope), {
        profile: p,
        receiverPrivateKey: loadPrivateKey(platform.privatePem, 'platform'),
        senderPublicKey: loadPublicKey(merchant.publicPem, 'merchant'),
      });
    assert.deepEqual(open(profile).business, business);
    assert.throws(() => open(cryptoProfile(kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv()).profile)));
    refusesNaming(() => kazepayEnv({ KAZEPAY_KEY_PADDING: 'oaep' }), 'KAZEPAY_KEY_PADDING');
  });

  test('KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS: that card status is a known one, not an unknown status', async () => {
    const client = {
      queryCard: async () => ({ cardID: 'C1', userBankCardStatus: 'PENDING_ACTIVATION', currency: 'USD' }),
    } as unknown as KazepayClient;
    const activities = (env: ReturnType<typeof kazepayEnv>) =>
      createKazepayActivities({
        client,
        documents: {} as never,
        secrets: {} as never,
        conventions: kazepayConfig.kazepayNamesFromEnv(env),
      });
    const byDefault = activities(kazepayEnv());
    await assert.rejects(
      byDefault.kazepayCardStatus({ cardId: 'C1', until: ['CLOSED'] }),
      failureType('UnknownProviderStatus', /PENDING_ACTIVATION/),
    );
    const configured = activities(
      kazepayEnv({ KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS: 'Pending_Activation' }),
    );
    assert.deepEqual(await configured.kazepayCardStatus({ cardId: 'C1' }), { status: 'WAITING_ACTIVE' });
    await assert.rejects(
      configured.kazepayCardStatus({ cardId: 'C1', until: ['CLOSED'] }),
      failureType('StillPending'),
    );
    refusesNaming(
      () => kazepayEnv({ KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS: 'WAIT{ACTIVE}' }),
      'KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS',
    );
  });

  test('KAZEPAY_SESSION_KEY_FORM=base64: keyEnc wraps the key as base64 text, which the raw form cannot open', () => {
    const settings = { KAZEPAY_KEY_PADDING: 'oaep-sha256', KAZEPAY_SESSION_KEY_FORM: 'base64' };
    const profile = cryptoProfile(kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv(settings)).profile);
    const business = Buffer.from('{"cardID":"C2"}');
    const envelope = sealEnvelope({
      profile,
      head: { apiCode: 'queryCard', sysId: '1', requestNo: '1', version: '1.0' },
      business,
      senderPrivateKey: loadPrivateKey(merchant.privatePem, 'merchant'),
      receiverPublicKey: loadPublicKey(platform.publicPem, 'platform'),
    });
    // Checked without the envelope code: the wrapped bytes are 24 base64 characters of a 16-byte key.
    const wrapped = privateDecrypt(
      { key: platform.privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(envelope.head.keyEnc, 'hex'),
    ).toString('latin1');
    assert.match(wrapped, /^[A-Za-z0-9+/]{22}==$/);
    const decipher = createDecipheriv('aes-128-ecb', Buffer.from(wrapped, 'base64'), null);
    const ciphertext = Buffer.from(envelope.body?.encrypt ?? '', 'base64');
    assert.deepEqual(Buffer.concat([decipher.update(ciphertext), decipher.final()]), business);
    const open = (p: typeof profile) =>
      openEnvelope(JSON.stringify(envelope), {
        profile: p,
        receiverPrivateKey: loadPrivateKey(platform.privatePem, 'platform'),
        senderPublicKey: loadPublicKey(merchant.publicPem, 'merchant'),
      });
    assert.deepEqual(open(profile).business, business);
    assert.throws(() => open({ ...profile, sessionKeyForm: 'raw' }));
    refusesNaming(() => kazepayEnv({ KAZEPAY_SESSION_KEY_FORM: 'base32' }), 'KAZEPAY_SESSION_KEY_FORM');
  });

  describe('KAZEPAY_ERROR_ANSWER_SIGNATURE, against a gateway answering an unsigned error', () => {
    let url = '';
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const head = {
          apiCode: 'queryCard',
          sysId: KAZEPAY_CREDENTIALS.KAZEPAY_SYS_ID,
          requestNo: '1',
          version: '1.0',
        };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ head: { ...head, code: 'CARD_NOT_FOUND', detail: 'no such card' }, body: null }),
          );
      });
    });
    before(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test('an unsigned error is taken as the answer by default, refused as untrusted when signatures are required', async () => {
      const query = (settings: Record<string, string>) =>
        new KazepayClient(
          kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv({ KAZEPAY_BASE_URL: url, ...settings })),
        ).queryCard({ cardID: 'C1' });
      await assert.rejects(
        query({}),
        (e: unknown) => e instanceof ProviderRejectedError && e.code === 'CARD_NOT_FOUND',
      );
      await assert.rejects(
        query({ KAZEPAY_ERROR_ANSWER_SIGNATURE: 'required' }),
        ProviderResponseIntegrityError,
      );
      refusesNaming(
        () => kazepayEnv({ KAZEPAY_ERROR_ANSWER_SIGNATURE: 'yes' }),
        'KAZEPAY_ERROR_ANSWER_SIGNATURE',
      );
    });
  });

  describe('KAZEPAY_UPLOAD_*_FIELD', () => {
    let url = '';
    const received: { last?: { type: string; body: Buffer } } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.last = { type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
        res.writeHead(400).end('no');
      });
    });
    before(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** The multipart field names a fileUpload sends under these settings. */
    async function fieldsSent(settings: Record<string, string>) {
      delete received.last;
      const client = new KazepayClient(
        kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv({ KAZEPAY_UPLOAD_URL: url, ...settings })),
      );
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      await client
        .fileUpload({
          email: 'a@example.com',
          mobilePrefix: '60',
          mobileNumber: '123456789',
          file: { fileName: 'front.png', content: png },
        })
        .catch(() => undefined);
      const last = received.last as { type: string; body: Buffer } | undefined;
      assert.ok(last, 'the upload reached the server');
      const form = await new Response(last.body, { headers: { 'content-type': last.type } }).formData();
      return [...form.keys()].sort();
    }

    test('the field names are settings (default head, body, file)', async () => {
      assert.deepEqual(await fieldsSent({}), ['body', 'file', 'head']);
      assert.deepEqual(
        await fieldsSent({
          KAZEPAY_UPLOAD_HEAD_FIELD: 'header',
          KAZEPAY_UPLOAD_BODY_FIELD: 'data',
          KAZEPAY_UPLOAD_FILE_FIELD: 'image',
        }),
        ['data', 'header', 'image'],
      );
      refusesNaming(() => kazepayEnv({ KAZEPAY_UPLOAD_FILE_FIELD: 'my file' }), 'KAZEPAY_UPLOAD_FILE_FIELD');
    });
  });

  test('KAZEPAY_WEBHOOK_KYC_EVENTS / _CARD_EVENTS: a notification under a configured name is routed', () => {
    const events = kazepayConfig.kazepayWebhookEventsFromEnv(
      kazepayEnv({
        KAZEPAY_WEBHOOK_KYC_EVENTS: 'kycResult',
        KAZEPAY_WEBHOOK_CARD_EVENTS: 'cardNotify, txnNotify',
      }),
    );
    assert.equal(
      kazepayTarget('kycResult', { email: 'a@example.com', status: 'PASSED' }).target.kind,
      'none',
    );
    assert.equal(
      kazepayTarget('kycResult', { email: 'a@example.com', status: 'PASSED' }, events).target.kind,
      'kazepay-kyc',
    );
    assert.deepEqual(kazepayTarget('txnNotify', { cardID: 'C9', transactionId: 'T1' }, events).target, {
      kind: 'card',
      provider: 'kazepay',
      cardRef: 'C9',
      orAssigning: true,
    });
    // The default names are no longer routed once others are configured.
    assert.equal(kazepayTarget('rechargeNotify', { cardID: 'C9' }, events).target.kind, 'none');
    refusesNaming(() => kazepayEnv({ KAZEPAY_WEBHOOK_CARD_EVENTS: ' , ' }), 'KAZEPAY_WEBHOOK_CARD_EVENTS');
  });

  test('KAZEPAY_WEBHOOK_ACK / _ACK_CODE: the acknowledgement form and code', () => {
    const ack = (settings: Record<string, string>) =>
      new KazepayClient(kazepayConfig.kazepayClientOptionsFromEnv(kazepayEnv(settings))).webhookAck({
        apiCode: 'rechargeNotify',
        requestNo: '2024022714322988226600011',
      });
    const envelope = ack({});
    assert.equal(envelope.contentType, 'application/json');
    const opened = openEnvelope(envelope.body, {
      profile: cryptoProfile(),
      receiverPrivateKey: loadPrivateKey(platform.privatePem, 'platform'),
      senderPublicKey: loadPublicKey(merchant.publicPem, 'merchant'),
    });
    assert.equal(opened.head.code, 'SUCCESS');
    assert.equal(opened.business.toString(), '{"encrypt":"SUCCESS"}');
    const text = ack({ KAZEPAY_WEBHOOK_ACK: 'text', KAZEPAY_WEBHOOK_ACK_CODE: 'OK' });
    assert.deepEqual([text.contentType, text.body.toString()], ['text/plain; charset=utf-8', 'OK']);
    assert.equal(ack({ KAZEPAY_WEBHOOK_ACK: 'json' }).body.toString(), '{"code":"SUCCESS"}');
    refusesNaming(() => kazepayEnv({ KAZEPAY_WEBHOOK_ACK: 'xml' }), 'KAZEPAY_WEBHOOK_ACK');
    refusesNaming(() => kazepayEnv({ KAZEPAY_WEBHOOK_ACK_CODE: 'OK "then"' }), 'KAZEPAY_WEBHOOK_ACK_CODE');
  });
});

describe('WasabiCard settings', () => {
  describe('WASABI_DUPLICATE_ORDER_CODES / _PHRASES, against the sandbox answering a reused merchantOrderNo with code 409', () => {
    let sandbox: WasabiSandbox;
    before(async () => {
      sandbox = await startWasabiSandbox({
        merchantPublicKey: wasabiMerchant.publicPem,
        platformKeyBits: 1024,
        timeScale: 0.01,
        switches: { duplicateOrderCode: 409, duplicateOrderMsg: 'Order number repeated' },
      });
    });
    after(() => sandbox?.close());

    let orders = 0;
    /** The error a second card order under the same merchantOrderNo ends with. */
    async function reuseError(settings: Record<string, string>) {
      const client = new WasabiClient(
        wasabiConfig.wasabiClientOptions(
          wasabiEnv({
            WASABI_BASE_URL: sandbox.url,
            WASABI_API_KEY: sandbox.apiKey,
            WASABI_PLATFORM_PUBLIC_KEY: sandbox.platformPublicKeyDer,
            ...settings,
          }),
        ),
      );
      const merchantOrderNo = `P${Date.now()}${++orders}`.padEnd(20, '0');
      await client.createCard({ merchantOrderNo, cardTypeId: '111002', amount: '10' });
      return client.createCard({ merchantOrderNo, cardTypeId: '111002', amount: '10' }).then(
        () => assert.fail('a reused merchantOrderNo was accepted'),
        (e: unknown) => e,
      );
    }

    test('by default the answer is a plain rejection; a configured code or phrase makes it a duplicate', async () => {
      const plain = await reuseError({});
      assert.ok(plain instanceof ProviderRejectedError && !(plain instanceof ProviderDuplicateOrderError));
      assert.ok(
        (await reuseError({ WASABI_DUPLICATE_ORDER_CODES: '409' })) instanceof ProviderDuplicateOrderError,
      );
      assert.ok(
        (await reuseError({ WASABI_DUPLICATE_ORDER_PHRASES: 'number repeated' })) instanceof
          ProviderDuplicateOrderError,
      );
      refusesNaming(
        () => wasabiEnv({ WASABI_DUPLICATE_ORDER_CODES: '409,dup' }),
        'WASABI_DUPLICATE_ORDER_CODES',
      );
    });
  });

  const ORDER =
    '{"orderNo":"1852379830190366720","merchantOrderNo":"T1852379826671345664","cardNo":"38928421021320391244","currency":"USD","amount":"15","fee":"0.15","type":"deposit","status":"success","transactionTime":1730476742000}';
  const delivery = (category: string, requestId: string) => ({
    headers: {
      'content-type': 'application/json',
      'x-wsb-category': category,
      'x-wsb-signature': signWasabi(ORDER, wasabiPlatform.privatePem),
      'x-wsb-request-id': requestId,
    },
    rawBody: Buffer.from(ORDER),
  });
  const handlerFor = (settings: Record<string, string>) =>
    createWasabiWebhookHandler({
      platformPublicKey: wasabiPlatform.publicPem,
      ...wasabiConfig.wasabiWebhookSettings(wasabiEnv(settings)),
    });

  test("WASABI_WEBHOOK_ACK=chinese-doc: the Chinese page's acknowledgement", async () => {
    assert.equal(
      (await handlerFor({})(delivery('card_transaction', 'a1'))).response.body,
      WASABI_WEBHOOK_ACK,
    );
    const result = await handlerFor({ WASABI_WEBHOOK_ACK: 'chinese-doc' })(
      delivery('card_transaction', 'a2'),
    );
    assert.equal(result.response.body, WASABI_WEBHOOK_ACK_CN);
    refusesNaming(() => wasabiEnv({ WASABI_WEBHOOK_ACK: 'chinese' }), 'WASABI_WEBHOOK_ACK');
  });

  test('WASABI_WEBHOOK_CATEGORY_ALIASES: a notification under an alias is parsed and routed as its category', async () => {
    const routed = async (settings: Record<string, string>, id: string) => {
      const result = await handlerFor(settings)(delivery('cardTransaction', id));
      assert.equal(result.outcome, 'accepted');
      if (result.outcome !== 'accepted') return undefined;
      return wasabiTarget(result.category, result.event?.payload as Record<string, unknown> | undefined)
        .target;
    };
    assert.deepEqual(await routed({}, 'c1'), { kind: 'none' });
    assert.deepEqual(
      await routed({ WASABI_WEBHOOK_CATEGORY_ALIASES: 'cardTransaction=card_transaction' }, 'c2'),
      {
        kind: 'wasabi-order',
        cardRef: '38928421021320391244',
        merchantOrderNo: 'T1852379826671345664',
      },
    );
    refusesNaming(
      () => wasabiEnv({ WASABI_WEBHOOK_CATEGORY_ALIASES: 'cardTransaction=card_tx' }),
      'WASABI_WEBHOOK_CATEGORY_ALIASES',
    );
  });

  test('WASABI_HOLDER_APPROVED_STATUS / _REJECTED_STATUS: a custom approved status passes a holder', async () => {
    let answered = 'approved';
    const client = {
      queryHolders: async () => ({ total: 1, records: [{ holderId: '7', status: answered }] }),
    } as unknown as WasabiClient;
    const status = (settings: Record<string, string>) =>
      createWasabiActivities({
        client,
        documents: {} as never,
        secrets: {} as never,
        conventions: wasabiConfig.wasabiNamesFromEnv(wasabiEnv(settings)),
      }).wasabiHolderStatus({ holderId: '7', untilDecided: true });
    await assert.rejects(status({}), failureType('StillPending'));
    assert.equal((await status({ WASABI_HOLDER_APPROVED_STATUS: 'APPROVED' })).status, 'pass_audit');
    answered = 'declined';
    assert.equal((await status({ WASABI_HOLDER_REJECTED_STATUS: 'declined' })).status, 'reject');
    // The default name means nothing once another is configured.
    answered = 'pass_audit';
    await assert.rejects(status({ WASABI_HOLDER_APPROVED_STATUS: 'approved' }), failureType('StillPending'));
    refusesNaming(
      () => wasabiEnv({ WASABI_HOLDER_APPROVED_STATUS: 'pass/audit' }),
      'WASABI_HOLDER_APPROVED_STATUS',
    );
  });

  test('WASABI_CARD_AWAITING_ACTIVATION_STATUS: a refused code on a card in that status is a wrong code, not a failure', async () => {
    const secrets = new MemorySecretStore();
    const client = {
      findOrders: async () => [],
      activeCard: async () => {
        throw new ProviderRejectedError('400', 'activation code error', {
          provider: 'wasabi',
          operation: 'activeCard',
        });
      },
      cardInfo: async () => ({ cardNo: 'W1', status: 'Inactive' }),
    } as unknown as WasabiClient;
    const activate = async (settings: Record<string, string>) => {
      const pinHandle = await secrets.put('258036', { purpose: 'pin' });
      const activities = createWasabiActivities({
        client,
        documents: {} as never,
        secrets,
        conventions: wasabiConfig.wasabiNamesFromEnv(wasabiEnv(settings)),
      });
      return new MockActivityEnvironment().run(activities.wasabiActivatePhysicalCard, {
        merchantOrderNo: 'A0000000000000000001',
        cardNo: 'W1',
        code: '123456',
        pinHandle,
      });
    };
    await assert.rejects(activate({}), ProviderRejectedError);
    const answer = (await activate({ WASABI_CARD_AWAITING_ACTIVATION_STATUS: 'inactive' })) as {
      status: string;
    };
    assert.equal(answer.status, 'fail');
    refusesNaming(
      () => wasabiEnv({ WASABI_CARD_AWAITING_ACTIVATION_STATUS: 'un+activated' }),
      'WASABI_CARD_AWAITING_ACTIVATION_STATUS',
    );
    await secrets.close();
  });
});
