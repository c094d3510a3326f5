// Deduplication of provider notifications. A copy of a notification is a duplicate only once
// the first copy has been acted on. While the first is still in flight (Temporal slow or
// restarting), a copy is answered "retry later", never acknowledged: if the first then fails and
// releases its claim, the provider's retry is what delivers the notification. Acknowledging the
// copy would lose it (the chaos run saw exactly that: a copy sent after the sender's 10 s timeout
// was acknowledged as a duplicate, then the first attempt failed).

/** What a claim found: the first copy, a copy of one being handled, or one already handled. */
export type ClaimState = 'claimed' | 'in-flight' | 'seen';

/**
 * Where notification keys live. `claim` must be atomic: it answers `claimed` to the first caller
 * only. The claimant then calls `settle` once it acted (later copies are `seen`) or `release`
 * when acting failed (the next copy is `claimed` again).
 */
export interface WebhookDedupeStore {
  claim(key: string): Promise<ClaimState>;
  settle(key: string): Promise<void>;
  release(key: string): Promise<void>;
}

/** In-process store with a bounded size (oldest keys forgotten first). */
export class InMemoryDedupeStore implements WebhookDedupeStore {
  private readonly keys = new Map<string, 'in-flight' | 'seen'>();
  constructor(private readonly maxKeys = 100_000) {}
  claim(key: string): Promise<ClaimState> {
    const state = this.keys.get(key);
    if (state) return Promise.resolve(state);
    this.keys.set(key, 'in-flight');
    if (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    return Promise.resolve('claimed');
  }
  settle(key: string): Promise<void> {
    if (this.keys.has(key)) this.keys.set(key, 'seen');
    return Promise.resolve();
  }
  release(key: string): Promise<void> {
    this.keys.delete(key);
    return Promise.resolve();
  }
}

/** A notification's claim over all its keys (request id, business key + status). */
export interface NotificationClaim {
  /** `new`: act on it, then settle or release. `duplicate`: acknowledge. `in-flight`: retry later. */
  verdict: 'new' | 'duplicate' | 'in-flight';
  settle(): Promise<void>;
  release(): Promise<void>;
}

export async function claimNotification(
  store: WebhookDedupeStore,
  keys: readonly string[],
): Promise<NotificationClaim> {
  const claimed: string[] = [];
  const found = new Set<ClaimState>();
  for (const key of keys) {
    const state = await store.claim(key);
    found.add(state);
    if (state === 'claimed') claimed.push(key);
  }
  const settle = async () => {
    for (const key of claimed) await store.settle(key);
  };
  const release = async () => {
    for (const key of claimed) await store.release(key);
  };
  // A copy of one being handled: hold nothing, so whichever copy comes after a failure is handled.
  if (found.has('in-flight')) {
    await release();
    return { verdict: 'in-flight', settle, release };
  }
  if (found.has('seen')) {
    await settle();
    return { verdict: 'duplicate', settle, release };
  }
  return { verdict: 'new', settle, release };
}
