// The Redis secret store across two store instances (two "processes": the API puts, a worker
// redeems) on a real redis-server started for this file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisSecretStore } from '../../../src/security/redis-secret-store';
import { SecretHandleNotFoundError, SecretStoreUnavailableError } from '../../../src/security/secret-store';
import { secretStoreContract } from '../../unit/security/secret-store-contract';
import { prerequisite } from '../../helpers/prerequisites';
import { type TestRedis, startTestRedis } from './redis-server';

// Missing redis-server fails these tests (naming the install command) unless CARDFLOW_SKIP_REDIS=1.
const redisServer = prerequisite('redis');
const { skip } = redisServer;

let redis: TestRedis;
const key = randomBytes(32);
const stores: RedisSecretStore[] = [];
const newStore = (options: Partial<ConstructorParameters<typeof RedisSecretStore>[0]> = {}) => {
  const store = new RedisSecretStore({ url: redis.url, encryptionKey: key, ...options });
  stores.push(store);
  return store;
};

before(async () => {
  if (redisServer.path) redis = await startTestRedis(redisServer.path);
});
after(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

if (redisServer.path) {
  let api: RedisSecretStore;
  let worker: RedisSecretStore;
  secretStoreContract('redis store (two instances)', () => {
    api ??= newStore();
    worker ??= newStore();
    return {
      writer: api,
      reader: worker,
      shortTtlMs: 100,
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  });
} else {
  test('redis store (two instances): the secret store contract', { skip }, () => {
    redisServer.require();
  });
}

test('redis store: Redis holds ciphertext under hashed keys, with a TTL', { skip }, async () => {
  redisServer.require();
  const store = newStore({ keyPrefix: 'inspect:' });
  const handle = await store.put('246810', { purpose: 'pin', ttlMs: 60_000 });
  const raw = new Redis(redis.url);
  try {
    const keys = await raw.keys('inspect:*');
    assert.equal(keys.length, 2);
    assert.ok(
      keys.every((k) => !k.includes(handle.slice(4))),
      'the handle is not a key',
    );
    for (const k of keys) {
      const value = (await raw.get(k)) ?? '';
      assert.equal(value.includes('246810'), false);
      assert.equal(Buffer.from(value, 'base64').includes(Buffer.from('246810')), false);
      const ttl = await raw.pttl(k);
      assert.ok(ttl > 0, `${k} has a TTL`);
    }
  } finally {
    raw.disconnect();
  }
  assert.equal(await store.redeem(handle, 'pin'), '246810');
});

test(
  'redis store: a release leaves no value, only the step ending, living no longer than the handle',
  { skip },
  async () => {
    redisServer.require();
    const store = newStore({ keyPrefix: 'ending:' });
    const handle = await store.put('470219', { purpose: 'pin', ttlMs: 60_000 });
    assert.equal(await store.redeem(handle, 'pin', { claimant: 'wf-1/kazepaySetPin' }), '470219');
    await store.release(handle, { outcome: 'done' });
    const raw = new Redis(redis.url);
    try {
      const keys = (await raw.keys('ending:*')).sort();
      assert.deepEqual(
        keys.map((k) => k.split(':')[1]),
        ['e', 'm'],
        'the value key is gone; the marker and the ending remain',
      );
      const ending = keys.find((k) => k.startsWith('ending:e:')) as string;
      const text = (await raw.get(ending)) ?? '';
      assert.equal(text.includes('470219'), false, 'nothing of the value');
      assert.equal(text.includes('wf-1'), false, 'the claimant only as a digest');
      const ttl = await raw.pttl(ending);
      assert.ok(ttl > 0 && ttl <= 60_000, `the ending expires with the handle (${ttl} ms)`);
    } finally {
      raw.disconnect();
    }
  },
);

test('redis store: concurrent redeems of one handle give the value exactly once', { skip }, async () => {
  redisServer.require();
  const a = newStore();
  const b = newStore();
  const handle = await a.put('1357', { purpose: 'pin' });
  const results = await Promise.allSettled([a, b, a, b].map((s) => s.redeem(handle, 'pin')));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(
    results.every(
      (r) => r.status === 'fulfilled' || (r.reason as Error).name === 'SecretHandleAlreadyRedeemedError',
    ),
  );
});

test('redis store: a reader with another encryption key cannot read the value', { skip }, async () => {
  redisServer.require();
  const writer = newStore();
  const reader = newStore({ encryptionKey: randomBytes(32) });
  const handle = await writer.put('8642', { purpose: 'pin' });
  await assert.rejects(reader.redeem(handle, 'pin'), SecretHandleNotFoundError);
});

// No redis-server needed: nothing listens on port 1.
test('redis store: an unreachable Redis is a retryable SecretStoreUnavailableError', async () => {
  const store = new RedisSecretStore({
    url: 'redis://127.0.0.1:1',
    encryptionKey: key,
    redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null },
  });
  stores.push(store);
  await assert.rejects(
    store.put('1', { purpose: 'pin' }),
    (e: unknown) => e instanceof SecretStoreUnavailableError && e.retryable && !e.message.includes('1 '),
  );
});
