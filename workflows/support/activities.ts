// How workflows call activities: three kinds of call, three retry policies.
import { type ActivityOptions, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CardflowActivities } from '../../activities/interface';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from './failures';
import { leanHistory } from './lean-history';

/**
 * Retries of a local activity that wait longer than this become durable timers in the history
 * (they survive a worker restart and the time-skipping server skips them); shorter ones wait in
 * the worker.
 */
const LOCAL_RETRY_THRESHOLD = '2s';

/**
 * Reads and keyed sends are safe to run again after a worker dies mid-call, so flows on the
 * lean-history patch run them as local activities: the same functions, options and retries,
 * without the round trips through the server (an activity task and a workflow task each).
 * Older flows keep scheduling them as activities, as their histories recorded.
 */
function localWhenLean(
  options: Pick<ActivityOptions, 'startToCloseTimeout' | 'scheduleToCloseTimeout' | 'retry'>,
  /**
   * About as many attempts as the deadline holds. A local activity's deadline runs on the
   * worker's clock, which the time-skipping server does not move: without a count, its retry
   * timers would fire at once, attempt after attempt, in tests.
   */
  maximumAttempts: number,
): CardflowActivities {
  const remote = proxyActivities<CardflowActivities>(options);
  const local = proxyLocalActivities<CardflowActivities>({
    ...options,
    retry: { ...options.retry, maximumAttempts },
    localRetryThreshold: LOCAL_RETRY_THRESHOLD,
  });
  return new Proxy(remote, {
    get: (_, name: string) =>
      (leanHistory() && !throughServer ? local : remote)[name as keyof CardflowActivities],
  });
}

let throughServer = false;

/**
 * Calls `call` with every read and keyed send it starts scheduled through the server, as before
 * the lean-history patch. For the read that follows a webhook notification: that workflow task
 * also cancels the running poll, and a local activity there would hold the task open while the
 * poll may end at the server, a race the SDK reports as a failed workflow task.
 */
export function viaServer<T>(call: () => Promise<T>): Promise<T> {
  throughServer = true;
  try {
    // The proxy picks the kind when the call is made, synchronously, inside `call`.
    return call();
  } finally {
    throughServer = false;
  }
}

/** Reads and checks: safe to repeat, retried with backoff for a few minutes. */
export const reads = localWhenLean(
  {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '5m',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '30s',
      nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
    },
  },
  // 1 + 2 + 4 + 8 + 16 s, then every 30 s: 14 attempts in 5 minutes.
  14,
);

/** Every send: ten minutes in all, backing off from 2 s to a minute between attempts. */
function sendOptions(nonRetryableErrorTypes: string[]) {
  return {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '10m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
  };
}

/**
 * Calls that move money or state without an idempotency key (KazePay): retried only while the
 * provider certainly did nothing (ProviderRetryableError). An unknown outcome
 * (ProviderAmbiguousError) is not retried: the workflow reconciles by reading first.
 */
export const sends = proxyActivities<CardflowActivities>(
  sendOptions([...NON_RETRYABLE_ACTIVITY_ERRORS, 'ProviderAmbiguousError']),
);

/**
 * Find-or-create calls keyed by a merchantOrderNo (WasabiCard): every attempt reads the order
 * first, so an unknown outcome is simply retried.
 */
export const keyedSends = localWhenLean(
  sendOptions(NON_RETRYABLE_ACTIVITY_ERRORS),
  // 2 + 4 + 8 + 16 + 32 s, then every minute: 14 attempts in 10 minutes.
  14,
);

/**
 * A wait on a pending provider state: one read per attempt, "still pending" retried at a fixed
 * interval (no history growth), bounded by the wait's deadline.
 */
export function polling(deadlineMs: number, pollIntervalMs: number) {
  return proxyActivities<CardflowActivities>({
    startToCloseTimeout: Math.min(30_000, deadlineMs),
    scheduleToCloseTimeout: deadlineMs,
    retry: {
      initialInterval: pollIntervalMs,
      backoffCoefficient: 1,
      maximumInterval: pollIntervalMs,
      nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
    },
  });
}
