// Secret handles: a secret the engine must pass along but never store in Temporal (a card PIN,
// an activation code) goes into a secret store, and only an opaque handle travels through the
// workflow. The activity that needs the value redeems the handle once: the value is handed
// over and deleted in the same step, so a handle can never be redeemed twice, and a handle not
// redeemed in time (at most 15 minutes) expires.
//
//   API:      const handle = await store.put(pin, { purpose: 'pin' });   // → "pin_<43 chars>"
//   workflow: receives `handle` in its input (a string; the codec encrypts it too)
//   activity: const pin = await store.redeem(handle, 'pin');             // once
//
// An activity attempt can die after redeeming and before the provider answered (a worker
// killed, a provider 5xx). So an activity redeems as a claimant (its workflow run and activity
// id): the first redeem binds the handle to that claimant, a retry of the same activity gets
// the value again, anyone else is refused as "already redeemed", and `release` deletes the
// value once the provider step has ended. Unreleased, the value still goes at its expiry.
//
// An attempt can also die after the release (its completion lost: worker killed, server
// restarted), and Temporal runs the step again. So `release` records how the step ended (done,
// or refused for good) under its claimant, without the value, until the handle's expiry; that
// claimant's retry is refused with a SecretStepEndedError carrying the ending, so it can answer
// without the provider (activities/secrets.ts). Anyone else still gets "already redeemed".
//
//   activity: const pin = await store.redeem(handle, 'pin', { claimant });
//             ... store.release(handle, { outcome: 'done' })
//
// Implementations: memory-secret-store.ts (API and worker in one process) and
// redis-secret-store.ts (across processes). Build one from configuration with
// `createSecretStore` (secret-store-config.ts).
//
// Each refusal is its own error class with a stable `name`, so the workflow layer can turn it
// into an ApplicationFailure type (`SecretHandleExpiredError` → non-retryable failure of that
// type, `SecretStoreUnavailableError` → retryable). Messages never contain the value and name
// the handle by a short fingerprint only (the handle itself is a bearer credential).
import { createHash, randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';

/** Handles may live at most this long (15 minutes). */
export const MAX_SECRET_TTL_MS = 15 * 60_000;
/** The default lifetime of a handle (10 minutes). */
export const DEFAULT_SECRET_TTL_MS = 10 * 60_000;
/** The longest value a store accepts (PINs and codes are short; this is not a blob store). */
export const MAX_SECRET_VALUE_LENGTH = 4096;
/** Purposes: lowercase words, e.g. `pin`, `activation-code`. */
export const PURPOSE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** `pin_` for PINs, `sec_` for any other purpose, then 256 random bits in base64url (43 chars). */
export const HANDLE_PATTERN = /^(pin|sec)_[A-Za-z0-9_-]{43}$/;

export interface PutSecretOptions {
  /** What the value is for; `redeem` must name the same purpose. */
  purpose: string;
  /** Lifetime in milliseconds; at most the store's maximum (≤ 15 minutes). Default: the store's. */
  ttlMs?: number;
}

export interface RedeemOptions {
  /** Who redeems (e.g. `<workflowId>/<runId>/<activityId>`); only its digest is kept. */
  claimant?: string;
}

/**
 * How a claimed step ended, kept for its claimant's retries (nothing secret: no value).
 * `done`: the provider accepted; `note` is what a retry needs to answer without the value (e.g.
 * the provider's card id). `refused`: a final refusal; the retry fails with `failureType` too.
 */
export type SecretStepEnding =
  { outcome: 'done'; note?: string } | { outcome: 'refused'; failureType: string; code?: string };

/** Notes, failure types and codes are short plain tokens (no spaces, no '|'). */
const ENDING_TOKEN = /^[A-Za-z0-9_.:@/-]{1,128}$/;

/** Checks an ending before a store keeps it: short plain tokens only, never free text. */
export function checkEnding(ending: SecretStepEnding): SecretStepEnding {
  const tokens =
    ending.outcome === 'done'
      ? [ending.note]
      : ending.outcome === 'refused'
        ? [ending.failureType, ending.code]
        : undefined;
  if (!tokens || (ending.outcome === 'refused' && !ending.failureType))
    throw new TypeError('a step ending is { outcome: "done" } or { outcome: "refused", failureType }');
  for (const token of tokens)
    if (token !== undefined && !ENDING_TOKEN.test(token))
      throw new TypeError(`a step ending's fields must match ${ENDING_TOKEN.source}`);
  return ending.outcome === 'done'
    ? { outcome: 'done', ...(ending.note ? { note: ending.note } : {}) }
    : {
        outcome: 'refused',
        failureType: ending.failureType,
        ...(ending.code ? { code: ending.code } : {}),
      };
}

export interface SecretStore {
  /** Stores the value and returns a new single-use handle. */
  put(value: string, options: PutSecretOptions): Promise<string>;
  /**
   * Returns the value and deletes it; with a `claimant`, binds the handle to it instead and keeps
   * the value for that claimant's retries until `release` or expiry. Throws
   * SecretHandleNotFoundError, SecretHandleExpiredError, SecretHandleAlreadyRedeemedError (also:
   * claimed by another claimant), SecretHandlePurposeMismatchError or SecretStoreUnavailableError.
   * A purpose mismatch does not consume the handle.
   */
  redeem(handle: string, purpose: string, options?: RedeemOptions): Promise<string>;
  /**
   * Deletes the value for good and, for a handle claimed and not yet expired, records `ending`
   * for the claimant until the handle's expiry: its later redeems throw SecretStepEndedError.
   * The first release's ending stands; a no-op for a handle already gone.
   */
  release(handle: string, ending: SecretStepEnding): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The stable names of the refusals, for failure types in the workflow layer. */
export const SECRET_HANDLE_ERROR_NAMES = [
  'SecretHandleNotFoundError',
  'SecretHandleExpiredError',
  'SecretHandleAlreadyRedeemedError',
  'SecretHandlePurposeMismatchError',
  'SecretStoreUnavailableError',
] as const;
export type SecretHandleErrorName = (typeof SECRET_HANDLE_ERROR_NAMES)[number];

/** Base class of every refusal; `retryable` tells whether trying again later can succeed. */
export abstract class SecretHandleError extends Error {
  abstract override readonly name: SecretHandleErrorName;
  abstract readonly retryable: boolean;
  /** A short, non-reversible fingerprint of the handle, safe for logs. */
  readonly handleFingerprint: string | undefined;
  constructor(message: string, handle?: string) {
    super(message);
    this.handleFingerprint = handle === undefined ? undefined : handleFingerprint(handle);
  }
}

/** Never issued by this store, malformed, or forgotten long after it expired or was redeemed. */
export class SecretHandleNotFoundError extends SecretHandleError {
  override readonly name = 'SecretHandleNotFoundError';
  readonly retryable = false;
}
/** Issued, not redeemed in time: the value is gone. */
export class SecretHandleExpiredError extends SecretHandleError {
  override readonly name = 'SecretHandleExpiredError';
  readonly retryable = false;
}
/** Already redeemed once: the value is gone. */
export class SecretHandleAlreadyRedeemedError extends SecretHandleError {
  override readonly name = 'SecretHandleAlreadyRedeemedError';
  readonly retryable = false;
}
/**
 * To the claimant whose step already ended (its attempt released the handle, then its completion
 * was lost): how it ended, never the value. To anyone else the handle is just "already redeemed",
 * and so is this error to code that does not know it (same name, same failure type).
 */
export class SecretStepEndedError extends SecretHandleAlreadyRedeemedError {
  constructor(
    readonly ending: SecretStepEnding,
    handle: string,
  ) {
    super(
      ending.outcome === 'done'
        ? 'Secret handle was already used by this step, which ended'
        : 'Secret handle was already used by this step, which the provider refused',
      handle,
    );
  }
}
/** Issued for another purpose (the handle stays redeemable for its own purpose). */
export class SecretHandlePurposeMismatchError extends SecretHandleError {
  override readonly name = 'SecretHandlePurposeMismatchError';
  readonly retryable = false;
}
/** The store could not be reached or answered unexpectedly; the handle may still be valid. */
export class SecretStoreUnavailableError extends SecretHandleError {
  override readonly name = 'SecretStoreUnavailableError';
  readonly retryable = true;
}

export function isSecretHandleError(error: unknown): error is SecretHandleError {
  return error instanceof SecretHandleError;
}

/**
 * For activities: the ApplicationFailure a refusal becomes, typed by the error's `name`
 * (e.g. `SecretHandleExpiredError`), non-retryable unless the store was unavailable. The
 * workflow (or its caller) sees a clear failure type; the message carries no secret.
 *
 *   try { pin = await store.redeem(handle, 'pin'); }
 *   catch (e) { if (isSecretHandleError(e)) throw secretHandleFailure(e); throw e; }
 */
export function secretHandleFailure(error: SecretHandleError): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: !error.retryable,
    details: error.handleFingerprint ? [{ handleFingerprint: error.handleFingerprint }] : [],
  });
}

