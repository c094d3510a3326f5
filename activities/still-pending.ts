import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { STILL_PENDING } from '../src/contract';

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
