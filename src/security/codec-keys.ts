// Payload encryption keys: a keyring of AES-256 keys by id, one of them current. New payloads
// are encrypted with the current key; every key in the ring still decrypts what it encrypted,
// which is how keys rotate without re-encrypting history.
//
// Sources, in the order `loadCodecKeyring` tries them:
//   1. configuration: CARDFLOW_CODEC_KEYS (+ CARDFLOW_CODEC_CURRENT_KEY_ID), or their _FILE variants;
//   2. only when the caller allows it (the dev stack): a development keyring generated on first
//      start into `<CARDFLOW_DATA_DIR>/codec-keys.json` (mode 0600, never committed).
// Tests and recorded histories use the committed, public test-only keyring
// (test/fixtures/test-only-codec-key.json) through `readKeyringFile`.
//
// Key material never appears in an error message or a log line: problems name the variable and
// the key id only.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { coreEnvSchema } from '../config/engine';
import { ConfigError, envValue, parseEnv, parseOptionalSection } from '../config/env';

/** AES-256: 32 bytes. */
export const CODEC_KEY_BYTES = 32;
/** Key ids travel in payload metadata in clear: short, printable, nothing secret. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** File name of the generated development keyring inside the dev data folder. */
export const DEV_KEYRING_FILE = 'codec-keys.json';

/** A set of keys by id and the id new payloads are encrypted with. Immutable once built. */
export interface CodecKeyring {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Where a keyring came from (for a start-up log line; never the keys themselves). */
export type KeyringSource = 'config' | 'dev-file' | 'file';

export interface LoadedKeyring {
  keyring: CodecKeyring;
  source: KeyringSource;
  /** The file read or generated, for `dev-file` and `file`. */
  path?: string;
  /** True when this call generated the development keyring. */
  created?: boolean;
}

/**
 * Builds a keyring and checks it: every key 32 bytes, ids well formed and unique, the current
 * id present. Throws an Error whose message names ids only.
 */
export function createKeyring(
  keys: ReadonlyArray<{ id: string; key: Buffer }>,
  currentKeyId: string,
): CodecKeyring {
  const problems = keyringProblems(keys, currentKeyId);
  if (problems.length > 0) throw new Error(`Invalid codec keyring: ${problems.join('; ')}`);
  return Object.freeze({
    currentKeyId,
    keys: new Map(keys.map(({ id, key }) => [id, Buffer.from(key)])),
  });
}

function keyringProblems(keys: ReadonlyArray<{ id: string; key: Buffer }>, currentKeyId: string | undefined) {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (keys.length === 0) problems.push('no keys');
  keys.forEach(({ id, key }, index) => {
    if (!KEY_ID_PATTERN.test(id))
      problems.push(`key #${index + 1}: key id must match ${KEY_ID_PATTERN.source}`);
    else if (seen.has(id)) problems.push(`key id "${id}" appears twice`);
    seen.add(id);
    if (key.length !== CODEC_KEY_BYTES)
      problems.push(
        `key "${KEY_ID_PATTERN.test(id) ? id : `#${index + 1}`}" must be ${CODEC_KEY_BYTES} bytes`,
      );
  });
  if (currentKeyId !== undefined && keys.length > 0 && !seen.has(currentKeyId))
    problems.push(
      KEY_ID_PATTERN.test(currentKeyId)
        ? `current key id "${currentKeyId}" is not one of the configured keys`
        : 'current key id is not one of the configured keys',
    );
  return problems;
}

/** Decodes standard or URL-safe base64 strictly; undefined when the text is not base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // Round trip (padding aside) proves no character was silently dropped.
  const canonical = bytes.toString('base64').replace(/=+$/, '');
  return canonical === trimmed.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '') ? bytes : undefined;
}

/** `id:base64Key` entries, comma-separated. Each problem names the entry by id or position. */
export function parseKeyList(text: string, ctx: z.RefinementCtx): Array<{ id: string; key: Buffer }> {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const keys: Array<{ id: string; key: Buffer }> = [];
  if (entries.length === 0)
    ctx.addIssue({ code: 'custom', message: 'expected keyId:base64Key[,keyId:base64Key...]' });
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      ctx.addIssue({ code: 'custom', message: `entry #${index + 1}: expected keyId:base64Key` });
      return;
    }
    const id = entry.slice(0, colon);
    const label = KEY_ID_PATTERN.test(id) ? `key "${id}"` : `entry #${index + 1}`;
    if (!KEY_ID_PATTERN.test(id))
      ctx.addIssue({ code: 'custom', message: `${label}: key id must match ${KEY_ID_PATTERN.source}` });
    const key = decodeBase64Strict(entry.slice(colon + 1));
    if (!key) ctx.addIssue({ code: 'custom', message: `${label}: key is not valid base64` });
    else if (key.length !== CODEC_KEY_BYTES)
      ctx.addIssue({
        code: 'custom',
        message: `${label}: key must be ${CODEC_KEY_BYTES} bytes (base64 of 32 random bytes), got ${key.length}`,
      });
    if (keys.some((k) => k.id === id))
      ctx.addIssue({ code: 'custom', message: `${label}: key id appears twice` });
    if (key) keys.push({ id, key });
  });
  return keys;
}