/** A new handle: prefix by purpose, then 32 random bytes in base64url. */
export function newSecretHandle(purpose: string): string {
  return `${purpose === 'pin' ? 'pin' : 'sec'}_${randomBytes(32).toString('base64url')}`;
}

/** What a store keeps of a claimant: a digest, never the workflow id itself. */
export function claimantDigest(claimant: string): string {
  return createHash('sha256').update(`claimant:${claimant}`, 'utf8').digest('hex').slice(0, 32);
}

/** The storage key of a handle: its SHA-256, so whoever reads the store cannot redeem. */
export function handleDigest(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
}

/** 8 hex characters of the handle's digest: enough to correlate logs, useless to redeem. */
export function handleFingerprint(handle: string): string {
  return handleDigest(handle).slice(0, 8);
}

/** Checks `put` arguments the same way in every store; returns the ttl to use. */
export function checkPut(value: string, options: PutSecretOptions, defaults: SecretTtlSettings): number {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError('secret value must be a non-empty string');
  if (value.length > MAX_SECRET_VALUE_LENGTH)
    throw new RangeError(`secret value is longer than ${MAX_SECRET_VALUE_LENGTH} characters`);
  checkPurpose(options.purpose);
  const ttlMs = options.ttlMs ?? defaults.defaultTtlMs;
  if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > defaults.maxTtlMs)
    throw new RangeError(`secret ttl must be a whole number of milliseconds in 1..${defaults.maxTtlMs}`);
  return ttlMs;
}

