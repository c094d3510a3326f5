// Failure types a cardflow workflow can end with. They appear as the ApplicationFailure `type`
// in the Web UI, the CLI and every SDK, so callers and operators can branch on them.
export const FAILURE_TYPES = {
  /** An explicit deadline of a wait on the provider passed (the flow's state says which wait). */
  deadlineExceeded: 'DeadlineExceeded',
  /** The request was refused before reaching the provider: a field broke a rule. */
  validationFailed: 'ValidationFailed',
  /** The provider refused the request with a business error (code and detail in the message). */
  providerRejected: 'ProviderRejected',
  /** The provider refused our credentials (api key, sysId, signature, IP allow-list). */
  providerAuthentication: 'ProviderAuthentication',
  /** The provider's answer failed its signature check or could not be decrypted. */
  providerResponseIntegrity: 'ProviderResponseIntegrity',
  /** The provider kept answering "try again" (5xx, unreachable) until the deadline. */
  providerUnavailable: 'ProviderUnavailable',
  /** A precondition does not hold (e.g. KYC not passed, card type needs a cardholder). */
  preconditionFailed: 'PreconditionFailed',
  /** Too many wrong activation codes. */
  activationCodeAttemptsExhausted: 'ActivationCodeAttemptsExhausted',
  /** The PIN handle was unknown, expired or already used. */
  secretHandleInvalid: 'SecretHandleInvalid',
  /**
   * Money or card state may have moved and nobody could tell: the flow waited in
   * NEEDS_RECONCILIATION for an operator's resolution, and none came before its deadline.
   */
  outcomeUnknown: 'OutcomeUnknown',
  /** A business key was used again with other terms (a depositRef with another amount or currency). */
  conflict: 'Conflict',
} as const;
export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** Activity failure types meaning "the provider has not finished yet" (benign, retried). */
export const STILL_PENDING = 'StillPending';

/**
 * Activity failure type for "the provider answered a status the profile does not know": retried
 * like StillPending (never an outcome), and told apart from it in the poll's last failure (Web UI,
 * `describe`). A money-moving wait that reaches its deadline on such a status goes to a person.
 */
export const UNKNOWN_STATUS = 'UnknownProviderStatus';

/**
 * Activity failure type: the deposit flow found under a depositRef failed before sending anything
 * (NothingSent), so the account starts the deposit again instead of answering that failure.
 */
export const REFERENCE_FREE = 'ReferenceFree';

/** The CardState a flow ends in when it fails, by failure type; searchable in the Web UI. */
export const FAILURE_STATE_BY_TYPE = {
  DeadlineExceeded: 'TIMED_OUT',
  ValidationFailed: 'FAILED_VALIDATION',
  ProviderRejected: 'FAILED_REJECTED',
  ProviderAuthentication: 'FAILED_AUTHENTICATION',
  ProviderResponseIntegrity: 'FAILED_INTEGRITY',
  ProviderUnavailable: 'FAILED_UNAVAILABLE',
  PreconditionFailed: 'FAILED_PRECONDITION',
  ActivationCodeAttemptsExhausted: 'FAILED_ACTIVATION_CODE',
  SecretHandleInvalid: 'FAILED_SECRET_HANDLE',
  OutcomeUnknown: 'FAILED_OUTCOME_UNKNOWN',
  Conflict: 'FAILED_CONFLICT',
} as const satisfies Record<FailureType, string>;

/**
 * A flow whose call may or may not have moved money or state, and whose reads of the provider
 * could not tell, waits here for an operator's `resolveOutcome` update (searchable).
 */
export const NEEDS_RECONCILIATION = 'NEEDS_RECONCILIATION';

/** States every flow can be in besides its own: the failures, cancellation, and needing a person. */
export const FAILURE_STATES = [
  ...Object.values(FAILURE_STATE_BY_TYPE),
  'CANCELLED',
  NEEDS_RECONCILIATION,
] as const;
export type FailureState = (typeof FAILURE_STATES)[number];

/**
 * Failure details of a flow that ended before any request reached a provider (a check it makes
 * itself, a precondition, a read that failed): nothing moved, so its reference may be used
 * again. Set only where the workflow knows no send went out; any other failure keeps it burnt.
 */
export interface NothingSent {
  nothingSent: true;
}
export const NOTHING_SENT: NothingSent = { nothingSent: true };

export function isNothingSent(details: unknown): details is NothingSent {
  return typeof details === 'object' && details !== null && (details as NothingSent).nothingSent === true;
}