export const codecKeysEnvSchema = z
  .object({
    /** `keyId:base64Key,...`: every key that may decrypt; 32 random bytes each. */
    CARDFLOW_CODEC_KEYS: envValue
      .string()
      .transform((text, ctx) => parseKeyList(text, ctx))
      .optional(),
    /** The id new payloads are encrypted with; required when more than one key is configured. */
    CARDFLOW_CODEC_CURRENT_KEY_ID: envValue
      .string()
      .regex(KEY_ID_PATTERN, `expected a key id matching ${KEY_ID_PATTERN.source}`)
      .optional(),
  })
  .superRefine((value, ctx) => {
    const keys = value.CARDFLOW_CODEC_KEYS;
    const current = value.CARDFLOW_CODEC_CURRENT_KEY_ID;
    if (!keys) {
      if (current)
        ctx.addIssue({
          code: 'custom',
          path: ['CARDFLOW_CODEC_KEYS'],
          message: 'required when CARDFLOW_CODEC_CURRENT_KEY_ID is set',
        });
      return;
    }
    if (current === undefined && keys.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_CODEC_CURRENT_KEY_ID'],
        message: 'required when CARDFLOW_CODEC_KEYS holds more than one key',
      });
    if (current !== undefined && !keys.some((k) => k.id === current))
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_CODEC_CURRENT_KEY_ID'],
        message: `"${current}" is not one of the ids in CARDFLOW_CODEC_KEYS`,
      });
  });

export interface LoadCodecKeyringOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * When no key is configured: `forbid` (default; production) stops with a ConfigError naming
   * CARDFLOW_CODEC_KEYS; `generate` reads, or creates on first start, the development keyring
   * in the dev data folder (the dev stack and local tools only).
   */
  devKeys?: 'forbid' | 'generate';
}

/**
 * The keyring from configuration (one ConfigError listing every problem), or the development
 * keyring when allowed and nothing is configured.
 */
export function loadCodecKeyring(options: LoadCodecKeyringOptions = {}): LoadedKeyring {
  const env = options.env ?? process.env;
  const { codec, core } = parseEnv(
    { core: coreEnvSchema.pick({ CARDFLOW_DATA_DIR: true }), codec: codecKeysEnvSchema },
    env,
  );
  const keys = codec.CARDFLOW_CODEC_KEYS;
  const exchange = loadExchangeKeyringFor(options);
  if (keys) {
    const currentKeyId = codec.CARDFLOW_CODEC_CURRENT_KEY_ID ?? (keys[0] as { id: string }).id;
    return { keyring: withDecodingKeys(createKeyring(keys, currentKeyId), exchange), source: 'config' };
  }
  if (options.devKeys !== 'generate')
    throw new ConfigError([
      'CARDFLOW_CODEC_KEYS: required (keyId:base64Key of 32 random bytes; generate one with `cardflow codec-server --new-key`)',
    ]);
  const path = resolve(core.CARDFLOW_DATA_DIR, DEV_KEYRING_FILE);
  const { keyring, created } = loadOrCreateDevKeyring(path);
  return { keyring: withDecodingKeys(keyring, exchange), source: 'dev-file', path, created };
}

/** The JSON form of a keyring file (dev keyring and the test-only fixture). */
const keyringFileSchema = z.object({
  currentKeyId: z.string(),
  keys: z.array(z.object({ id: z.string(), key: z.string() })).min(1),
});

