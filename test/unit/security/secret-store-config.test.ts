import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/env';
import { MemorySecretStore } from '../../../src/security/memory-secret-store';
import { RedisSecretStore } from '../../../src/security/redis-secret-store';
import { createSecretStore, loadSecretStoreConfig } from '../../../src/security/secret-store-config';

test('secret store config: memory with a 10 minute ttl by default', async () => {
  const config = loadSecretStoreConfig({});
  assert.equal(config.CARDFLOW_SECRET_STORE, 'memory');
  assert.equal(config.CARDFLOW_SECRET_HANDLE_TTL, 600_000);
  const store = createSecretStore(config);
  assert.ok(store instanceof MemorySecretStore);
  await store.close();
});

test('secret store config: redis needs a URL and a 32-byte key; every problem is listed, no value echoed', () => {
  const shortKey = randomBytes(16).toString('base64');
  assert.throws(
    () =>
      loadSecretStoreConfig({
        CARDFLOW_SECRET_STORE: 'redis',
        CARDFLOW_SECRET_HANDLE_TTL: '20m',
        CARDFLOW_SECRET_STORE_KEY: shortKey,
      }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.length, 3, e.message);
      assert.match(e.message, /CARDFLOW_SECRET_HANDLE_TTL: at most 15m/);
      assert.match(e.message, /CARDFLOW_SECRET_STORE_KEY: expected base64 of 32 random bytes/);
      assert.match(e.message, /CARDFLOW_REDIS_URL: required when CARDFLOW_SECRET_STORE=redis/);
      assert.equal(e.message.includes(shortKey), false);
      return true;
    },
  );
  assert.throws(
    () => loadSecretStoreConfig({ CARDFLOW_SECRET_STORE: 'disk' }),
    /CARDFLOW_SECRET_STORE: expected memory or redis/,
  );
});

test('secret store config: a complete redis configuration builds the Redis store (no connection until used)', async () => {
  const store = createSecretStore(
    loadSecretStoreConfig({
      CARDFLOW_SECRET_STORE: 'redis',
      CARDFLOW_REDIS_URL: 'redis://127.0.0.1:1',
      CARDFLOW_SECRET_STORE_KEY: randomBytes(32).toString('base64'),
      CARDFLOW_SECRET_HANDLE_TTL: '5m',
    }),
  );
  assert.ok(store instanceof RedisSecretStore);
  await store.close();
});
