// How workflows call activities: three kinds of call, three retry policies. Every call is an
// activity scheduled through the server: its retries wait in the server (durable, no history
// growth) and its identity is stable across attempts. Every call also says what it does for this
// flow (its summary): the Web UI's Timeline, the first thing an operator sees of a flow, labels
// the activity with it. A summary is user metadata, encrypted by the codec like any payload; it
// names card ids, order keys, amounts and providers, never personal or card data.
import { type ActivityOptions, proxyActivities } from '@temporalio/workflow';
import type { CardflowActivities } from '../../activities/interface';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from './failures';

/**
 * An attempt's limit. Provider clients give up on a request well before it (PROVIDER_TIMEOUT
 * defaults to 20 s), so an attempt ends with the client's own verdict, not a timeout.
 */
const ATTEMPT_TIMEOUT = '30s';

/** The activities with these options, each call labelled with `summary`. */
function described(options: ActivityOptions, summary: string) {
  return proxyActivities<CardflowActivities>({ ...options, summary });
}

const READ_OPTIONS: ActivityOptions = {
  startToCloseTimeout: ATTEMPT_TIMEOUT,
  scheduleToCloseTimeout: '5m',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
  },
};

/** Reads and checks: safe to repeat, retried with backoff for a few minutes. */
export const reads = (summary: string) => described(READ_OPTIONS, summary);

/** Every send: ten minutes in all, backing off from 2 s to a minute between attempts. */
function sendOptions(nonRetryableErrorTypes: string[]): ActivityOptions {
  return {
    startToCloseTimeout: ATTEMPT_TIMEOUT,
    scheduleToCloseTimeout: '10m',
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
  };
}

/**
 * Calls that move money or state without an idempotency key (KazePay): retried only while the
 * provider certainly did nothing (ProviderRetryableError). An unknown outcome
 * (ProviderAmbiguousError) is not retried: the workflow reconciles by reading first
 * (reconcile.ts).
 */
const UNKEYED_SEND_OPTIONS = sendOptions([...NON_RETRYABLE_ACTIVITY_ERRORS, 'ProviderAmbiguousError']);
export const unkeyedSends = (summary: string) => described(UNKEYED_SEND_OPTIONS, summary);

/**
 * Sends that are safe to repeat, so an unknown outcome is simply retried: find-or-create calls
 * keyed by a merchantOrderNo (WasabiCard: every attempt reads the order first), document uploads
 * (a repeat stores the file again) and KazePay's set-PIN (the same PIN set twice is set once).
 */
const IDEMPOTENT_SEND_OPTIONS = sendOptions(NON_RETRYABLE_ACTIVITY_ERRORS);
export const idempotentSends = (summary: string) => described(IDEMPOTENT_SEND_OPTIONS, summary);

/**
 * A wait on a pending provider state: one read per attempt, "still pending" retried at a fixed
 * interval (no history growth), bounded by the wait's deadline.
 */
export function polling(deadlineMs: number, pollIntervalMs: number, summary: string) {
  return described(
    {
      startToCloseTimeout: Math.min(30_000, deadlineMs),
      scheduleToCloseTimeout: deadlineMs,
      retry: {
        initialInterval: pollIntervalMs,
        backoffCoefficient: 1,
        maximumInterval: pollIntervalMs,
        nonRetryableErrorTypes: NON_RETRYABLE_ACTIVITY_ERRORS,
      },
    },
    summary,
  );
}
