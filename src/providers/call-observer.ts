// What every provider request looked like from the outside (which operation, how long, how it
// ended), for the worker's metrics. The HTTP layer reports each request here; whoever hosts the
// clients (the worker) sets the observer once. Providers and tests that set none pay nothing.
import type { ProviderErrorContext } from './errors';

/**
 * How a request ended, as the network saw it: `ok` is any answer the provider's envelope decides
 * (2xx, and 4xx carrying its error envelope), the rest are the provider or the path failing.
 */
export type ProviderCallOutcome =
  | 'ok'
  | 'auth_refused'
  | 'throttled'
  | 'server_error'
  | 'timeout'
  | 'connection_refused'
  | 'connection_lost'
  | 'abandoned';

export interface ProviderCall {
  provider: ProviderErrorContext['provider'];
  /** apiCode (KazePay) or path (WasabiCard): a fixed name, never a value of the request. */
  operation: string;
  outcome: ProviderCallOutcome;
  seconds: number;
}

export type ProviderCallObserver = (call: ProviderCall) => void;

let observer: ProviderCallObserver | undefined;

export function setProviderCallObserver(next: ProviderCallObserver | undefined): void {
  observer = next;
}

/** The outcome a provider's HTTP status means for its health. */
export function outcomeForStatus(status: number): ProviderCallOutcome {
  if (status === 401 || status === 403) return 'auth_refused';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server_error';
  return 'ok';
}

export function reportProviderCall(call: ProviderCall): void {
  if (!observer) return;
  try {
    observer(call);
  } catch {
    // A metric that cannot be recorded never fails the provider call.
  }
}
