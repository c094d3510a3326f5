import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemorySecretStore } from '../../../src/security/memory-secret-store';
import {
  SECRET_HANDLE_ERROR_NAMES,
  SecretHandleNotFoundError,
  SecretStoreUnavailableError,
  isSecretHandleError,
  secretHandleFailure,
  ttlSettings,
} from '../../../src/security/secret-store';
import { secretStoreContract } from './secret-store-contract';

let clock = 1_000_000;
const store = new MemorySecretStore({ now: () => clock });
secretStoreContract('memory store', () => ({
  writer: store,
  reader: store,
  shortTtlMs: 1000,
  advance: async (ms) => {
    clock += ms;
  },
}));

test('memory store: the default ttl is 10 minutes, configurable, never above 15 minutes', async () => {
  let now = 0;
  const s = new MemorySecretStore({ now: () => now, defaultTtlMs: 60_000 });
  const h = await s.put('1234', { purpose: 'pin' });
  now = 59_999;
  assert.equal(s.liveCount(), 1);
  now = 60_000;
  assert.equal(s.liveCount(), 0);
  await assert.rejects(s.redeem(h, 'pin'), { name: 'SecretHandleExpiredError' });
  assert.deepEqual(ttlSettings(), { defaultTtlMs: 600_000, maxTtlMs: 900_000 });
  assert.throws(() => new MemorySecretStore({ maxTtlMs: 16 * 60_000 }), RangeError);
  assert.throws(() => new MemorySecretStore({ maxTtlMs: 60_000, defaultTtlMs: 120_000 }), RangeError);
});

test('memory store: values are dropped at expiry and tombstones are forgotten after a while', async () => {
  let now = 0;
  const s = new MemorySecretStore({ now: () => now, tombstoneMs: 5_000 });
  const h = await s.put('1234', { purpose: 'pin', ttlMs: 1_000 });
  assert.equal(await s.redeem(h, 'pin'), '1234');
  now = 1_000 + 5_000;
  await assert.rejects(s.redeem(h, 'pin'), SecretHandleNotFoundError);
  await s.close();
});

test('a refusal becomes a typed ApplicationFailure for the workflow layer', async () => {
  const s = new MemorySecretStore();
  const handle = await s.put('1234', { purpose: 'pin' });
  await s.redeem(handle, 'pin');
  const error = await s.redeem(handle, 'pin').then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(isSecretHandleError(error));
  const failure = secretHandleFailure(error);
  assert.equal(failure.type, 'SecretHandleAlreadyRedeemedError');
  assert.equal(failure.nonRetryable, true);
  assert.equal(failure.message.includes(handle), false);
  assert.deepEqual(failure.details, [{ handleFingerprint: error.handleFingerprint }]);
  assert.equal(secretHandleFailure(new SecretStoreUnavailableError('down')).nonRetryable, false);
  assert.deepEqual([...SECRET_HANDLE_ERROR_NAMES].sort(), [
    'SecretHandleAlreadyRedeemedError',
    'SecretHandleExpiredError',
    'SecretHandleNotFoundError',
    'SecretHandlePurposeMismatchError',
    'SecretStoreUnavailableError',
  ]);
});

test('a step ending keeps short plain tokens only: free text (a value, a message) is refused', async () => {
  const s = new MemorySecretStore();
  const handle = await s.put('1234', { purpose: 'pin' });
  await s.redeem(handle, 'pin', { claimant: 'wf/step' });
  await assert.rejects(s.release(handle, { outcome: 'done', note: 'PIN 1234 set' }), TypeError);
  await assert.rejects(
    s.release(handle, { outcome: 'refused', failureType: 'ProviderRejectedError', code: 'bad|code' }),
    TypeError,
  );
  await assert.rejects(s.release(handle, { outcome: 'refused', failureType: '' }), TypeError);
  // Refused releases changed nothing: the claim still holds its value.
  assert.equal(await s.redeem(handle, 'pin', { claimant: 'wf/step' }), '1234');
});
