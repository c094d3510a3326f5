import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createKeyring } from '../../../src/security/codec-keys';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  PayloadDecryptionError,
  isEncryptedPayload,
  payloadKeyId,
} from '../../../src/security/payload-codec';
import { testOnlyKeyring } from '../../helpers/test-data-converter';

const CANARY = '4111111111111111 canary-cvv-937';
const keyA = { id: 'key-a', key: randomBytes(32) };
const keyB = { id: 'key-b', key: randomBytes(32) };
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

test('round trip: encode then decode gives back the same payloads, metadata included', async () => {
  const codec = new EncryptionCodec(testOnlyKeyring());
  const originals = [
    defaultPayloadConverter.toPayload({ pan: CANARY, amount: '10.00' }),
    defaultPayloadConverter.toPayload(undefined),
    defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
  ];
  const encoded = await codec.encode(originals);
  assert.equal(encoded.length, 3);
  for (const p of encoded) {
    assert.equal(text(p.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(p.metadata?.['encryption-key-id']), 'test-only-public');
    assert.ok(isEncryptedPayload(p));
  }
  const decoded = await codec.decode(encoded);
  assert.deepEqual(
    decoded.map((p) => defaultPayloadConverter.fromPayload(p)),
    [{ pan: CANARY, amount: '10.00' }, undefined, new Uint8Array([0, 1, 2, 255])],
  );
  assert.deepEqual(
    decoded.map((p) => text(p.metadata?.encoding)),
    originals.map((p) => text(p.metadata?.encoding)),
  );
});

test('the ciphertext contains neither the plaintext nor its metadata, and each payload gets its own IV', async () => {
  const codec = new EncryptionCodec(testOnlyKeyring());
  const payload = defaultPayloadConverter.toPayload({ pan: CANARY });
  const [one, two] = await codec.encode([payload, payload]);
  for (const p of [one, two]) {
    const bytes = Buffer.from(p!.data!);
    assert.equal(bytes.includes(Buffer.from('4111111111111111')), false);
    assert.equal(bytes.includes(Buffer.from('json/plain')), false);
    assert.equal(bytes.toString('base64').includes(Buffer.from(CANARY).toString('base64')), false);
  }
  assert.notDeepEqual(Buffer.from(one!.data!), Buffer.from(two!.data!));
  assert.notDeepEqual(Buffer.from(one!.data!).subarray(0, 12), Buffer.from(two!.data!).subarray(0, 12));
});

test('payloads the codec did not encode pass through decode unchanged', async () => {
  const codec = new EncryptionCodec(testOnlyKeyring());
  const foreign: Payload[] = [
    defaultPayloadConverter.toPayload({ from: 'a service without the codec' }),
    { metadata: { encoding: Buffer.from('binary/zlib') }, data: Buffer.from('xyz') },
    { metadata: {}, data: Buffer.from('no encoding at all') },
  ];
  assert.deepEqual(await codec.decode(foreign), foreign);
  assert.equal(payloadKeyId(foreign[0]!), undefined);
});

test('rotation: old payloads decode after a new current key is added; new payloads carry the new id', async () => {
  const before = new EncryptionCodec(createKeyring([keyA], 'key-a'));
  const [old] = await before.encode([defaultPayloadConverter.toPayload('written under A')]);
  assert.equal(payloadKeyId(old!), 'key-a');

  const after = new EncryptionCodec(createKeyring([keyA, keyB], 'key-b'));
  const [decodedOld] = await after.decode([old!]);
  assert.equal(defaultPayloadConverter.fromPayload(decodedOld!), 'written under A');
  const [fresh] = await after.encode([defaultPayloadConverter.toPayload('written under B')]);
  assert.equal(payloadKeyId(fresh!), 'key-b');

  // A reader that only has A cannot read B's payloads: the error names the id, not the key.
  await assert.rejects(before.decode([fresh!]), (e: unknown) => {
    assert.ok(e instanceof PayloadDecryptionError);
    assert.equal(e.reason, 'unknown-key');
    assert.equal(e.keyId, 'key-b');
    assert.match(e.message, /key id "key-b".*not in the configured codec keyring/);
    assert.doesNotMatch(
      e.message,
      new RegExp(keyB.key.toString('base64').slice(0, 12).replace(/[+/]/g, '.')),
    );
    return true;
  });
});

test('tampered data, a re-labelled key id and a truncated payload each fail clearly', async () => {
  const codec = new EncryptionCodec(createKeyring([keyA, keyB], 'key-a'));
  const [good] = await codec.encode([defaultPayloadConverter.toPayload({ pin: '1234' })]);

  const flipped = Buffer.from(good!.data!);
  flipped[20] = flipped[20]! ^ 0x01;
  await assert.rejects(
    codec.decode([{ ...good!, data: flipped }]),
    (e: unknown) =>
      e instanceof PayloadDecryptionError &&
      e.reason === 'tampered' &&
      /failed authentication/.test(e.message),
  );

  const relabelled = { ...good!, metadata: { ...good!.metadata, 'encryption-key-id': Buffer.from('key-b') } };
  await assert.rejects(
    codec.decode([relabelled]),
    (e: unknown) => e instanceof PayloadDecryptionError && e.reason === 'tampered' && e.keyId === 'key-b',
  );

  await assert.rejects(
    codec.decode([{ ...good!, data: Buffer.from(good!.data!).subarray(0, 10) }]),
    (e: unknown) => e instanceof PayloadDecryptionError && e.reason === 'malformed',
  );
});

test('a codec cannot be built on a keyring without its current key', () => {
  assert.throws(
    () => new EncryptionCodec({ currentKeyId: 'missing', keys: new Map([['key-a', keyA.key]]) }),
    /no key for its current key id "missing"/,
  );
});
