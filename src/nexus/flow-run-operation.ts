// A workflow-run Nexus operation for one of the five one-shot flows, under the one id and reuse
// policy of every door (src/client/reuse.ts): the workflow id comes from the business keys, so a
// repeated key answers the first flow and never starts a second money movement.
//
// The start goes first, as the typed client's does (starts.ts), with the flow type's reuse policy
// (REUSE_POLICY): a new id costs one call, nothing is described. What the server does then:
// - a run still going: `startWorkflow` (from @temporalio/nexus) starts with USE_EXISTING and the
//   server attaches this operation's completion callback, request id and links to that run: the
//   caller waits on the first flow's result;
// - a closed run the policy keeps: the server refuses the start (WorkflowExecutionAlreadyStartedError,
//   which the SDK would report as an INTERNAL handler error, retried until the operation times
//   out). Only then is the id described (idStanding): a closed run that keeps its id (completed,
//   or failed after a send) is answered, its result as a sync result, its failure as a failed (or
//   canceled) operation; a closed run that frees it (a NothingSent failure, which the server cannot
//   see) is started again with ALLOW_DUPLICATE_FAILED_ONLY (`startPolicy`), as through the typed
//   client; a run started meanwhile is attached to by that second start.
import * as nexus from 'nexus-rpc';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { WorkflowIdReusePolicy } from '@temporalio/common';
import { getClient, startWorkflow, WorkflowRunOperationHandler } from '@temporalio/nexus';
import type { z } from 'zod';
import { DepositConflictError } from '../client';
import { idStanding, REUSE_POLICY, startPolicy } from '../client/reuse';
import { codecKeyringOf } from '../client/notification-keys';
import { type FlowInputs, type OneShotFlow, startOptions } from '../client/start-options';
import { storedInput } from '../client/stored-input';
import { Decimal, depositInputSchema, TASK_QUEUE } from '../contract';
import { atBoundary, validated } from './boundary';

/** The closed run under `workflowId`, answered as the operation's outcome. */
async function answerClosedRun<O>(
  client: Client,
  workflowId: string,
): Promise<nexus.HandlerStartOperationResult<O>> {
  return atBoundary(async () =>
    nexus.HandlerStartOperationResult.sync((await client.workflow.getHandle(workflowId).result()) as O),
  );
}

/** A deposit ref reused with other terms: refused, as every door refuses it. */
async function refuseOtherTerms(client: Client, workflowId: string, input: FlowInputs['cardDeposit']) {
  const first = depositInputSchema.safeParse(await storedInput(client, workflowId));
  if (
    first.success &&
    (first.data.currency !== input.currency || !new Decimal(first.data.amount).equals(input.amount))
  )
    throw new nexus.OperationError(
      'failed',
      new DepositConflictError(workflowId, { amount: first.data.amount, currency: first.data.currency })
        .message,
    );
}

export class FlowRunOperation<T extends OneShotFlow, O> implements nexus.OperationHandler<unknown, O> {
  // The SDK's own handler gives the operation token and the cancel (cancelling the flow's workflow).
  private readonly runOperation = new WorkflowRunOperationHandler<unknown, O>(() => {
    throw new Error('FlowRunOperation starts flows itself');
  });

  constructor(
    readonly type: T,
    readonly schema: z.ZodType<FlowInputs[T]>,
  ) {}

  async start(
    ctx: nexus.StartOperationContext,
    input: unknown,
  ): Promise<nexus.HandlerStartOperationResult<O>> {
    const parsed = validated(this.type, this.schema, input);
    const client = getClient();
    // The worker's client carries the codec keyring: a KazePay KYC's notification key needs it.
    const options = startOptions(this.type, parsed, TASK_QUEUE, codecKeyringOf(client));
    const { workflowId } = options;
    const deposit = this.type === 'cardDeposit' ? (parsed as FlowInputs['cardDeposit']) : undefined;
    // A closed run that keeps its reference is answered, if its terms are ours (a freed one is
    // started again, whatever its terms: the typed client's rule).
    const answerClosed = async () => {
      if (deposit) await refuseOtherTerms(client, workflowId, deposit);
      return answerClosedRun<O>(client, workflowId);
    };
    /** The started (or attached) run, or undefined when the server refused it: a closed run kept. */
    const tryStart = async (policy: WorkflowIdReusePolicy) => {
      try {
        return await startWorkflow(ctx, this.type, { ...options, workflowIdReusePolicy: policy });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return undefined;
        throw error;
      }
    };
    let handle = await tryStart(REUSE_POLICY[this.type]);
    if (!handle) {
      const standing = await idStanding(client, this.type, workflowId);
      if (standing.kind === 'closed' && !standing.reusable) return answerClosed();
      handle = await tryStart(startPolicy(this.type, standing));
      // Closed meanwhile, between the look and the second start.
      if (!handle) return answerClosed();
    }
    // Started now, or attached to a running run (started by any door, maybe with other terms).
    if (deposit) await refuseOtherTerms(client, workflowId, deposit);
    return new WorkflowRunOperationHandler<unknown, O>(async () => handle as never).start(ctx, input);
  }

  cancel(ctx: nexus.CancelOperationContext, token: string): Promise<void> {
    return this.runOperation.cancel(ctx, token);
  }
}