export function checkPurpose(purpose: string): void {
  if (typeof purpose !== 'string' || !PURPOSE_PATTERN.test(purpose))
    throw new TypeError(`secret purpose must match ${PURPOSE_PATTERN.source}`);
}

export interface SecretTtlSettings {
  /** Used when `put` names no ttl. */
  defaultTtlMs: number;
  /** The longest ttl `put` accepts; never more than MAX_SECRET_TTL_MS. */
  maxTtlMs: number;
}

/** Fills in and checks ttl settings (default 10 min, max 15 min). */
export function ttlSettings(options: Partial<SecretTtlSettings> = {}): SecretTtlSettings {
  const maxTtlMs = options.maxTtlMs ?? MAX_SECRET_TTL_MS;
  const defaultTtlMs = options.defaultTtlMs ?? Math.min(DEFAULT_SECRET_TTL_MS, maxTtlMs);
  if (!Number.isInteger(maxTtlMs) || maxTtlMs <= 0 || maxTtlMs > MAX_SECRET_TTL_MS)
    throw new RangeError(`maximum secret ttl must be in 1..${MAX_SECRET_TTL_MS} ms`);
  if (!Number.isInteger(defaultTtlMs) || defaultTtlMs <= 0 || defaultTtlMs > maxTtlMs)
    throw new RangeError(`default secret ttl must be in 1..${maxTtlMs} ms`);
  return { defaultTtlMs, maxTtlMs };
}

/** The refusal for a handle that is not even well formed (never issued by any store). */
export function malformedHandle(handle: string): SecretHandleNotFoundError {
  return new SecretHandleNotFoundError(
    'Secret handle is malformed: it was not issued by a secret store',
    handle,
  );
}
