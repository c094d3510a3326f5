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

/** How the step ended, as a refusal tells its own claimant (undefined: a plain refusal). */
const endingOf = (e: unknown) => (e as { ending?: unknown }).ending;
/** "Already redeemed" and nothing more: no word on how the step ended. */
const plainlyRedeemed = (e: unknown) =>
  e instanceof SecretHandleAlreadyRedeemedError && endingOf(e) === undefined;

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
    await reader.release(handle, { outcome: 'done' });
    // Released, the value is gone: the same step learns it ended (never the value), others do not.
    await assert.rejects(reader.redeem(handle, 'pin', { claimant: 'pin-wf/run-1/8' }), plainlyRedeemed);
    // Releasing again, or an unknown or malformed handle, is harmless.
    await reader.release(handle, { outcome: 'done' });
    await reader.release(`pin_${'B'.repeat(43)}`, { outcome: 'done' });
    await reader.release('not-a-handle', { outcome: 'done' });
  });

  test(`${label}: after a release the same claimant learns the step is done, without the value; anyone else is refused`, async () => {
    const { writer, reader } = subject();
    const handle = await writer.put('246813', { purpose: 'pin' });
    const step = 'activation:kazepay:c1/kazepaySetPin';
    assert.equal(await reader.redeem(handle, 'pin', { claimant: step }), '246813');
    await reader.release(handle, { outcome: 'done', note: 'card-77' });
    // The completion of the attempt was lost: its retry (same step, another process) asks again.
    for (const store of [reader, writer]) {
      await assert.rejects(store.redeem(handle, 'pin', { claimant: step }), (e: unknown) => {
        assert.deepEqual(endingOf(e), { outcome: 'done', note: 'card-77' }, `got ${String(e)}`);
        assert.ok(e instanceof SecretHandleAlreadyRedeemedError && e.retryable === false);
        assert.doesNotMatch(e.message, /246813/);
        return true;
      });
    }
    for (const other of [{ claimant: 'activation:kazepay:c2/kazepaySetPin' }, {}]) {
      await assert.rejects(
        reader.redeem(handle, 'pin', other),
        plainlyRedeemed,
        'another claimant (or a plain redeem) is told "already redeemed", nothing more',
      );
    }
    // A second release does not change how the step ended.
    await reader.release(handle, { outcome: 'refused', failureType: 'ProviderRejectedError' });
    await assert.rejects(
      writer.redeem(handle, 'pin', { claimant: step }),
      (e: unknown) => (endingOf(e) as { outcome?: string })?.outcome === 'done',
    );
  });

  test(`${label}: a release after a final refusal is told to the retry as that refusal, never as done`, async () => {
    const { writer, reader } = subject();
    const handle = await writer.put('975310', { purpose: 'pin' });
    const step = 'activation:wasabi:c3/wasabiActivatePhysicalCard';
    assert.equal(await reader.redeem(handle, 'pin', { claimant: step }), '975310');
    await reader.release(handle, { outcome: 'refused', failureType: 'ProviderRejectedError', code: '40012' });
    await assert.rejects(writer.redeem(handle, 'pin', { claimant: step }), (e: unknown) => {
      assert.deepEqual(
        endingOf(e),
        { outcome: 'refused', failureType: 'ProviderRejectedError', code: '40012' },
        `got ${String(e)}`,
      );
      return true;
    });
  });

  test(`${label}: the step-ended record lasts only until the handle's expiry`, async () => {
    const { writer, reader, advance, shortTtlMs } = subject();
    const handle = await writer.put('864213', { purpose: 'pin', ttlMs: shortTtlMs });
    const step = 'wf/kazepaySetPin';
    assert.equal(await reader.redeem(handle, 'pin', { claimant: step }), '864213');
    await reader.release(handle, { outcome: 'done' });
    await assert.rejects(reader.redeem(handle, 'pin', { claimant: step }), (e: unknown) => !!endingOf(e));
    await advance(shortTtlMs + 50);
    await assert.rejects(reader.redeem(handle, 'pin', { claimant: step }), plainlyRedeemed);
  });

  test(`${label}: a release records no ending for a handle nobody claimed, nor once its value expired`, async () => {
    const { writer, reader, advance, shortTtlMs } = subject();
    const unclaimed = await writer.put('112358', { purpose: 'pin' });
    await reader.release(unclaimed, { outcome: 'done' });
    await assert.rejects(reader.redeem(unclaimed, 'pin', { claimant: 'wf/step' }), plainlyRedeemed);
    const late = await writer.put('132134', { purpose: 'pin', ttlMs: shortTtlMs });
    assert.equal(await reader.redeem(late, 'pin', { claimant: 'wf/step' }), '132134');
    await advance(shortTtlMs + 50);
    await reader.release(late, { outcome: 'done' });
    await assert.rejects(
      reader.redeem(late, 'pin', { claimant: 'wf/step' }),
      (e: unknown) => isSecretHandleError(e) && endingOf(e) === undefined,
    );
  });

  test(`${label}: a claimed handle still expires, and release consumes an unclaimed one`, async () => {
    const { writer, reader, advance, shortTtlMs } = subject();
    const claimed = await writer.put('1357', { purpose: 'pin', ttlMs: shortTtlMs });
    assert.equal(await reader.redeem(claimed, 'pin', { claimant: 'a' }), '1357');
    await advance(shortTtlMs + 50);
    await assert.rejects(reader.redeem(claimed, 'pin', { claimant: 'a' }), SecretHandleExpiredError);
    const released = await writer.put('8642', { purpose: 'pin' });
    await reader.release(released, { outcome: 'done' });
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
