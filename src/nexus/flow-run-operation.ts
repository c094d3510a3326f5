// A workflow-run Nexus operation for one of the five one-shot flows, under the one id and reuse
// policy of every door (src/client/reuse.ts): the workflow id comes from the business keys, so a
// repeated key answers the first flow and never starts a second money movement.
//
// What the SDK does when the id is taken, and what this adds:
// - a run still going: `startWorkflow` (from @temporalio/nexus) starts with USE_EXISTING and the
//   server attaches this operation's completion callback, request id and links to that run: the
//   caller waits on the first flow's result;
// - a closed run that keeps its id (completed, or failed after a send): the server refuses the
//   start (WorkflowExecutionAlreadyStartedError, which the SDK would report as an INTERNAL handler
//   error, retried until the operation times out). Here the closed run is answered instead: its
//   result as a sync result, its failure as a failed (or canceled) operation;
// - a closed run that frees its id (reuse.ts): a new run, as through the typed client.
import * as nexus from 'nexus-rpc';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { getClient, startWorkflow, WorkflowRunOperationHandler } from '@temporalio/nexus';
import type { z } from 'zod';
import { DepositConflictError } from '../client';
import { idStanding, startPolicy } from '../client/reuse';
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
    const standing = await idStanding(client, this.type, workflowId);
    const deposit = this.type === 'cardDeposit' ? (parsed as FlowInputs['cardDeposit']) : undefined;
    // A closed run that keeps its reference is answered, if its terms are ours (a freed one is
    // started again, whatever its terms: the typed client's rule).
    const answerClosed = async () => {
      if (deposit) await refuseOtherTerms(client, workflowId, deposit);
      return answerClosedRun<O>(client, workflowId);
    };
    if (standing.kind === 'closed' && !standing.reusable) return answerClosed();
    let handle;
    try {
      handle = await startWorkflow(ctx, this.type, {
        ...options,
        workflowIdReusePolicy: startPolicy(this.type, standing),
      });
    } catch (error) {
      // Closed meanwhile, between the look and the start.
      if (error instanceof WorkflowExecutionAlreadyStartedError) return answerClosed();
      throw error;
    }
    // Started now, or attached to a running run (started by any door, maybe with other terms).
    if (deposit) await refuseOtherTerms(client, workflowId, deposit);
    return new WorkflowRunOperationHandler<unknown, O>(async () => handle as never).start(ctx, input);
  }

  cancel(ctx: nexus.CancelOperationContext, token: string): Promise<void> {
    return this.runOperation.cancel(ctx, token);
  }
}
