// The WasabiCard sandbox's own signature code (tools/sandbox/wasabi/signature.ts) against openssl
// only: nothing from src/providers. openssl signs what the sandbox must accept; the sandbox's
// signatures must verify under openssl.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { after, before, test } from 'node:test';
import { merchantSignatureValid, platformSignature } from '../../../tools/sandbox/wasabi/signature';
import { OpensslEnvelope } from '../conformance/openssl-envelope';

const ssl = new OpensslEnvelope();
let merchant: ReturnType<OpensslEnvelope['keyPair']>;
let platform: ReturnType<OpensslEnvelope['keyPair']>;
/** Exact bytes, not canonical JSON: a 19-digit id, spaces, a non-ASCII character. */
const BODY = '{"merchantOrderNo":"20240101000000000001", "cardNo":1234567890123456789,"remark":"Zürich"}';

before(() => {
  merchant = ssl.keyPair('merchant');
  platform = ssl.keyPair('platform');
});
after(() => ssl.cleanup());

test('a request signed by openssl with the merchant key is accepted, over exactly those bytes', () => {
  const key = createPublicKey(merchant.publicPem);
  const signature = ssl.signBase64(merchant.key, BODY);
  assert.equal(merchantSignatureValid(BODY, signature, key), true);
  assert.equal(merchantSignatureValid(Buffer.from(BODY), signature, key), true);
  assert.equal(merchantSignatureValid(BODY.replace(', "', ',"'), signature, key), false);
  assert.equal(merchantSignatureValid('{}', ssl.signBase64(merchant.key, '{}'), key), true);
});

test('signatures by another key, malformed or missing headers are refused without throwing', () => {
  const key = createPublicKey(merchant.publicPem);
  assert.equal(merchantSignatureValid(BODY, ssl.signBase64(platform.key, BODY), key), false);
  const good = ssl.signBase64(merchant.key, BODY);
  assert.equal(merchantSignatureValid(BODY, good.replace(/=+$/, ''), key), false);
  assert.equal(merchantSignatureValid(BODY, `${good.slice(0, 40)}\n${good.slice(40)}`, key), false);
  assert.equal(merchantSignatureValid(BODY, '!!!', key), false);
  assert.equal(merchantSignatureValid(BODY, undefined, key), false);
});

test("the sandbox's signature verifies under openssl with the platform public key", () => {
  const signature = platformSignature(BODY, createPrivateKey(platform.privatePem));
  assert.match(signature, /^[A-Za-z0-9+/]{342}==$/);
  assert.equal(ssl.verifyBase64(platform.pub, BODY, signature), true);
  assert.equal(ssl.verifyBase64(platform.pub, `${BODY} `, signature), false);
});
