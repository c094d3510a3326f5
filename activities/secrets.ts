// Secret handles in activities. The activity redeems a handle as its step (workflow id, activity
// type, and the step's own key when the flow runs that activity more than once): stable across
// attempts, retries scheduled anew, worker restarts and resets, so when an attempt dies after
// redeeming (worker killed, provider 5xx) the retry of the same step gets the value again while
// any other redeemer (another flow or step) is refused. Once the provider step has ended, for
// good or with a refusal no retry can change, the value is released: gone from the store, and
// how the step ended recorded for the step (until the handle's expiry, at most 15 minutes).
// Otherwise the value goes at the handle's expiry.
//
// An attempt can die after the release too (its completion lost: worker killed, server
// restarted): the provider acted, and Temporal runs the step again. That retry is told how the
// step ended instead of the value: done → `alreadyDone` answers without sending again (reading
// the provider where it can tell); refused → the same failure type, not retryable.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ProviderError, ProviderRejectedError } from '../src/providers/errors';
import { type SecretStepEnding, SecretStepEndedError, type SecretStore } from '../src/security/secret-store';

/** Provider answers after which a retry of the step will never need the value again. */
const FINAL_KINDS: ReadonlySet<string> = new Set(['validation', 'rejected', 'authentication']);

/** A provider error code worth keeping with a refusal: a short plain token, else none. */
const PLAIN_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

export interface SecretStep<T> {
  /**
   * What tells this step from another of the same activity type in the flow (e.g. WasabiCard's
   * merchantOrderNo per activation attempt), so a handle given again to a later step is refused,
   * not answered with an earlier step's ending.
   */
  key?: string;
  /** The provider step, with the value in memory for this attempt only. */
  use(value: string): Promise<T>;
  /** What a retry needs to answer without the value (never secret: e.g. the provider's card id). */
  note?(result: T): string | undefined;
  /** The step's answer for a retry after it was done (`note` as kept): read the provider, don't send. */
  alreadyDone(note: string | undefined): Promise<T>;
}

export async function useSecret<T>(
  secrets: SecretStore,
  handle: string,
  purpose: string,
  step: SecretStep<T>,
): Promise<T> {
  const context = Context.current();
  const { workflowExecution, activityType } = context.info;
  // Activities here always run for a workflow; the fallback only keeps a claim unique.
  const claimant = workflowExecution
    ? `${workflowExecution.workflowId}/${activityType}${step.key ? `/${step.key}` : ''}`
    : `activity/${Buffer.from(context.info.taskToken).toString('base64')}`;
  let value: string;
  try {
    value = await secrets.redeem(handle, purpose, { claimant });
  } catch (error) {
    if (!(error instanceof SecretStepEndedError)) throw error;
    return answerEnded(error.ending, purpose, step);
  }
  const release = (ending: SecretStepEnding) =>
    secrets.release(handle, ending).catch((error: unknown) =>
      // The value still expires with its handle (a retry meanwhile gets it again and repeats the
      // step, which each caller makes safe); the step's outcome stands.
      context.log.warn('secret handle not released; it expires on its own', {
        error: (error as Error)?.name,
      }),
    );
  try {
    const result = await step.use(value);
    const note = step.note?.(result);
    await release({ outcome: 'done', ...(note ? { note } : {}) });
    return result;
  } catch (error) {
    if (error instanceof ProviderError && FINAL_KINDS.has(error.kind)) {
      const code = error instanceof ProviderRejectedError && PLAIN_CODE.test(error.code) ? error.code : '';
      await release({ outcome: 'refused', failureType: error.name, ...(code ? { code } : {}) });
    }
    throw error;
  }
}

function answerEnded<T>(ending: SecretStepEnding, purpose: string, step: SecretStep<T>): Promise<T> {
  const context = Context.current();
  if (ending.outcome === 'refused') {
    // The same failure type as the refused attempt threw, so the workflow decides the same way.
    throw ApplicationFailure.create({
      type: ending.failureType,
      message: `the provider refused this ${purpose} step in an earlier attempt${
        ending.code ? ` (code ${ending.code})` : ''
      }; its completion was lost`,
      nonRetryable: true,
    });
  }
  // A warning, as other reconciled unknown outcomes are: operators see the lost completion.
  context.log.warn('secret step already done in an earlier attempt whose completion was lost', { purpose });
  return step.alreadyDone(ending.note);
}
