// Secret handles in activities. The activity redeems a handle as its step (workflow id and
// activity type): stable across attempts, retries scheduled anew, worker restarts and resets,
// so when an attempt dies after redeeming (worker killed, provider 5xx) the retry of the same
// step gets the value again while any other redeemer (another flow or step) is refused. Once the
// provider step has ended, for good or with a refusal no retry can change, the value is
// released: gone from the store. Otherwise it goes at the handle's expiry (at most 15 minutes).
import { Context } from '@temporalio/activity';
import { ProviderError } from '../src/providers/errors';
import type { SecretStore } from '../src/security/secret-store';

/** Provider answers after which a retry of the step will never need the value again. */
const FINAL_KINDS: ReadonlySet<string> = new Set(['validation', 'rejected', 'authentication']);

export async function useSecret<T>(
  secrets: SecretStore,
  handle: string,
  purpose: string,
  use: (value: string) => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const { workflowExecution, activityType } = context.info;
  // Activities here always run for a workflow; the fallback only keeps a claim unique.
  const claimant = workflowExecution
    ? `${workflowExecution.workflowId}/${activityType}`
    : `activity/${Buffer.from(context.info.taskToken).toString('base64')}`;
  const value = await secrets.redeem(handle, purpose, { claimant });
  const release = () =>
    secrets.release(handle).catch((error: unknown) =>
      // The value still expires with its handle; the step's outcome stands.
      context.log.warn('secret handle not released; it expires on its own', {
        error: (error as Error)?.name,
      }),
    );
  try {
    const result = await use(value);
    await release();
    return result;
  } catch (error) {
    if (error instanceof ProviderError && FINAL_KINDS.has(error.kind)) await release();
    throw error;
  }
}
