// The exchange codec: payloads the rule says cross the Nexus endpoint go under the exchange
// keyring, the rest under the side's own keys; each side opens what crosses, and a side without
// the other's own keys cannot open the rest.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { defaultPayloadConverter, type SerializationContext } from '@temporalio/common';
import { createKeyring, formatKeyEntry, loadCodecKeyring } from '../../../src/security/codec-keys';
import { ScopedEncryptionCodec } from '../../../src/security/exchange-codec';
import { EncryptionCodec, PayloadDecryptionError, payloadKeyId } from '../../../src/security/payload-codec';

const ring = (id: string) => createKeyring([{ id, key: randomBytes(32) }], id);
const cardflowOwn = ring('cardflow-own');
const callerOwn = ring('caller-own');
const exchange = ring('exchange');
const crossing: SerializationContext = {
  type: 'workflow',
  namespace: 'default',
  workflowId: 'deposit:wasabi:c:d',
};
const staying: SerializationContext = {
  type: 'activity',
  namespace: 'default',
  workflowId: 'deposit:wasabi:c:d',
  isLocal: false,
};
const codecOf = (own: typeof cardflowOwn) =>
  new ScopedEncryptionCodec(own, { keyring: exchange, crosses: (c) => c?.type === 'workflow' });
const payload = () => defaultPayloadConverter.toPayload({ amount: '10.00' });

test('what crosses uses the exchange key, the rest the own key; decoding follows the key id', async () => {
  const cardflow = codecOf(cardflowOwn);
  const [crossed] = await cardflow.encode([payload()], crossing);
  const [kept] = await cardflow.encode([payload()], staying);
  assert.equal(payloadKeyId(crossed!), 'exchange');
  assert.equal(payloadKeyId(kept!), 'cardflow-own');
  const [back] = await cardflow.decode([kept!]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(back!), { amount: '10.00' });
});

test("the caller opens what crosses and nothing under cardflow's own key", async () => {
  const cardflow = codecOf(cardflowOwn);
  const caller = codecOf(callerOwn);
  const [crossed] = await cardflow.encode([payload()], crossing);
  const [kept] = await cardflow.encode([payload()], staying);
  const [opened] = await caller.decode([crossed!]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(opened!), { amount: '10.00' });
  await assert.rejects(caller.decode([kept!]), (e: unknown) => e instanceof PayloadDecryptionError);
  // Without the scope (the plain codec), what cardflow answers is closed to the caller.
  const [plain] = await new EncryptionCodec(cardflowOwn).encode([payload()]);
  await assert.rejects(caller.decode([plain!]), (e: unknown) => e instanceof PayloadDecryptionError);
});

test('a key id naming two different keys is refused: a payload must open under one key only', () => {
  const impostor = createKeyring([{ id: 'exchange', key: randomBytes(32) }], 'exchange');
  assert.throws(
    () => new ScopedEncryptionCodec(impostor, { keyring: exchange, crosses: () => true }),
    /two different keys/,
  );
  // The same key in both rings (the codec keyring decodes with the exchange keys too) is fine.
  assert.ok(new ScopedEncryptionCodec(exchange, { keyring: exchange, crosses: () => true }));
});

test("every door's codec keyring reads what crossed: the exchange keys decode, the current key stays cardflow's", async () => {
  const entry = (k: typeof cardflowOwn) =>
    formatKeyEntry({ id: k.currentKeyId, key: k.keys.get(k.currentKeyId)! });
  const { keyring } = loadCodecKeyring({
    env: { CARDFLOW_CODEC_KEYS: entry(cardflowOwn), CARDFLOW_NEXUS_EXCHANGE_KEYS: entry(exchange) },
  });
  assert.equal(keyring.currentKeyId, 'cardflow-own');
  // What the worker wrote under the exchange key (a flow's result a Nexus caller waits on): the API reads it.
  const [crossed] = await codecOf(cardflowOwn).encode([payload()], crossing);
  const [read] = await new EncryptionCodec(keyring).decode([crossed!]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(read!), { amount: '10.00' });
});
