// How workflows call activities: three kinds of call, three retry policies.
import { proxyActivities } from '@temporalio/workflow';
import type { CardflowActivities } from '../../activities/interface';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from './failures';

/** Reads and checks: safe to repeat, retried with backoff for a few minutes. */
export const reads = proxyActivities<CardflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
  },
});

/**
 * Calls that move money or state without an idempotency key (KazePay): retried only while the
 * provider certainly did nothing (ProviderRetryableError). An unknown outcome
 * (ProviderAmbiguousError) is not retried: the workflow reconciles by reading first.
 */
export const sends = proxyActivities<CardflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ACTIVITY_ERRORS, 'ProviderAmbiguousError'],
  },
});

/**
 * Find-or-create calls keyed by a merchantOrderNo (WasabiCard): every attempt reads the order
 * first, so an unknown outcome is simply retried.
 */
export const keyedSends = proxyActivities<CardflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
  },
});

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
