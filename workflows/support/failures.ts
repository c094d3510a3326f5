// Turning what activities report into the contract's failure types, and ending a flow with one.
import { RetryState } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  isCancellation,
  patched,
} from '@temporalio/workflow';
import {
  FAILURE_STATE_BY_TYPE,
  FAILURE_TYPES,
  type FailureType,
  NOTHING_SENT,
} from '../../src/contract/failures';
import type { FlowTracker } from './flow-tracker';

/** Provider error class names (as activities throw them) → contract failure types. */
const BY_ACTIVITY_ERROR: Record<string, FailureType> = {
  ProviderValidationError: FAILURE_TYPES.validationFailed,
  ProviderRejectedError: FAILURE_TYPES.providerRejected,
  ProviderDuplicateOrderError: FAILURE_TYPES.providerRejected,
  ProviderAuthenticationError: FAILURE_TYPES.providerAuthentication,
  ProviderResponseIntegrityError: FAILURE_TYPES.providerResponseIntegrity,
  ProviderRetryableError: FAILURE_TYPES.providerUnavailable,
  ProviderAmbiguousError: FAILURE_TYPES.providerUnavailable,
  SecretHandleNotFoundError: FAILURE_TYPES.secretHandleInvalid,
  SecretHandleExpiredError: FAILURE_TYPES.secretHandleInvalid,
  SecretHandleAlreadyRedeemedError: FAILURE_TYPES.secretHandleInvalid,
  SecretHandlePurposeMismatchError: FAILURE_TYPES.secretHandleInvalid,
  PreconditionFailed: FAILURE_TYPES.preconditionFailed,
  ProviderNotConfigured: FAILURE_TYPES.preconditionFailed,
};

/** Error types no activity may retry: retrying cannot change the answer. */
export const NON_RETRYABLE_ACTIVITY_ERRORS = [
  'ProviderValidationError',
  'ProviderRejectedError',
  'ProviderDuplicateOrderError',
  'ProviderAuthenticationError',
  'ProviderResponseIntegrityError',
  'SecretHandleNotFoundError',
  'SecretHandleExpiredError',
  'SecretHandleAlreadyRedeemedError',
  'SecretHandlePurposeMismatchError',
  'PreconditionFailed',
  'ProviderNotConfigured',
];

/** The ApplicationFailure inside an activity failure (possibly behind a timeout), if any. */
export function applicationCause(error: unknown): ApplicationFailure | undefined {
  let current: unknown = error;
  for (let i = 0; i < 4 && current; i++) {
    if (current instanceof ApplicationFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function activityErrorType(error: unknown): string | undefined {
  return applicationCause(error)?.type ?? undefined;
}

/**
 * Whether the activity ran out of its deadline (schedule-to-close) rather than failing. When the
 * deadline passes between retries the failure carries the last attempt's error with retry state
 * TIMEOUT; when it passes during an attempt, a TimeoutFailure.
 */
export function isDeadline(error: unknown): boolean {
  return (
    error instanceof ActivityFailure &&
    (error.retryState === RetryState.TIMEOUT || error.cause instanceof TimeoutFailure)
  );
}

/**
 * The contract failure an activity failure means. A deadline reached while the provider kept
 * failing (5xx, unreachable) is ProviderUnavailable; reached while it said "pending" it is
 * DeadlineExceeded.
 */
export function classify(error: unknown): FailureType {
  // A failure the workflow raised itself already carries a contract type.
  if (error instanceof ApplicationFailure && error.type && error.type in FAILURE_STATE_BY_TYPE) {
    return error.type as FailureType;
  }
  if (isDeadline(error)) {
    const last = activityErrorType(error);
    return last === 'ProviderRetryableError' || last === 'ProviderAmbiguousError'
      ? FAILURE_TYPES.providerUnavailable
      : FAILURE_TYPES.deadlineExceeded;
  }
  const type = activityErrorType(error);
  // An activity may fail with a contract type itself (Conflict, PreconditionFailed).
  if (type && type in FAILURE_STATE_BY_TYPE) return type as FailureType;
  return (type ? BY_ACTIVITY_ERROR[type] : undefined) ?? FAILURE_TYPES.providerUnavailable;
}

/**
 * Ends the flow: state set to the failure's searchable state, then a typed, non-retryable failure
 * (with `details`, e.g. NOTHING_SENT).
 */
export function failFlow<S extends string>(
  tracker: FlowTracker<S>,
  type: FailureType,
  message: string,
  details?: unknown[],
): never {
  tracker.set(FAILURE_STATE_BY_TYPE[type] as S, message);
  throw ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details } : {}) });
}

/**
 * Whether a failure may carry the NothingSent marker: runs recorded before the marker existed
 * ended without it, and must replay so.
 */
function marksNothingSent(): boolean {
  return patched('reference-free-when-nothing-sent');
}

/**
 * Rethrows cancellation (after recording it) or ends the flow with the classified failure.
 * `nothingSent`: the flow knows no request reached the provider, so the failure frees its
 * reference (src/client/reuse.ts); never for a cancellation.
 */
export function endWithFailure<S extends string>(
  tracker: FlowTracker<S>,
  error: unknown,
  during: string,
  { nothingSent = false }: { nothingSent?: boolean } = {},
): never {
  if (isCancellation(error)) {
    tracker.set('CANCELLED' as S, `cancelled while ${during}`);
    throw error;
  }
  const type = classify(error);
  const cause = applicationCause(error)?.message ?? (error instanceof Error ? error.message : String(error));
  failFlow(
    tracker,
    type,
    `${during}: ${cause}`,
    nothingSent && marksNothingSent() ? [NOTHING_SENT] : undefined,
  );
}
