// The KazePay sandbox's own envelope (tools/sandbox/kazepay/envelope.ts) checked against an
// independent implementation, the openssl command line, and never against the client's code:
// this file imports nothing from src/providers. openssl seals merchant requests the sandbox must
// open; the sandbox's answers must be opened and verified by openssl.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GatewayEnvelopeError,
  gatewayWireBytes,
  openMerchantRequest,
  readGatewayMessage,
  sandboxCryptoProfile,
  sealPlatformMessage,
} from '../../../tools/sandbox/kazepay/envelope';
import { startKazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { OpensslEnvelope } from '../conformance/openssl-envelope';

const ssl = new OpensslEnvelope();
let merchant: ReturnType<OpensslEnvelope['keyPair']>;
let platform: ReturnType<OpensslEnvelope['keyPair']>;
let keys: {
  platformPrivateKey: ReturnType<typeof createPrivateKey>;
  merchantPublicKey: ReturnType<typeof createPublicKey>;
};

const HEAD = {
  apiCode: 'queryUcardKycStatus',
  sysId: '202402271432298822660001',
  requestNo: '202406286784453105011',
  version: '1.0',
};
/** Not canonical JSON on purpose (spaces, key order, a non-ASCII character, a long number). */
const BUSINESS = '{ "email":"kyc@kazepay.io",  "note":"Zürich", "n": 12345678901234567890.10 }';

const requestWire = (parts: { sign: string; keyEnc: string; encrypt: string }, head = HEAD) =>
  JSON.stringify({
    head: { ...head, sign: parts.sign, keyEnc: parts.keyEnc },
    body: { encrypt: parts.encrypt },
  });

before(() => {
  merchant = ssl.keyPair('merchant');
  platform = ssl.keyPair('platform');
  keys = {
    platformPrivateKey: createPrivateKey(platform.privatePem),
    merchantPublicKey: createPublicKey(merchant.publicPem),
  };
});
after(() => ssl.cleanup());

describe('KazePay sandbox envelope against openssl (default profile)', () => {
  test('a request sealed by openssl is opened to its exact bytes', () => {
    const sealed = ssl.seal(BUSINESS, merchant.key, platform.pub);
    const business = openMerchantRequest(
      readGatewayMessage(requestWire(sealed)),
      sandboxCryptoProfile(),
      keys,
    );
    assert.equal(business.toString('utf8'), BUSINESS);
  });

  test('a signature by another key is refused as bad-signature', () => {
    const other = ssl.keyPair('other');
    const sealed = ssl.seal(BUSINESS, other.key, platform.pub);
    assert.throws(
      () => openMerchantRequest(readGatewayMessage(requestWire(sealed)), sandboxCryptoProfile(), keys),
      (e: unknown) => e instanceof GatewayEnvelopeError && e.reason === 'bad-signature',
    );
  });

  test('a session key wrapped for another receiver is refused as undecryptable', () => {
    const other = ssl.keyPair('other2');
    const sealed = ssl.seal(BUSINESS, merchant.key, other.pub);
    assert.throws(
      () => openMerchantRequest(readGatewayMessage(requestWire(sealed)), sandboxCryptoProfile(), keys),
      (e: unknown) =>
        e instanceof GatewayEnvelopeError && (e.reason === 'undecryptable' || e.reason === 'bad-signature'),
    );
  });

  test('a sign that is not hex, or a missing keyEnc, is malformed', () => {
    const sealed = ssl.seal(BUSINESS, merchant.key, platform.pub);
    assert.throws(
      () =>
        openMerchantRequest(
          readGatewayMessage(requestWire({ ...sealed, sign: `${sealed.sign.slice(0, -1)}g` })),
          sandboxCryptoProfile(),
          keys,
        ),
      (e: unknown) => e instanceof GatewayEnvelopeError && e.reason === 'malformed',
    );
    const wire = JSON.stringify({ head: { ...HEAD, sign: sealed.sign }, body: { encrypt: sealed.encrypt } });
    assert.throws(
      () => openMerchantRequest(readGatewayMessage(wire), sandboxCryptoProfile(), keys),
      (e: unknown) => e instanceof GatewayEnvelopeError && e.reason === 'malformed',
    );
  });

  test("the sandbox's answer is opened and verified by openssl", () => {
    const business = Buffer.from('{"encrypt":"SUCCESS","status":"PASSED","x":"é"}', 'utf8');
    const answer = sealPlatformMessage(
      {
        head: { ...HEAD, code: 'SUCCESS', detail: 'SUCCESS' },
        business,
        platformPrivateKey: createPrivateKey(platform.privatePem),
        merchantPublicKey: createPublicKey(merchant.publicPem),
      },
      sandboxCryptoProfile(),
    );
    const wire = JSON.parse(gatewayWireBytes(answer).toString('utf8')) as {
      head: { sign: string; keyEnc: string; code: string };
      body: { encrypt: string };
    };
    assert.match(wire.head.sign, /^[0-9a-f]{512}$/);
    assert.match(wire.head.keyEnc, /^[0-9a-f]{512}$/);
    assert.equal(wire.head.code, 'SUCCESS');
    const opened = ssl.open({ ...wire.head, encrypt: wire.body.encrypt }, merchant.key, platform.pub);
    assert.equal(opened.verdict, 'Verified OK');
    assert.equal(opened.business, business.toString('utf8'));
  });
});

describe('KazePay sandbox envelope against openssl (profile knobs)', () => {
  // AES-256-CBC with a zero IV, SHA-1, and `sign` over `apiCode|sysId|requestNo|version|` + body.
  const profile = sandboxCryptoProfile({
    sessionKeyBytes: 32,
    cipherMode: 'cbc-zero-iv',
    signatureHash: 'sha1',
    signedContent: 'head-and-business-json',
  });
  const prefix = `${HEAD.apiCode}|${HEAD.sysId}|${HEAD.requestNo}|${HEAD.version}|`;
  const file = (name: string, content: string | Buffer) => {
    const path = join(ssl.dir, name);
    writeFileSync(path, content);
    return path;
  };

  test('an openssl request under the knobs is opened', () => {
    const keyHex = ssl.run('rand', '-hex', '32').toString().trim();
    const iv = '0'.repeat(32);
    const encrypt = ssl
      .run('enc', '-aes-256-cbc', '-K', keyHex, '-iv', iv, '-in', file('k-body', BUSINESS))
      .toString('base64');
    const keyEnc = ssl
      .run(
        'pkeyutl',
        '-encrypt',
        '-pubin',
        '-inkey',
        platform.pub,
        '-pkeyopt',
        'rsa_padding_mode:pkcs1',
        '-in',
        file('k-key', Buffer.from(keyHex, 'hex')),
      )
      .toString('hex');
    const sign = ssl
      .run('dgst', '-sha1', '-sign', merchant.key, file('k-signed', prefix + BUSINESS))
      .toString('hex');
    const business = openMerchantRequest(
      readGatewayMessage(requestWire({ sign, keyEnc, encrypt })),
      profile,
      keys,
    );
    assert.equal(business.toString('utf8'), BUSINESS);
    // The same request signed over the body alone is refused under this profile.
    const bodyOnly = ssl
      .run('dgst', '-sha1', '-sign', merchant.key, file('k-signed2', BUSINESS))
      .toString('hex');
    assert.throws(
      () =>
        openMerchantRequest(
          readGatewayMessage(requestWire({ sign: bodyOnly, keyEnc, encrypt })),
          profile,
          keys,
        ),
      (e: unknown) => e instanceof GatewayEnvelopeError && e.reason === 'bad-signature',
    );
  });

  test('an answer under the knobs is opened and verified by openssl', () => {
    const business = '{"encrypt":"SUCCESS"}';
    const answer = sealPlatformMessage(
      {
        head: HEAD,
        business: Buffer.from(business),
        platformPrivateKey: createPrivateKey(platform.privatePem),
        merchantPublicKey: createPublicKey(merchant.publicPem),
      },
      profile,
    );
    const sessionKey = ssl.run(
      'pkeyutl',
      '-decrypt',
      '-inkey',
      merchant.key,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      file('a-key', Buffer.from(answer.head.keyEnc, 'hex')),
    );
    assert.equal(sessionKey.length, 32);
    const plain = ssl.run(
      'enc',
      '-d',
      '-aes-256-cbc',
      '-K',
      sessionKey.toString('hex'),
      '-iv',
      '0'.repeat(32),
      '-in',
      file('a-body', Buffer.from(answer.body.encrypt, 'base64')),
    );
    assert.equal(plain.toString('utf8'), business);
    const verdict = ssl
      .run(
        'dgst',
        '-sha1',
        '-verify',
        platform.pub,
        '-signature',
        file('a-sig', Buffer.from(answer.head.sign, 'hex')),
        file('a-signed', prefix + business),
      )
      .toString()
      .trim();
    assert.equal(verdict, 'Verified OK');
  });
});

describe('the running KazePay sandbox against openssl, over HTTP', () => {
  test('an openssl request is answered with an envelope openssl verifies; a forged one is refused', async () => {
    const sandbox = await startKazepaySandbox({
      merchantPublicKey: merchant.publicPem,
      platformPrivateKey: platform.privatePem,
    });
    try {
      const post = async (wire: string) => {
        const response = await fetch(sandbox.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: wire,
        });
        return JSON.parse(await response.text()) as {
          head: { code: string; sign: string; keyEnc: string; requestNo: string };
          body?: { encrypt: string };
        };
      };
      const head = { ...HEAD, apiCode: 'getWebhookUrl', requestNo: '2025061308514612345678' };
      const answer = await post(requestWire(ssl.seal('{}', merchant.key, platform.pub), head));
      assert.equal(answer.head.code, 'SUCCESS');
      assert.equal(answer.head.requestNo, head.requestNo);
      const opened = ssl.open({ ...answer.head, encrypt: answer.body!.encrypt }, merchant.key, platform.pub);
      assert.equal(opened.verdict, 'Verified OK');
      assert.deepEqual(JSON.parse(opened.business), { encrypt: 'SUCCESS', url: '' });

      const forged = ssl.seal('{}', platform.key, platform.pub); // signed with the wrong key
      const refused = await post(requestWire(forged, { ...head, requestNo: '2025061308514612345679' }));
      assert.equal(refused.head.code, 'SIGN_ERROR');
      assert.equal(refused.body, undefined);
    } finally {
      await sandbox.close();
    }
  });
});
