// The cross-process secret store on Redis: the API puts, a worker in another process redeems.
//
// For each handle, two keys under the prefix, both named by the SHA-256 of the handle (so
// whoever can read Redis still cannot redeem):
//   <prefix>v:<digest>  the value, AES-256-GCM encrypted under CARDFLOW_SECRET_STORE_KEY with the
//                       digest and the purpose as additional data; Redis TTL = the handle's ttl
//   <prefix>m:<digest>  "live|<purpose>", "claimed|<purpose>|<claimant digest>" or
//                       "redeemed|<purpose>" (nothing secret); it outlives
//                       the value by `tombstoneMs` so a late redeem is told "expired" or
//                       "already redeemed" rather than "not found"
//   <prefix>e:<digest>  "<claimant digest>|<ending JSON>": how a claimed step ended, written by
//                       release in the same script that deletes the value; Redis TTL = what was
//                       left of the value's, so it lasts until the handle's expiry (nothing secret)
// Redeem and release are Lua scripts, atomic in Redis: two workers redeeming the same handle at
// once get the value once between them, and a release never leaves the value without its ending.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import {
  HANDLE_PATTERN,
  type PutSecretOptions,
  type RedeemOptions,
  SecretHandleAlreadyRedeemedError,
  SecretHandleExpiredError,
  SecretHandleNotFoundError,
  SecretHandlePurposeMismatchError,
  type SecretStepEnding,
  SecretStepEndedError,
  type SecretStore,
  SecretStoreUnavailableError,
  type SecretTtlSettings,
  checkEnding,
  checkPurpose,
  checkPut,
  claimantDigest,
  handleDigest,
  malformedHandle,
  newSecretHandle,
  ttlSettings,
} from './secret-store';

export const DEFAULT_REDIS_KEY_PREFIX = 'cardflow:secret:';

export interface RedisSecretStoreOptions extends Partial<SecretTtlSettings> {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). */
  url: string;
  /** 32 bytes: the AES-256-GCM key that encrypts values at rest in Redis. */
  encryptionKey: Buffer;
  /** Key prefix (default `cardflow:secret:`). */
  keyPrefix?: string;
  /** How long a redeemed or expired handle is still recognised (default: 1 hour). */
  tombstoneMs?: number;
  /** Extra ioredis options (timeouts, TLS). */
  redisOptions?: RedisOptions;
}

// KEYS: value, marker, ending. ARGV[1] the purpose; ARGV[2] the claimant's digest, or '' for a
// plain (deleting) redeem. The marker becomes 'claimed|<purpose>|<claimant digest>' for a claim.
// A redeemed handle answers its own claimant with the step's ending, if release recorded one.
const REDEEM_SCRIPT = `
local marker = redis.call('GET', KEYS[2])
if not marker then return {'not-found'} end
local sep = string.find(marker, '|', 1, true)
if not sep then return {'not-found'} end
local state = string.sub(marker, 1, sep - 1)
local rest = string.sub(marker, sep + 1)
local purpose = rest
local holder = ''
local sep2 = string.find(rest, '|', 1, true)
if sep2 then
  purpose = string.sub(rest, 1, sep2 - 1)
  holder = string.sub(rest, sep2 + 1)
end
if state == 'redeemed' then
  local ended = ARGV[2] ~= '' and redis.call('GET', KEYS[3])
  if ended then
    local at = string.find(ended, '|', 1, true)
    if at and string.sub(ended, 1, at - 1) == ARGV[2] then return {'ended', string.sub(ended, at + 1)} end
  end
  return {'redeemed'}
end
if purpose ~= ARGV[1] then return {'purpose', purpose} end
local value = redis.call('GET', KEYS[1])
if not value then return {'expired'} end
if state == 'claimed' and holder ~= ARGV[2] then return {'redeemed'} end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[2], 'claimed|' .. purpose .. '|' .. ARGV[2], 'KEEPTTL')
  return {'ok', value}
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], 'redeemed|' .. purpose, 'KEEPTTL')
return {'ok', value}
`;

