// Principle 3: after an unknown outcome on a call that moves money or state, read the provider's
// state before sending anything again.
import { activityErrorType } from './failures';
import { leanHistory } from './lean-history';

export interface ReconcileSpec<T> {
  send: () => Promise<T>;
  /** What the provider shows now: the effect of an earlier send, or null when there is none. */
  reconcile: () => Promise<T | null>;
  onReconciling: () => void;
  /** Sends at most this many times in all (default 5; 3 for flows started before lean-history). */
  maxSends?: number;
}

export async function sendOnce<T>(spec: ReconcileSpec<T>): Promise<T> {
  // Each further send follows a read that showed no effect, so it is never blind; flows started
  // before the lean-history patch stopped after 3, and replay them that way.
  const maxSends = spec.maxSends ?? (leanHistory() ? 5 : 3);
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
