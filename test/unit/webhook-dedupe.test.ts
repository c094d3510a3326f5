// Notification deduplication: a copy is acknowledged as a duplicate only once the first copy was
// acted on. A copy that arrives while the first is still being handled must be sent again later:
// if it were acknowledged and the first then failed, the notification would be lost.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimNotification, InMemoryDedupeStore } from '../../src/providers/webhook-dedupe';

const KEYS = ['rid|1', 'biz|card|c1|ACTIVE'];

describe('claimNotification', () => {
  test('a copy while the first is in flight is not a duplicate; after the first fails, the next copy is handled', async () => {
    const store = new InMemoryDedupeStore();
    const first = await claimNotification(store, KEYS);
    assert.equal(first.verdict, 'new');
    // The provider's sender timed out and sent the same notification again.
    const copy = await claimNotification(store, ['rid|2', KEYS[1] as string]);
    assert.equal(copy.verdict, 'in-flight');
    await first.release(); // Temporal could not be reached: the first copy failed.
    const retry = await claimNotification(store, ['rid|2', KEYS[1] as string]);
    assert.equal(retry.verdict, 'new', 'the retry is handled: nothing lost');
  });

  test('once settled, every copy is a duplicate, by request id or by business key', async () => {
    const store = new InMemoryDedupeStore();
    const first = await claimNotification(store, KEYS);
    await first.settle();
    assert.equal((await claimNotification(store, KEYS)).verdict, 'duplicate');
    const newId = await claimNotification(store, ['rid|3', KEYS[1] as string]);
    assert.equal(newId.verdict, 'duplicate');
    // The copy's own new key is settled too, so a copy of the copy is a duplicate, never in flight.
    assert.equal((await claimNotification(store, ['rid|3', 'biz|other'])).verdict, 'duplicate');
  });

  test('a copy in flight holds no key of its own', async () => {
    const store = new InMemoryDedupeStore();
    await claimNotification(store, KEYS);
    await claimNotification(store, ['rid|9', KEYS[1] as string]); // in flight: rid|9 released
    assert.equal(await store.claim('rid|9'), 'claimed');
  });

  test('the store forgets its oldest keys beyond its bound', async () => {
    const store = new InMemoryDedupeStore(2);
    for (const key of ['a', 'b', 'c']) await store.claim(key);
    assert.equal(await store.claim('a'), 'claimed');
    assert.equal(await store.claim('c'), 'in-flight');
  });
});
