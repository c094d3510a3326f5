// Building the secret store from configuration:
//
//   CARDFLOW_SECRET_STORE        memory (default) | redis
//   CARDFLOW_SECRET_HANDLE_TTL   default lifetime of a handle, e.g. 5m (default 10m, at most 15m)
//   CARDFLOW_REDIS_URL           redis://host:port[/db] or rediss:// (with redis)
//   CARDFLOW_SECRET_STORE_KEY    base64 of 32 random bytes: encrypts values at rest in Redis (with redis)
//   CARDFLOW_SECRET_STORE_REDIS_PREFIX  key prefix (default cardflow:secret:)
//
// Each may be given as <NAME>_FILE. A memory store only works when the API and the worker share
// a process: a split deployment needs redis (the same URL and key on both sides).
import { z } from 'zod';
import { ConfigError, envValue, parseEnv } from '../config/env';
import { decodeBase64Strict } from './codec-keys';
import { MemorySecretStore } from './memory-secret-store';
import { DEFAULT_REDIS_KEY_PREFIX, RedisSecretStore } from './redis-secret-store';
import { DEFAULT_SECRET_TTL_MS, MAX_SECRET_TTL_MS, type SecretStore } from './secret-store';

export const secretStoreEnvSchema = z.object({
  CARDFLOW_SECRET_STORE: z
    .enum(['memory', 'redis'], { message: 'expected memory or redis' })
    .default('memory'),
  CARDFLOW_SECRET_HANDLE_TTL: envValue
    .durationMs()
    .pipe(z.number().min(1000, 'at least 1s').max(MAX_SECRET_TTL_MS, 'at most 15m'))
    .default(DEFAULT_SECRET_TTL_MS),
  CARDFLOW_REDIS_URL: envValue
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'expected redis://host:port or rediss://host:port')
    .optional(),
  CARDFLOW_SECRET_STORE_KEY: envValue
    .string()
    .transform((text, ctx) => {
      const key = decodeBase64Strict(text);
      if (!key || key.length !== 32)
        ctx.addIssue({ code: 'custom', message: 'expected base64 of 32 random bytes' });
      return key ?? Buffer.alloc(0);
    })
    .optional(),
  CARDFLOW_SECRET_STORE_REDIS_PREFIX: envValue.string().default(DEFAULT_REDIS_KEY_PREFIX),
});

export type SecretStoreConfig = z.output<typeof secretStoreEnvSchema>;

/** Parses the secret store settings; with redis, the URL and the key are required. */
export function loadSecretStoreConfig(env: NodeJS.ProcessEnv = process.env): SecretStoreConfig {
  const problems: string[] = [];
  let store: SecretStoreConfig | undefined;
  try {
    store = parseEnv({ store: secretStoreEnvSchema }, env).store;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // The settings redis needs, checked even when another variable was bad: one list of problems.
  const isSet = (name: string) => Boolean(env[name] || env[`${name}_FILE`]);
  const wantsRedis = store ? store.CARDFLOW_SECRET_STORE === 'redis' : env.CARDFLOW_SECRET_STORE === 'redis';
  if (wantsRedis)
    for (const name of ['CARDFLOW_REDIS_URL', 'CARDFLOW_SECRET_STORE_KEY'])
      if (!isSet(name)) problems.push(`${name}: required when CARDFLOW_SECRET_STORE=redis`);
  if (problems.length > 0 || !store) throw new ConfigError(problems);
  return store;
}

/** The secret store named by the configuration (one per process; close it on shutdown). */
export function createSecretStore(config: SecretStoreConfig = loadSecretStoreConfig()): SecretStore {
  const ttl = { defaultTtlMs: config.CARDFLOW_SECRET_HANDLE_TTL, maxTtlMs: MAX_SECRET_TTL_MS };
  if (config.CARDFLOW_SECRET_STORE === 'memory') return new MemorySecretStore(ttl);
  return new RedisSecretStore({
    ...ttl,
    url: config.CARDFLOW_REDIS_URL as string,
    encryptionKey: config.CARDFLOW_SECRET_STORE_KEY as Buffer,
    keyPrefix: config.CARDFLOW_SECRET_STORE_REDIS_PREFIX,
  });
}
