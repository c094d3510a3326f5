import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/env';
import {
  DEV_KEYRING_FILE,
  formatKeyEntry,
  generateCodecKey,
  loadCodecKeyring,
  readKeyringFile,
} from '../../../src/security/codec-keys';
import { TEST_ONLY_KEYRING_PATH } from '../../helpers/test-data-converter';

const b64 = (n: number) => randomBytes(n).toString('base64');
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError');
};

test('keys and the current key id come from configuration', () => {
  const a = b64(32);
  const b = b64(32);
  const { keyring, source } = loadCodecKeyring({
    env: { CARDFLOW_CODEC_KEYS: `2026-01:${a}, 2026-06:${b}`, CARDFLOW_CODEC_CURRENT_KEY_ID: '2026-06' },
  });
  assert.equal(source, 'config');
  assert.equal(keyring.currentKeyId, '2026-06');
  assert.deepEqual([...keyring.keys.keys()], ['2026-01', '2026-06']);
  assert.equal(keyring.keys.get('2026-01')!.toString('base64'), a);
});

test('a single key is current without naming it; _FILE variants work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-keys-'));
  const file = join(dir, 'keys');
  const entry = formatKeyEntry(generateCodecKey('prod'));
  writeFileSync(file, `${entry}\n`);
  const { keyring } = loadCodecKeyring({ env: { CARDFLOW_CODEC_KEYS_FILE: file } });
  assert.equal(keyring.currentKeyId, entry.split(':')[0]);
});

test('every bad codec variable is listed in one error, and no key material is echoed', () => {
  const short = b64(16);
  const err = errorOf(() =>
    loadCodecKeyring({
      env: {
        CARDFLOW_CODEC_KEYS: `good:${b64(32)},short:${short},bad id!:${b64(32)},nocolon,notb64:%%%%`,
        CARDFLOW_CODEC_CURRENT_KEY_ID: 'not/valid',
        CARDFLOW_DATA_DIR: '',
      },
    }),
  );
  const text = err.message;
  assert.match(text, /CARDFLOW_CODEC_KEYS: key "short": key must be 32 bytes/);
  assert.match(text, /CARDFLOW_CODEC_KEYS: entry #3: key id must match/);
  assert.match(text, /CARDFLOW_CODEC_KEYS: entry #4: expected keyId:base64Key/);
  assert.match(text, /CARDFLOW_CODEC_KEYS: key "notb64": key is not valid base64/);
  assert.match(text, /CARDFLOW_CODEC_CURRENT_KEY_ID: expected a key id/);
  assert.equal(text.includes(short), false);
  assert.equal(text.includes('%%%%'), false);
});

test('the current key id must be configured with several keys and must be one of them', () => {
  assert.match(
    errorOf(() => loadCodecKeyring({ env: { CARDFLOW_CODEC_KEYS: `a:${b64(32)},b:${b64(32)}` } })).message,
    /CARDFLOW_CODEC_CURRENT_KEY_ID: required when CARDFLOW_CODEC_KEYS holds more than one key/,
  );
  assert.match(
    errorOf(() =>
      loadCodecKeyring({ env: { CARDFLOW_CODEC_KEYS: `a:${b64(32)}`, CARDFLOW_CODEC_CURRENT_KEY_ID: 'c' } }),
    ).message,
    /CARDFLOW_CODEC_CURRENT_KEY_ID: "c" is not one of the ids/,
  );
  assert.match(
    errorOf(() =>
      loadCodecKeyring({
        env: { CARDFLOW_CODEC_KEYS: `a:${b64(32)},a:${b64(32)}`, CARDFLOW_CODEC_CURRENT_KEY_ID: 'a' },
      }),
    ).message,
    /key "a": key id appears twice/,
  );
});

test('without configured keys: refused by default, generated into the dev data folder (0600) when allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-devkeys-'));
  assert.match(
    errorOf(() => loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dir } })).message,
    /CARDFLOW_CODEC_KEYS: required/,
  );

  const first = loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dir }, devKeys: 'generate' });
  assert.equal(first.source, 'dev-file');
  assert.equal(first.created, true);
  assert.equal(first.path, join(dir, DEV_KEYRING_FILE));
  assert.equal(statSync(first.path!).mode & 0o777, 0o600);
  assert.match(first.keyring.currentKeyId, /^dev-\d{8}-[0-9a-f]{6}$/);

  const again = loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dir }, devKeys: 'generate' });
  assert.equal(again.created, false);
  assert.equal(again.keyring.currentKeyId, first.keyring.currentKeyId);
  assert.deepEqual(
    again.keyring.keys.get(again.keyring.currentKeyId),
    first.keyring.keys.get(first.keyring.currentKeyId),
  );
});

test('the committed test-only keyring is clearly labelled public and test-only', () => {
  const raw = JSON.parse(readFileSync(TEST_ONLY_KEYRING_PATH, 'utf8')) as { _comment: string };
  assert.match(raw._comment, /TEST-ONLY/);
  assert.match(raw._comment, /PUBLIC/);
  assert.equal(readKeyringFile(TEST_ONLY_KEYRING_PATH).currentKeyId, 'test-only-public');
});

test('a keyring file with a bad key is refused without echoing it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-keyfile-'));
  const file = join(dir, 'k.json');
  const short = b64(8);
  writeFileSync(file, JSON.stringify({ currentKeyId: 'x', keys: [{ id: 'x', key: short }] }));
  assert.throws(
    () => readKeyringFile(file),
    (e: unknown) =>
      e instanceof Error && /key "x" must be 32 bytes/.test(e.message) && !e.message.includes(short),
  );
  assert.throws(() => readKeyringFile(join(dir, 'missing.json')), /Cannot read codec keyring file .*ENOENT/);
});