/** Reads a keyring file: `{ "currentKeyId": "...", "keys": [{ "id": "...", "key": "<base64>" }] }`. */
export function readKeyringFile(path: string): CodecKeyring {
  let parsed: z.output<typeof keyringFileSchema>;
  try {
    parsed = keyringFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read codec keyring file ${path}: ${code ?? 'not a keyring file'}`);
  }
  const keys = parsed.keys.map(({ id, key }) => {
    const bytes = decodeBase64Strict(key);
    if (!bytes) throw new Error(`Codec keyring file ${path}: key "${id}" is not valid base64`);
    return { id, key: bytes };
  });
  return createKeyring(keys, parsed.currentKeyId);
}

/** A new random key id and key, for a keyring file or CARDFLOW_CODEC_KEYS. */
export function generateCodecKey(idPrefix = 'key'): { id: string; key: Buffer } {
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return { id: `${idPrefix}-${stamp}-${randomBytes(3).toString('hex')}`, key: randomBytes(CODEC_KEY_BYTES) };
}

/** `keyId:base64Key`, the CARDFLOW_CODEC_KEYS entry form. */
export function formatKeyEntry({ id, key }: { id: string; key: Buffer }): string {
  return `${id}:${key.toString('base64')}`;
}

/** Reads the development keyring, generating it (mode 0600) on first start. */
export function loadOrCreateDevKeyring(path: string): { keyring: CodecKeyring; created: boolean } {
  if (existsSync(path)) return { keyring: readKeyringFile(path), created: false };
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true });
  const key = generateCodecKey('dev');
  const file = {
    _comment:
      'Development-only payload codec keys, generated on first start. Never commit; never use in production.',
    currentKeyId: key.id,
    keys: [{ id: key.id, key: key.key.toString('base64') }],
  };
  // `wx`: if another process created it meanwhile, read theirs instead of overwriting it.
  try {
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { keyring: readKeyringFile(path), created: false };
    throw error;
  }
  chmodSync(path, 0o600); // the umask may have widened nothing, but be explicit
  return { keyring: createKeyring([key], key.id), created: true };
}

// ---- The Nexus exchange keyring (exchange-codec.ts) -------------------------------------------
// A keyring of its own, never one of the CARDFLOW_CODEC_KEYS, shared with the teams that call
// cardflow through Nexus; what crosses the endpoint is encrypted with it. Its keys also join the
// codec keyring for decoding (never as the current key), so every door of cardflow (API, CLI,
// typed client, codec server) reads the flows a Nexus caller reached.
//
//   CARDFLOW_NEXUS_EXCHANGE_KEYS             keyId:base64Key[,...] (32 random bytes each), or _FILE
//   CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID   the id new payloads use; required with several keys
//
// Unset: none in production. In development (generated codec keys) it is generated beside them.

/** File name of the generated development exchange keyring inside the dev data folder. */
export const DEV_EXCHANGE_KEYRING_FILE = 'nexus-exchange-keys.json';

export const exchangeKeysEnvSchema = z
  .object({
    CARDFLOW_NEXUS_EXCHANGE_KEYS: envValue.string().transform((text, ctx) => parseKeyList(text, ctx)),
    CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID: envValue
      .string()
      .regex(KEY_ID_PATTERN, `expected a key id matching ${KEY_ID_PATTERN.source}`)
      .optional(),
  })
  .superRefine((value, ctx) => {
    const keys = value.CARDFLOW_NEXUS_EXCHANGE_KEYS;
    const current = value.CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID;
    if (current === undefined && keys.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID'],
        message: 'required when CARDFLOW_NEXUS_EXCHANGE_KEYS holds more than one key',
      });
    if (current !== undefined && !keys.some((k) => k.id === current))
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID'],
        message: `"${current}" is not one of the ids in CARDFLOW_NEXUS_EXCHANGE_KEYS`,
      });
  });

/** The exchange keyring when configured (a ConfigError names the variables), else undefined. */
export function loadExchangeKeyring(env: NodeJS.ProcessEnv = process.env): CodecKeyring | undefined {
  const section = parseOptionalSection(exchangeKeysEnvSchema, env);
  if (!section) return undefined;
  const keys = section.CARDFLOW_NEXUS_EXCHANGE_KEYS;
  const current = section.CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID ?? (keys[0] as { id: string }).id;
  return createKeyring(keys, current);
}

/**
 * The exchange keyring as `loadCodecKeyring` sees it with the same options: configured, or the
 * development one when the codec keys are the generated development ones too.
 */
export function loadExchangeKeyringFor(options: LoadCodecKeyringOptions = {}): CodecKeyring | undefined {
  const env = options.env ?? process.env;
  const configured = loadExchangeKeyring(env);
  if (configured || options.devKeys !== 'generate') return configured;
  if (env.CARDFLOW_CODEC_KEYS || env.CARDFLOW_CODEC_KEYS_FILE) return undefined;
  const { core } = parseEnv({ core: coreEnvSchema.pick({ CARDFLOW_DATA_DIR: true }) }, env);
  return devExchangeKeyring(core.CARDFLOW_DATA_DIR);
}

/** The development exchange keyring in `dataDir`, generated (mode 0600) on first start. */
export function devExchangeKeyring(dataDir: string): CodecKeyring {
  return loadOrCreateDevKeyring(resolve(dataDir, DEV_EXCHANGE_KEYRING_FILE)).keyring;
}

/** `keyring` that also decrypts with `extra`'s keys; its current key stays the same. */
export function withDecodingKeys(keyring: CodecKeyring, extra: CodecKeyring | undefined): CodecKeyring {
  if (!extra) return keyring;
  const keys = new Map(keyring.keys);
  for (const [id, key] of extra.keys) {
    const known = keys.get(id);
    if (known && !known.equals(key)) throw new ConfigError([`key id "${id}" names two different keys`]);
    keys.set(id, key);
  }
  return createKeyring(
    [...keys].map(([id, key]) => ({ id, key })),
    keyring.currentKeyId,
  );
}
