// The failure vocabulary every provider client speaks, so activities and workflows can branch
// on it without knowing which provider answered. The class name is also the Temporal
// ApplicationFailure type when an activity rethrows one.
import { redactText } from '../logging/redaction';

export type ProviderName = 'kazepay' | 'wasabi';

export type ProviderErrorKind =
  'validation' | 'retryable' | 'ambiguous' | 'rejected' | 'authentication' | 'response-integrity';

export interface ProviderErrorContext {
  provider: ProviderName;
  /** apiCode (KazePay) or path (WasabiCard). */
  operation: string;
  cause?: unknown;
}

export abstract class ProviderError extends Error {
  abstract readonly kind: ProviderErrorKind;
  readonly provider: ProviderName;
  readonly operation: string;
  constructor(message: string, context: ProviderErrorContext) {
    // Provider text can quote what it was sent: mask card numbers and emails before it travels on.
    super(`${context.provider} ${context.operation}: ${redactText(message)}`, { cause: context.cause });
    this.provider = context.provider;
    this.operation = context.operation;
  }
  /** Whether sending the same request again is safe and may succeed. */
  get retryable(): boolean {
    return this.kind === 'retryable';
  }
}

/** Bad input, refused before any request left. `field` and `rule` name what is wrong. */
export class ProviderValidationError extends ProviderError {
  override name = 'ProviderValidationError';
  readonly kind = 'validation';
  constructor(
    readonly issues: ReadonlyArray<{ field: string; rule: string }>,
    context: ProviderErrorContext,
  ) {
    super(`invalid request: ${issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`, context);
  }
}

/** The provider certainly did not act (connection refused, 5xx, rate limited): safe to send again. */
export class ProviderRetryableError extends ProviderError {
  override name = 'ProviderRetryableError';
  readonly kind = 'retryable';
  constructor(
    message: string,
    context: ProviderErrorContext & { httpStatus?: number },
    readonly httpStatus = context.httpStatus,
  ) {
    super(message, context);
  }
}

/** The request left and no answer came back (timeout, reset): the provider may have acted. Reconcile first. */
export class ProviderAmbiguousError extends ProviderError {
  override name = 'ProviderAmbiguousError';
  readonly kind = 'ambiguous';
}

/** The provider refused the request with a business error. */
export class ProviderRejectedError extends ProviderError {
  override name = 'ProviderRejectedError';
  readonly kind = 'rejected';
  constructor(
    readonly code: string,
    readonly detail: string,
    context: ProviderErrorContext,
  ) {
    super(`rejected with ${code}: ${detail}`, context);
  }
}

/** WasabiCard: the merchantOrderNo was used before. The original order exists; look it up. */
export class ProviderDuplicateOrderError extends ProviderRejectedError {
  override name = 'ProviderDuplicateOrderError';
  constructor(
    readonly merchantOrderNo: string,
    code: string,
    detail: string,
    context: ProviderErrorContext,
  ) {
    super(code, detail, context);
  }
}

/** Credentials refused (bad api key, sysId, signature, IP not allowed). Not retryable. */
export class ProviderAuthenticationError extends ProviderError {
  override name = 'ProviderAuthenticationError';
  readonly kind = 'authentication';
}

/** The answer cannot be trusted: bad signature, undecryptable or malformed body. Never parsed further. */
export class ProviderResponseIntegrityError extends ProviderError {
  override name = 'ProviderResponseIntegrityError';
  readonly kind = 'response-integrity';
}

/** The failure type names, for activity retry policies (`nonRetryableErrorTypes`) and workflows. */
export const PROVIDER_ERROR_TYPES = {
  validation: 'ProviderValidationError',
  retryable: 'ProviderRetryableError',
  ambiguous: 'ProviderAmbiguousError',
  rejected: 'ProviderRejectedError',
  duplicateOrder: 'ProviderDuplicateOrderError',
  authentication: 'ProviderAuthenticationError',
  responseIntegrity: 'ProviderResponseIntegrityError',
} as const;
