import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KazepayClient } from '../../../src/providers/kazepay/client';
import { kazepayClientOptionsFromEnv, loadKazepayEnv } from '../../../src/providers/kazepay/config';
import { DEFAULT_CRYPTO_PROFILE } from '../../../src/providers/kazepay/crypto-profile';
import { toBase64Der } from '../../../src/providers/keys';
import { ConfigError } from '../../../src/config/env';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

test('credentials from variables and files; every profile knob defaults to the spec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kazepay-config-'));
  try {
    const keyFile = join(dir, 'merchant.pem');
    writeFileSync(keyFile, `${privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()}\n`);
    const env = loadKazepayEnv({
      KAZEPAY_BASE_URL: 'https://api.kazepay.example/gateway',
      KAZEPAY_SYS_ID: '202402271432298822660001',
      KAZEPAY_MERCHANT_PRIVATE_KEY_FILE: keyFile,
      KAZEPAY_PLATFORM_PUBLIC_KEY: toBase64Der(publicKey),
    });
    const options = kazepayClientOptionsFromEnv(env);
    assert.deepEqual(options.profile, { ...DEFAULT_CRYPTO_PROFILE });
    // Below the 30 s activity attempt: the client gives its own verdict first.
    assert.equal(options.timeoutMs, 20_000);
    assert.equal(options.amountEncoding, 'number');
    assert.equal(options.responseRequestNo, 'warn');
    assert.equal(options.requestNoDigits, 10);
    assert.equal(options.uploadUrl, undefined);
    // The keys load (PEM from a file, bare base64 DER from a variable).
    assert.equal(new KazepayClient(options).profile.sessionKeyBytes, 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('knobs are read and checked; one error lists every problem without values', () => {
  const env = loadKazepayEnv({
    KAZEPAY_BASE_URL: 'https://x.example/',
    KAZEPAY_SYS_ID: '1',
    KAZEPAY_MERCHANT_PRIVATE_KEY: 'k',
    KAZEPAY_PLATFORM_PUBLIC_KEY: 'k',
    KAZEPAY_SESSION_KEY_BYTES: '32',
    KAZEPAY_CIPHER_MODE: 'cbc-zero-iv',
    KAZEPAY_SIGNATURE_HASH: 'sha1',
    KAZEPAY_AUTH_ERROR_CODES: 'E1, E2',
    KAZEPAY_TIMEOUT: '5s',
  });
  assert.equal(env.KAZEPAY_SESSION_KEY_BYTES, 32);
  assert.equal(env.KAZEPAY_CIPHER_MODE, 'cbc-zero-iv');
  assert.deepEqual(env.KAZEPAY_AUTH_ERROR_CODES, ['E1', 'E2']);
  assert.equal(env.KAZEPAY_TIMEOUT, 5000);
  assert.throws(
    () =>
      loadKazepayEnv({
        KAZEPAY_BASE_URL: 'https://x.example/',
        KAZEPAY_SYS_ID: '1',
        KAZEPAY_MERCHANT_PRIVATE_KEY: 'k',
        KAZEPAY_PLATFORM_PUBLIC_KEY: 'k',
        KAZEPAY_TIMEOUT: '30s',
      }),
    /KAZEPAY_TIMEOUT.*at most 25s/,
  );

  assert.throws(
    () =>
      loadKazepayEnv({
        KAZEPAY_BASE_URL: 'not a url',
        KAZEPAY_CIPHER_MODE: 'des',
        KAZEPAY_SIGNATURE_HASH: 'md5',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const text = error.problems.join('\n');
      for (const name of [
        'KAZEPAY_BASE_URL',
        'KAZEPAY_SYS_ID',
        'KAZEPAY_MERCHANT_PRIVATE_KEY',
        'KAZEPAY_PLATFORM_PUBLIC_KEY',
        'KAZEPAY_CIPHER_MODE',
        'KAZEPAY_SIGNATURE_HASH',
      ])
        assert.match(text, new RegExp(name));
      assert.doesNotMatch(text, /not a url|des\b|md5/);
      return true;
    },
  );
});
