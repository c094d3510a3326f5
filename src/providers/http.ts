// The one place provider clients touch the network. It sends exact bytes, returns exact bytes,
// and sorts network failures by whether the request may have reached the provider:
// refused before sending -> Retryable; timed out or cut after sending -> Ambiguous.
import {
  ProviderAmbiguousError,
  ProviderAuthenticationError,
  type ProviderErrorContext,
  ProviderRetryableError,
} from './errors';
import { outcomeForStatus, type ProviderCallOutcome, reportProviderCall } from './call-observer';

/**
 * Where the signal of the work a request belongs to comes from (e.g. the running activity's
 * cancellation): when it aborts, the request is abandoned at once instead of running on after
 * its caller gave up. Set once by whoever hosts the clients; providers know nothing of it.
 */
let abortSource: () => AbortSignal | undefined = () => undefined;
export function setAbortSignalSource(source: () => AbortSignal | undefined): void {
  abortSource = source;
}

export interface RawHttpRequest {
  url: string;
  headers: Record<string, string>;
  /** Sent as is: the exact bytes that were signed. FormData for multipart uploads. */
  body: string | Uint8Array | FormData;
  timeoutMs: number;
}

export interface RawHttpResponse {
  status: number;
  headers: Headers;
  /** The exact bytes received, for signature verification before any parsing. */
  body: Buffer;
}

/** Socket error codes meaning the connection never carried the request. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function postRaw(
  request: RawHttpRequest,
  context: ProviderErrorContext,
): Promise<RawHttpResponse> {
  let response: Response;
  const started = performance.now();
  const report = (outcome: ProviderCallOutcome) =>
    reportProviderCall({
      provider: context.provider,
      operation: context.operation,
      outcome,
      seconds: (performance.now() - started) / 1000,
    });
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const cancelled = abortSource();
  const signal = cancelled ? AbortSignal.any([timeout, cancelled]) : timeout;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
    // Read inside the same timeout: a body that never finishes is as ambiguous as no answer.
    const body = Buffer.from(await response.arrayBuffer());
    report(outcomeForStatus(response.status));
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    const code = causeCode(error);
    if (code && NOT_SENT_CODES.has(code)) {
      report('connection_refused');
      throw new ProviderRetryableError(`connection failed before the request was sent (${code})`, {
        ...context,
        cause: error,
      });
    }
    if (cancelled?.aborted) {
      report('abandoned');
      throw new ProviderAmbiguousError(
        'abandoned: the work it belonged to was cancelled; the provider may have acted',
        {
          ...context,
          cause: error,
        },
      );
    }
    if (timeout.aborted) {
      report('timeout');
      throw new ProviderAmbiguousError(
        `no answer within ${request.timeoutMs} ms; the provider may have acted`,
        {
          ...context,
          cause: error,
        },
      );
    }
    report('connection_lost');
    throw new ProviderAmbiguousError(
      `connection lost after sending (${code ?? 'network error'}); the provider may have acted`,
      {
        ...context,
        cause: error,
      },
    );
  }
}

/**
 * The meaning of an HTTP status before the body is read: 401/403 are credential problems,
 * 429 and 5xx mean the provider did not complete the request. Returns undefined for statuses
 * whose body must be read (2xx, and 4xx bodies that carry the provider's error envelope).
 */
export function errorForHttpStatus(status: number, context: ProviderErrorContext): Error | undefined {
  if (status === 401 || status === 403) return new ProviderAuthenticationError(`HTTP ${status}`, context);
  if (status === 429 || status >= 500)
    return new ProviderRetryableError(`HTTP ${status}`, { ...context, httpStatus: status });
  return undefined;
}
