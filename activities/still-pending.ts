import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { STILL_PENDING, UNKNOWN_STATUS } from '../src/contract';

/**
 * "The provider has not finished yet": a retryable, BENIGN failure, so the activity's retry
 * policy becomes the poll loop (no history events per poll, no error noise in metrics).
 */
export function stillPending(what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: STILL_PENDING,
    message: `${what} is still pending`,
    category: ApplicationFailureCategory.BENIGN,
  });
}

/** A check failed in a way retrying cannot change (e.g. the card ended in a failed state). */
export function preconditionFailed(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'PreconditionFailed', message, nonRetryable: true });
}

/**
 * "The provider answered a status the profile does not know": retried like stillPending, never
 * an outcome; a money-moving wait whose deadline passes on it ends in NEEDS_RECONCILIATION.
 */
export function unknownStatusPending(what: string, status: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: UNKNOWN_STATUS,
    message: `${what}: status "${status}" is not one the profile knows`,
    category: ApplicationFailureCategory.BENIGN,
  });
}
