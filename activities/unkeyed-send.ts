// KazePay takes no idempotency key, so a call that moves money or changes state must never be
// sent twice blind. Within one activity the client tells the outcomes apart (retryable: certainly
// not applied; ambiguous: maybe applied). Across attempts it is the activity's retry that could
// resend blind: after an attempt timed out, or its worker died mid-call, nobody knows whether the
// request left. So an attempt after the first sends only when the attempt before it reported,
// with its failure, that the provider certainly did not act; otherwise it fails as ambiguous and
// the workflow reconciles by reading the provider (workflows/support/reconcile.ts).
import { Context } from '@temporalio/activity';
import { ProviderAmbiguousError, ProviderRetryableError } from '../src/providers/errors';

/** Heartbeat details an attempt leaves behind when the provider certainly did not act. */
interface NotApplied {
  notAppliedAttempt: number;
}

function isNotApplied(details: unknown): details is NotApplied {
  return typeof details === 'object' && details !== null && 'notAppliedAttempt' in details;
}

/**
 * Sends `call` (a KazePay operation named `operation`) at most once per attempt, and in a later
 * attempt only when the previous one left "not applied" behind. The mark travels as the
 * previous attempt's last heartbeat details, which the worker reports together with its failure,
 * so it cannot be lost or outlive the attempt that wrote it.
 */
export async function sendUnkeyed<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const { attempt, heartbeatDetails } = context.info;
  if (
    attempt > 1 &&
    !(isNotApplied(heartbeatDetails) && heartbeatDetails.notAppliedAttempt === attempt - 1)
  ) {
    throw new ProviderAmbiguousError(
      `attempt ${attempt - 1} ended without an answer (timed out, or its worker stopped): reconcile before sending again`,
      { provider: 'kazepay', operation },
    );
  }
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderRetryableError)
      context.heartbeat({ notAppliedAttempt: attempt } satisfies NotApplied);
    throw error;
  }
}
