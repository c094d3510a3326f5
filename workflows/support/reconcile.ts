// Principle 3: after an unknown outcome on a call that moves money or state, read the provider's
// state before sending anything again.
import { activityErrorType } from './failures';

export interface ReconcileSpec<T> {
  send: () => Promise<T>;
  /** What the provider shows now: the effect of an earlier send, or null when there is none. */
  reconcile: () => Promise<T | null>;
  onReconciling: () => void;
  /** Sends at most this many times in all (default 3). */
  maxSends?: number;
}

export async function sendOnce<T>(spec: ReconcileSpec<T>): Promise<T> {
  const maxSends = spec.maxSends ?? 3;
  for (let sent = 1; ; sent++) {
    try {
      return await spec.send();
    } catch (error) {
      if (activityErrorType(error) !== 'ProviderAmbiguousError' || sent >= maxSends) throw error;
      spec.onReconciling();
      const found = await spec.reconcile();
      if (found !== null) return found;
      // The provider shows no effect: the request did not apply, so sending again is safe.
    }
  }
}
