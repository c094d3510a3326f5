// The behaviour every SecretStore shares, run against the memory store (unit) and the Redis
// store (integration). `advance` moves the store's clock (fake for memory, real for Redis).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HANDLE_PATTERN,
  SecretHandleAlreadyRedeemedError,
  SecretHandleExpiredError,
  SecretHandleNotFoundError,
  SecretHandlePurposeMismatchError,
  type SecretStore,
  isSecretHandleError,
} from '../../../src/security/secret-store';

export interface ContractSubject {
  /** A store writing where `reader` reads (the same instance, or another "process"). */
  writer: SecretStore;
  reader: SecretStore;
  /** Lets `ms` milliseconds pass for the store. */
  advance(ms: number): Promise<void>;
  /** A ttl short enough for `advance` to pass it quickly. */
  shortTtlMs: number;
}

export function secretStoreContract(label: string, subject: () => ContractSubject): void {
  test(`${label}: put returns an opaque pin_ handle; redeem gives the value once`, async () => {
    const { writer, reader } = subject();
    const handle = await writer.put('1234', { purpose: 'pin' });
    assert.match(handle, HANDLE_PATTERN);
    assert.match(handle, /^pin_/);
    assert.equal(handle.includes('1234'), false);
    assert.equal(await reader.redeem(handle, 'pin'), '1234');
    await assert.rejects(reader.redeem(handle, 'pin'), (e: unknown) => {
      assert.ok(e instanceof SecretHandleAlreadyRedeemedError);
      assert.equal(e.name, 'SecretHandleAlreadyRedeemedError');
      assert.equal(e.retryable, false);
      assert.doesNotMatch(e.message, /1234/);
      assert.equal(e.message.includes(handle), false, 'the handle itself is not echoed');
      return true;
    });
    await assert.rejects(writer.redeem(handle, 'pin'), SecretHandleAlreadyRedeemedError);
  });

  test(`${label}: two handles for the same value are distinct and independent`, async () => {
    const { writer, reader } = subject();
    const a = await writer.put('5678', { purpose: 'pin' });
    const b = await writer.put('5678', { purpose: 'activation-code' });
    assert.notEqual(a, b);
    assert.match(b, /^sec_/);
    assert.equal(await reader.redeem(b, 'activation-code'), '5678');
    assert.equal(await reader.redeem(a, 'pin'), '5678');
  });

  test(`${label}: an expired handle is refused as expired`, async () => {
    const { writer, reader, advance, shortTtlMs } = subject();
    const handle = await writer.put('4321', { purpose: 'pin', ttlMs: shortTtlMs });
    await advance(shortTtlMs + 50);
    await assert.rejects(
      reader.redeem(handle, 'pin'),
      (e: unknown) => e instanceof SecretHandleExpiredError && e.name === 'SecretHandleExpiredError',
    );
  });

  test(`${label}: a wrong purpose is refused and does not consume the handle`, async () => {
    const { writer, reader } = subject();
    const handle = await writer.put('9999', { purpose: 'pin' });
    await assert.rejects(
      reader.redeem(handle, 'activation-code'),
      (e: unknown) => e instanceof SecretHandlePurposeMismatchError && !e.message.includes('9999'),
    );
    assert.equal(await reader.redeem(handle, 'pin'), '9999');
  });

  test(`${label}: unknown and malformed handles are refused as not found`, async () => {
    const { reader } = subject();
    const unknown = `pin_${'A'.repeat(43)}`;
    await assert.rejects(
      reader.redeem(unknown, 'pin'),
      (e: unknown) => e instanceof SecretHandleNotFoundError && e.name === 'SecretHandleNotFoundError',
    );
    await assert.rejects(reader.redeem('pin_short', 'pin'), SecretHandleNotFoundError);
    await assert.rejects(reader.redeem('', 'pin'), (e: unknown) => isSecretHandleError(e));
  });

  test(`${label}: a claimant's retry gets the value again; anyone else is refused; release ends it`, async () => {
    const { writer, reader } = subject();
    const handle = await writer.put('2468', { purpose: 'pin' });
    const activity = 'pin-wf/run-1/7';
    assert.equal(await reader.redeem(handle, 'pin', { claimant: activity }), '2468');
    // The attempt died before the provider answered: the retry of the same activity goes on.
    assert.equal(await writer.redeem(handle, 'pin', { claimant: activity }), '2468');
    await assert.rejects(
      reader.redeem(handle, 'pin', { claimant: 'pin-wf/run-1/8' }),
      SecretHandleAlreadyRedeemedError,
    );
    await assert.rejects(reader.redeem(handle, 'pin'), SecretHandleAlreadyRedeemedError);
    await reader.release(handle);
    await assert.rejects(
      reader.redeem(handle, 'pin', { claimant: activity }),
      SecretHandleAlreadyRedeemedError,
    );
    // Releasing again, or an unknown or malformed handle, is harmless.
    await reader.release(handle);
    await reader.release(`pin_${'B'.repeat(43)}`);
    await reader.release('not-a-handle');
  });

  test(`${label}: a claimed handle still expires, and release consumes an unclaimed one`, async () => {
    const { writer, reader, advance, shortTtlMs } = subject();
    const claimed = await writer.put('1357', { purpose: 'pin', ttlMs: shortTtlMs });
    assert.equal(await reader.redeem(claimed, 'pin', { claimant: 'a' }), '1357');
    await advance(shortTtlMs + 50);
    await assert.rejects(reader.redeem(claimed, 'pin', { claimant: 'a' }), SecretHandleExpiredError);
    const released = await writer.put('8642', { purpose: 'pin' });
    await reader.release(released);
    await assert.rejects(reader.redeem(released, 'pin'), SecretHandleAlreadyRedeemedError);
  });

  test(`${label}: bad put arguments are programming errors`, async () => {
    const { writer } = subject();
    await assert.rejects(writer.put('', { purpose: 'pin' }), TypeError);
    await assert.rejects(writer.put('1', { purpose: 'PIN!' }), TypeError);
    await assert.rejects(writer.put('1', { purpose: 'pin', ttlMs: 15 * 60_000 + 1 }), RangeError);
    await assert.rejects(writer.put('1', { purpose: 'pin', ttlMs: 0 }), RangeError);
  });
}
