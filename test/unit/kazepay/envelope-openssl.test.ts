// Known-answer tests against an independent implementation: the openssl command line.
// A request the client really sends over HTTP is decrypted and verified by openssl, and
// envelopes produced by openssl are accepted (or, when tampered, refused) by the client.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProviderResponseIntegrityError } from '../../../src/providers/errors';
import { KazepayClient, type KazepayClientOptions } from '../../../src/providers/kazepay/client';
import type { CryptoProfile } from '../../../src/providers/kazepay/crypto-profile';

const dir = mkdtempSync(join(tmpdir(), 'kazepay-kat-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function generateKeyPair(name: string) {
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file(`${name}.key`));
  openssl('pkey', '-in', file(`${name}.key`), '-pubout', '-out', file(`${name}.pub`));
}

/** What openssl makes of a request envelope: the session key, the business JSON, the verdict. */
function opensslOpen(
  envelope: { head: { sign: string; keyEnc: string }; body: { encrypt: string } },
  receiverKey: string,
  senderPub: string,
  cipher = 'aes-128-ecb',
  digest = '-sha256',
) {
  writeFileSync(file('keyenc.bin'), Buffer.from(envelope.head.keyEnc, 'hex'));
  const sessionKey = openssl(
    'pkeyutl',
    '-decrypt',
    '-inkey',
    file(receiverKey),
    '-pkeyopt',
    'rsa_padding_mode:pkcs1',
    '-in',
    file('keyenc.bin'),
  );
  writeFileSync(file('ct.bin'), Buffer.from(envelope.body.encrypt, 'base64'));
  const business = openssl(
    'enc',
    '-d',
    `-${cipher}`,
    '-K',
    sessionKey.toString('hex'),
    '-in',
    file('ct.bin'),
  );
  writeFileSync(file('business.json'), business);
  writeFileSync(file('sig.bin'), Buffer.from(envelope.head.sign, 'hex'));
  let verdict: string;
  try {
    verdict = openssl(
      'dgst',
      digest,
      '-verify',
      file(senderPub),
      '-signature',
      file('sig.bin'),
      file('business.json'),
    )
      .toString()
      .trim();
  } catch (error) {
    verdict = String((error as { stdout?: Buffer }).stdout ?? 'failed').trim();
  }
  return { sessionKey, business: business.toString('utf8'), verdict };
}

/** An envelope made entirely by openssl (session key from `openssl rand`). */
function opensslSeal(
  head: Record<string, string>,
  businessJson: string,
  receiverPub: string,
  senderKey: string,
  options: { cipher?: string; keyBytes?: number; digest?: string; signOver?: string } = {},
) {
  const keyHex = openssl('rand', '-hex', String(options.keyBytes ?? 16))
    .toString()
    .trim();
  writeFileSync(file('out-business.json'), businessJson);
  writeFileSync(file('out-signed.bin'), options.signOver ?? businessJson);
  writeFileSync(file('out-key.bin'), Buffer.from(keyHex, 'hex'));
  const ciphertext = openssl(
    'enc',
    `-${options.cipher ?? 'aes-128-ecb'}`,
    '-K',
    keyHex,
    '-in',
    file('out-business.json'),
  );
  const keyEnc = openssl(
    'pkeyutl',
    '-encrypt',
    '-pubin',
    '-inkey',
    file(receiverPub),
    '-pkeyopt',
    'rsa_padding_mode:pkcs1',
    '-in',
    file('out-key.bin'),
  );
  const sign = openssl('dgst', options.digest ?? '-sha256', '-sign', file(senderKey), file('out-signed.bin'));
  return JSON.stringify({
    head: { ...head, sign: sign.toString('hex'), keyEnc: keyEnc.toString('hex') },
    body: { encrypt: ciphertext.toString('base64') },
  });
}

interface Captured {
  envelope: { head: Record<string, string> & { sign: string; keyEnc: string }; body: { encrypt: string } };
  contentType: string | undefined;
}

let server: Server;
let url: string;
let respond: (captured: Captured) => string;
const captured: Captured[] = [];

