// The in-process secret store: for an API and a worker running in one process (the dev stack,
// single-process deployments, tests). Values live in this process's memory only; after a value
// is redeemed or expires, a tombstone without the value is kept a while so a late redeem is told
// "already redeemed" or "expired" rather than "not found". A released claim keeps how its step
// ended, for its claimant, until the handle's expiry.
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

interface Entry {
  /** Undefined once redeemed or expired. */
  value: string | undefined;
  purpose: string;
  expiresAt: number;
  redeemed: boolean;
  /** The digest of the claimant the handle is bound to, once redeemed with one. */
  claimant?: string;
  /** How the claimant's step ended, recorded by release (told to it until `expiresAt`). */
  ended?: SecretStepEnding;
  /** When even the tombstone is dropped. */
  forgetAt: number;
}

export interface MemorySecretStoreOptions extends Partial<SecretTtlSettings> {
  /** How long a redeemed or expired handle is still recognised (default: 1 hour). */
  tombstoneMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

export class MemorySecretStore implements SecretStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttl: SecretTtlSettings;
  private readonly tombstoneMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(options: MemorySecretStoreOptions = {}) {
    this.ttl = ttlSettings(options);
    this.tombstoneMs = options.tombstoneMs ?? 60 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async put(value: string, options: PutSecretOptions): Promise<string> {
    const ttlMs = checkPut(value, options, this.ttl);
    this.sweep();
    const handle = newSecretHandle(options.purpose);
    const expiresAt = this.now() + ttlMs;
    this.entries.set(handleDigest(handle), {
      value,
      purpose: options.purpose,
      expiresAt,
      redeemed: false,
      forgetAt: expiresAt + this.tombstoneMs,
    });
    return handle;
  }

  async redeem(handle: string, purpose: string, options: RedeemOptions = {}): Promise<string> {
    checkPurpose(purpose);
    if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) throw malformedHandle(String(handle));
    this.sweep();
    const entry = this.entries.get(handleDigest(handle));
    const now = this.now();
    if (!entry || now >= entry.forgetAt)
      throw new SecretHandleNotFoundError('Secret handle is unknown to this store', handle);
    if (entry.redeemed) {
      const ended = entry.ended && now < entry.expiresAt ? entry.ended : undefined;
      if (ended && options.claimant !== undefined && entry.claimant === claimantDigest(options.claimant))
        throw new SecretStepEndedError(ended, handle);
      throw new SecretHandleAlreadyRedeemedError('Secret handle was already redeemed', handle);
    }
    if (entry.value === undefined || now >= entry.expiresAt) {
      entry.value = undefined;
      throw new SecretHandleExpiredError('Secret handle expired before it was redeemed', handle);
    }
    if (entry.purpose !== purpose)
      throw new SecretHandlePurposeMismatchError(
        `Secret handle was issued for purpose "${entry.purpose}", not "${purpose}"`,
        handle,
      );
    const value = entry.value;
    const claimant = options.claimant === undefined ? undefined : claimantDigest(options.claimant);
    if (entry.claimant !== undefined && entry.claimant !== claimant)
      throw new SecretHandleAlreadyRedeemedError('Secret handle was already redeemed', handle);
    if (claimant !== undefined) {
      entry.claimant = claimant;
      return value;
    }
    entry.value = undefined;
    entry.redeemed = true;
    return value;
  }

  async release(handle: string, ending: SecretStepEnding): Promise<void> {
    const checked = checkEnding(ending);
    if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) return;
    const entry = this.entries.get(handleDigest(handle));
    if (!entry) return;
    // Only a live claim records an ending, once: the first release is how the step ended.
    if (!entry.redeemed && entry.claimant !== undefined && this.now() < entry.expiresAt)
      entry.ended = checked;
    entry.value = undefined;
    entry.redeemed = true;
  }

  /** Number of live (unredeemed, unexpired) values: for tests and metrics. */
  liveCount(): number {
    const now = this.now();
    let n = 0;
    for (const e of this.entries.values()) if (e.value !== undefined && now < e.expiresAt) n++;
    return n;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Drops expired values and old tombstones, at most once a second. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (now >= entry.forgetAt) this.entries.delete(key);
      else if (now >= entry.expiresAt) entry.value = undefined;
    }
  }
}
