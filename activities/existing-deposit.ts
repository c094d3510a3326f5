// A deposit flow that already exists under a depositRef's workflow id (started through another
// door, or an earlier repeat): the account follows it instead of starting a second one, and a
// repeat with other terms is a conflict. Reads Temporal, not a provider: the worker's client.
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Decimal, FAILURE_TYPES, REFERENCE_FREE, WORKFLOW_TYPES } from '../src/contract';
import { type DepositResult, type DepositTerms, depositInputSchema } from '../src/contract/deposit';
import { standingOf } from '../src/client/reuse';
import { storedInput } from '../src/client/stored-input';
import { stillPending } from './still-pending';

const sameTerms = (a: DepositTerms, b: DepositTerms) =>
  a.currency === b.currency && new Decimal(a.amount).equals(b.amount);

function conflict(workflowId: string, first: DepositTerms): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.conflict,
    message: `deposit ${workflowId} was already made for ${first.amount} ${first.currency}: a repeat must carry the same amount and currency`,
    nonRetryable: true,
  });
}

/**
 * The first deposit's result once it has ended (StillPending while it runs; ReferenceFree when it
 * failed before sending anything, so the ref may be deposited again, whatever its terms were).
 */
export async function followDeposit(input: { workflowId: string } & DepositTerms): Promise<DepositResult> {
  const client = Context.current().client;
  const handle = client.workflow.getHandle(input.workflowId);
  // One describe per look: where the ref stands (reuse.ts) and the run whose terms are compared.
  const standing = await standingOf(
    client,
    WORKFLOW_TYPES.cardDeposit,
    input.workflowId,
    await handle.describe(),
  );
  if (standing.kind === 'closed' && standing.reusable)
    throw ApplicationFailure.create({
      type: REFERENCE_FREE,
      message: `deposit ${input.workflowId} failed before anything was sent`,
      nonRetryable: true,
    });
  const first = depositInputSchema.safeParse(await storedInput(client, input.workflowId, standing.runId));
  if (first.success && !sameTerms(first.data, input)) throw conflict(input.workflowId, first.data);
  if (standing.kind === 'running') throw stillPending(`deposit ${input.workflowId}`);
  let result: DepositResult;
  try {
    result = (await handle.result()) as DepositResult;
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    // The first deposit failed: a repeat answers the same failure (and moves nothing).
    const cause = error.cause as (Error & { type?: string }) | undefined;
    throw ApplicationFailure.create({
      type: cause?.type ?? FAILURE_TYPES.providerUnavailable,
      message: `deposit ${input.workflowId} failed: ${cause?.message ?? 'no reason given'}`,
      nonRetryable: true,
    });
  }
  if (!sameTerms({ amount: result.amount, currency: result.currency }, input))
    throw conflict(input.workflowId, { amount: result.amount, currency: result.currency });
  return result;
}