before(async () => {
  generateKeyPair('platform');
  generateKeyPair('merchant');
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Captured = {
        envelope: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Captured['envelope'],
        contentType: req.headers['content-type'],
      };
      captured.push(entry);
      const answer = respond(entry);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(profile: Partial<CryptoProfile> = {}) {
  return new KazepayClient(clientOptions(profile));
}

function clientOptions(profile: Partial<CryptoProfile> = {}): KazepayClientOptions {
  return {
    baseUrl: url,
    sysId: '202402271432298822660001',
    // PEM for one key, bare base64 DER for the other: both forms are accepted.
    merchantPrivateKey: readFileSync(file('merchant.key'), 'utf8'),
    platformPublicKey: readFileSync(file('platform.pub'), 'utf8').replace(/-----[^-]+-----|\s/g, ''),
    profile,
    timeoutMs: 5000,
  };
}

const responseHead = (request: Captured, apiCode = request.envelope.head.apiCode!) => ({
  apiCode,
  sysId: request.envelope.head.sysId!,
  requestNo: request.envelope.head.requestNo!,
  version: '1.0',
  code: 'SUCCESS',
  detail: 'SUCCESS',
});

describe('default profile against openssl', () => {
  test('a request sent by the client decrypts and verifies with openssl; an openssl answer is accepted', async () => {
    let opened: ReturnType<typeof opensslOpen> | undefined;
    respond = (request) => {
      opened = opensslOpen(request.envelope, 'platform.key', 'merchant.pub');
      return opensslSeal(
        responseHead(request),
        '{"cardID":"19181","currency":"USD","transactionId":"LM2312151602393234580","transactionStatus":"PENDING","sendAmount":"5000.00"}',
        'merchant.pub',
        'platform.key',
      );
    };
    const result = await client().cardRecharge({ cardID: '19181', amount: '5000.00' });

    const request = captured.at(-1)!;
    assert.match(request.contentType ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(request.envelope.head), [
      'apiCode',
      'sysId',
      'requestNo',
      'version',
      'sign',
      'keyEnc',
    ]);
    assert.equal(request.envelope.head.apiCode, 'cardRecharge');
    assert.equal(request.envelope.head.version, '1.0');
    assert.match(request.envelope.head.requestNo!, /^\d{24}$/);
    assert.match(request.envelope.head.sign, /^[0-9a-f]{512}$/);
    assert.match(request.envelope.head.keyEnc, /^[0-9a-f]{512}$/);
    assert.ok(opened);
    assert.equal(opened.sessionKey.length, 16);
    assert.equal(opened.verdict, 'Verified OK');
    // The amount travels as a JSON number with its exact decimal text, as in the seed.
    assert.equal(opened.business, '{"cardID":"19181","currency":"USD","amount":5000.00}');

    assert.deepEqual(result, {
      cardID: '19181',
      currency: 'USD',
      transactionId: 'LM2312151602393234580',
      transactionStatus: 'PENDING',
      sendAmount: '5000.00',
    });
  });

  test('two attempts use two different session keys and requestNos', async () => {
    const keys: string[] = [];
    respond = (request) => {
      keys.push(opensslOpen(request.envelope, 'platform.key', 'merchant.pub').sessionKey.toString('hex'));
      return opensslSeal(
        responseHead(request),
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'merchant.pub',
        'platform.key',
      );
    };
    const c = client();
    await c.queryUcardKycStatus({ email: 'kyc@kazepay.io' });
    await c.queryUcardKycStatus({ email: 'kyc@kazepay.io' });
    const [a, b] = captured.slice(-2);
    assert.notEqual(a!.envelope.head.requestNo, b!.envelope.head.requestNo);
    assert.notEqual(keys[0], keys[1]);
  });

  test('amounts in an openssl answer keep their exact decimal text', async () => {
    respond = (request) =>
      opensslSeal(
        responseHead(request),
        '{"cardID":"19181","currency":"USD","avaBalance":18506.25,"blockBalance":2020.00}',
        'merchant.pub',
        'platform.key',
      );
    const balance = await client().cardBalance({ cardID: '19181' });
    assert.equal(balance.avaBalance, '18506.25');
    assert.equal(balance.blockBalance, '2020.00');
  });

  test('an openssl answer signed over other bytes is refused as ResponseIntegrity', async () => {
    respond = (request) =>
      opensslSeal(
        responseHead(request),
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'merchant.pub',
        'platform.key',
        {
          signOver: '{"encrypt":"SUCCESS","status":"REJECTED"}',
        },
      );
    await assert.rejects(client().queryUcardKycStatus({ email: 'kyc@kazepay.io' }), (error) => {
      assert.ok(error instanceof ProviderResponseIntegrityError);
      assert.match(error.message, /bad-signature/);
      return true;
    });
  });

  test('an answer signed by a key other than the platform key is refused', async () => {
    respond = (request) =>
      opensslSeal(
        responseHead(request),
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'merchant.pub',
        'merchant.key',
      );
    await assert.rejects(
      client().queryUcardKycStatus({ email: 'kyc@kazepay.io' }),
      ProviderResponseIntegrityError,
    );
  });

  test('an answer whose session key was wrapped for another key is undecryptable', async () => {
    respond = (request) =>
      opensslSeal(
        responseHead(request),
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'platform.pub',
        'platform.key',
      );
    await assert.rejects(client().queryUcardKycStatus({ email: 'kyc@kazepay.io' }), (error) => {
      assert.ok(error instanceof ProviderResponseIntegrityError);
      assert.match(error.message, /undecryptable|bad-signature/);
      return true;
    });
  });

  test('an apiCode mismatch in the answer is tolerated (the seed has such examples)', async () => {
    respond = (request) =>
      opensslSeal(
        responseHead(request, 'cardBalance'),
        '{"cardID":"19181","status":"INACTIVE"}',
        'merchant.pub',
        'platform.key',
      );
    const warnings: Array<{ object: object; message: string }> = [];
    const c = new KazepayClient({
      ...clientOptions(),
      logger: { warn: (object, message) => warnings.push({ object, message }) },
    });
    const result = await c.updCardStatus({ cardID: '19181', status: 'INACTIVE' });
    assert.deepEqual(result, { cardID: '19181', status: 'INACTIVE' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /different apiCode/);
    assert.deepEqual(
      { ...warnings[0]!.object, requestNo: undefined },
      { apiCode: 'updCardStatus', responseApiCode: 'cardBalance', requestNo: undefined },
    );
  });

  test('an answer carrying another requestNo is accepted with a warning by default', async () => {
    let sent = '';
    respond = (request) => {
      sent = request.envelope.head.requestNo!;
      return opensslSeal(
        { ...responseHead(request), requestNo: '2024062810200869481548' },
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'merchant.pub',
        'platform.key',
      );
    };
    const warnings: Array<{ object: object; message: string }> = [];
    const c = new KazepayClient({
      ...clientOptions(),
      logger: { warn: (object, message) => warnings.push({ object, message }) },
    });
    const result = await c.queryUcardKycStatus({ email: 'kyc@kazepay.io' });
    assert.deepEqual(result, { encrypt: 'SUCCESS', status: 'PASSED' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /different requestNo/);
    // Only the apiCode and the two request numbers: no business content, no key material.
    assert.deepEqual(warnings[0]!.object, {
      apiCode: 'queryUcardKycStatus',
      requestNo: sent,
      responseRequestNo: '2024062810200869481548',
    });
  });

  test('with must-match, an answer carrying another requestNo is refused', async () => {
    respond = (request) =>
      opensslSeal(
        { ...responseHead(request), requestNo: '2024062810200869481548' },
        '{"encrypt":"SUCCESS","status":"PASSED"}',
        'merchant.pub',
        'platform.key',
      );
    const c = new KazepayClient({ ...clientOptions(), responseRequestNo: 'must-match' });
    await assert.rejects(c.queryUcardKycStatus({ email: 'kyc@kazepay.io' }), (error) => {
      assert.ok(error instanceof ProviderResponseIntegrityError);
      assert.match(error.message, /another requestNo/);
      return true;
    });
  });
});

describe('profile knobs against openssl', () => {
  test('AES-256, SHA-1 and signing head fields: both directions agree with openssl', async () => {
    let opened: ReturnType<typeof opensslOpen> | undefined;
    let head: Record<string, string> = {};
    respond = (request) => {
      opened = opensslOpen(request.envelope, 'platform.key', 'merchant.pub', 'aes-256-ecb', '-sha1');
      head = request.envelope.head;
      const answerHead = responseHead(request);
      const business = '{"cardID":"19181","cardNo":"123456123456"}';
      return opensslSeal(answerHead, business, 'merchant.pub', 'platform.key', {
        cipher: 'aes-256-ecb',
        keyBytes: 32,
        digest: '-sha1',
        signOver: `getCardId|${answerHead.sysId}|${answerHead.requestNo}|1.0|${business}`,
      });
    };
    const result = await client({
      sessionKeyBytes: 32,
      signatureHash: 'sha1',
      signedContent: 'head-and-business-json',
    }).getCardId({ cardNo: '123456123456' });
    assert.ok(opened);
    assert.equal(opened.sessionKey.length, 32);
    assert.equal(opened.business, '{"cardNo":"123456123456"}');
    // Signed over the head fields and the business JSON: openssl verifies that exact text.
    writeFileSync(file('headed.txt'), `getCardId|${head.sysId}|${head.requestNo}|1.0|${opened.business}`);
    writeFileSync(file('sig2.bin'), Buffer.from(head.sign!, 'hex'));
    const verdict = openssl(
      'dgst',
      '-sha1',
      '-verify',
      file('merchant.pub'),
      '-signature',
      file('sig2.bin'),
      file('headed.txt'),
    );
    assert.equal(verdict.toString().trim(), 'Verified OK');
    assert.deepEqual(result, { cardID: '19181', cardNo: '123456123456' });
  });
});