// KEYS: value, marker, ending. ARGV[1] the ending (JSON). Only a live claim records it, with
// what is left of the value's TTL: the first release is how the step ended.
const RELEASE_SCRIPT = `
local marker = redis.call('GET', KEYS[2])
local left = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
if not marker then return 0 end
local sep = string.find(marker, '|', 1, true)
if not sep then return 0 end
local state = string.sub(marker, 1, sep - 1)
local rest = string.sub(marker, sep + 1)
local sep2 = string.find(rest, '|', 1, true)
local purpose = rest
if sep2 then
  purpose = string.sub(rest, 1, sep2 - 1)
  local holder = string.sub(rest, sep2 + 1)
  if state == 'claimed' and holder ~= '' and left > 0 then
    redis.call('SET', KEYS[3], holder .. '|' .. ARGV[1], 'PX', left)
  end
end
redis.call('SET', KEYS[2], 'redeemed|' .. purpose, 'KEEPTTL')
return 1
`;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class RedisSecretStore implements SecretStore {
  private readonly redis: Redis;
  private readonly ttl: SecretTtlSettings;
  private readonly prefix: string;
  private readonly tombstoneMs: number;
  private readonly key: Buffer;

  constructor(options: RedisSecretStoreOptions) {
    if (options.encryptionKey.length !== 32) throw new RangeError('Redis secret store key must be 32 bytes');
    this.key = Buffer.from(options.encryptionKey);
    this.ttl = ttlSettings(options);
    this.prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.tombstoneMs = options.tombstoneMs ?? 60 * 60_000;
    this.redis = new Redis(options.url, {
      lazyConnect: true, // connects on the first command
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      ...options.redisOptions,
    });
    // Connection errors surface on the calls; an unhandled 'error' event would crash the process.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('cardflowRedeemSecret', { numberOfKeys: 3, lua: REDEEM_SCRIPT });
    this.redis.defineCommand('cardflowReleaseSecret', { numberOfKeys: 3, lua: RELEASE_SCRIPT });
  }

  async put(value: string, options: PutSecretOptions): Promise<string> {
    const ttlMs = checkPut(value, options, this.ttl);
    const handle = newSecretHandle(options.purpose);
    const digest = handleDigest(handle);
    const sealed = this.seal(value, digest, options.purpose);
    const result = await this.call(() =>
      this.redis
        .multi()
        .set(this.valueKey(digest), sealed, 'PX', ttlMs, 'NX')
        .set(this.markerKey(digest), `live|${options.purpose}`, 'PX', ttlMs + this.tombstoneMs, 'NX')
        .exec(),
    );
    if (!result || result.some(([error, reply]) => error || reply !== 'OK'))
      throw new SecretStoreUnavailableError('Secret store did not accept the value');
    return handle;
  }

  async redeem(handle: string, purpose: string, options: RedeemOptions = {}): Promise<string> {
    checkPurpose(purpose);
    if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) throw malformedHandle(String(handle));
    const digest = handleDigest(handle);
    const reply = (await this.call(() =>
      (
        this.redis as unknown as {
          cardflowRedeemSecret(
            k1: string,
            k2: string,
            k3: string,
            purpose: string,
            claimant: string,
          ): Promise<unknown>;
        }
      ).cardflowRedeemSecret(
        this.valueKey(digest),
        this.markerKey(digest),
        this.endingKey(digest),
        purpose,
        options.claimant === undefined ? '' : claimantDigest(options.claimant),
      ),
    )) as [string, string?];
    switch (reply[0]) {
      case 'ok':
        return this.open(reply[1] ?? '', digest, purpose, handle);
      case 'ended':
        throw new SecretStepEndedError(this.parseEnding(reply[1], handle), handle);
      case 'redeemed':
        throw new SecretHandleAlreadyRedeemedError('Secret handle was already redeemed', handle);
      case 'expired':
        throw new SecretHandleExpiredError('Secret handle expired before it was redeemed', handle);
      case 'purpose':
        throw new SecretHandlePurposeMismatchError(
          `Secret handle was issued for purpose "${reply[1] ?? '?'}", not "${purpose}"`,
          handle,
        );
      case 'not-found':
        throw new SecretHandleNotFoundError('Secret handle is unknown to this store', handle);
      default:
        throw new SecretStoreUnavailableError('Secret store answered unexpectedly', handle);
    }
  }

  async release(handle: string, ending: SecretStepEnding): Promise<void> {
    const json = JSON.stringify(checkEnding(ending));
    if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) return;
    const digest = handleDigest(handle);
    await this.call(() =>
      (
        this.redis as unknown as {
          cardflowReleaseSecret(k1: string, k2: string, k3: string, ending: string): Promise<unknown>;
        }
      ).cardflowReleaseSecret(this.valueKey(digest), this.markerKey(digest), this.endingKey(digest), json),
    );
  }

  /** The ending as release stored it; anything else is a store we cannot trust to say "done". */
  private parseEnding(json: string | undefined, handle: string): SecretStepEnding {
    try {
      return checkEnding(JSON.parse(json ?? '') as SecretStepEnding);
    } catch {
      throw new SecretStoreUnavailableError('Secret store answered unexpectedly', handle);
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private valueKey(digest: string): string {
    return `${this.prefix}v:${digest}`;
  }

  private markerKey(digest: string): string {
    return `${this.prefix}m:${digest}`;
  }

  private endingKey(digest: string): string {
    return `${this.prefix}e:${digest}`;
  }

  private aad(digest: string, purpose: string): Buffer {
    return Buffer.from(`cardflow/secret/v1:${digest}:${purpose}`, 'utf8');
  }

  private seal(value: string, digest: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(digest, purpose));
    return Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString(
      'base64',
    );
  }

  private open(sealed: string, digest: string, purpose: string, handle: string): string {
    try {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.aad(digest, purpose));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // Wrong CARDFLOW_SECRET_STORE_KEY between the writer and the reader, or altered data.
      // The value is consumed either way: report it as not retryable.
      throw new SecretHandleNotFoundError(
        'Secret handle value could not be decrypted (the secret store key differs between processes?)',
        handle,
      );
    }
  }

  /** Runs a Redis call; connection and server errors become SecretStoreUnavailableError (no details echoed). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SecretStoreUnavailableError(`Secret store is unavailable${code ? ` (${code})` : ''}`);
    }
  }
}
