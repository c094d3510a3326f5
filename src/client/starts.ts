// Starting a flow under the one id policy (reuse.ts): a run going, or a closed run that did not
// free its reference, is answered instead of started; otherwise the flow starts with its search
// attributes (start-attributes.ts) and summary. The card account is started with its first update.
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { type CardAccountInput, WORKFLOW_TYPES, type WorkflowType } from '../contract';
import type { CodecKeyring } from '../security/codec-keys';
import { workflowIdOf } from './flow-types';
import { idStanding, REUSE_POLICY, startPolicy } from './reuse';
import { startOptions } from './start-options';

/** What a start found: a new run, or the run already under the id. */
export interface StartOutcome {
  workflowId: string;
  handle: WorkflowHandle;
  /** The run started or found (unknown only if it vanished between the two calls). */
  runId?: string;
  started: boolean;
  /** Temporal's execution status of that run: RUNNING, COMPLETED, FAILED, ... */
  status: string;
}

export interface StarterOptions {
  client: Client;
  taskQueue: string;
  routingKeyring: CodecKeyring | undefined;
}

export type Starter = ReturnType<typeof createStarter>;

export function createStarter({ client, taskQueue, routingKeyring }: StarterOptions) {
  const optionsOf = (type: WorkflowType, input: unknown) =>
    startOptions(type, input, taskQueue, routingKeyring);

  const found = async (workflowId: string): Promise<StartOutcome> => {
    const handle = client.workflow.getHandle(workflowId);
    try {
      const { runId, status } = await handle.describe();
      return { workflowId, handle, runId, started: false, status: status.name };
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      return { workflowId, handle, started: false, status: 'UNKNOWN' };
    }
  };

  return {
    /**
     * Starts a flow of `type`, or answers the run already under its id. `request` carries the
     * business keys (the id is read from it); `prepare` turns it into the workflow input, called
     * only when a run is really started (the API stores secrets there). Inputs are checked by the
     * caller: the typed client with the contract's schemas, the API with its own.
     */
    async startOrFind(
      type: WorkflowType,
      request: unknown,
      prepare: (request: unknown) => unknown = (r) => r,
    ): Promise<StartOutcome> {
      const workflowId = workflowIdOf(type, request);
      const standing = await idStanding(client, type, workflowId);
      if (standing.kind === 'running' || (standing.kind === 'closed' && !standing.reusable))
        return {
          workflowId,
          handle: client.workflow.getHandle(workflowId),
          runId: standing.runId,
          started: false,
          status: standing.kind === 'running' ? 'RUNNING' : standing.status,
        };
      const input = await prepare(request);
      try {
        const handle = await client.workflow.start(type, {
          ...optionsOf(type, input),
          workflowIdReusePolicy: startPolicy(type, standing),
        });
        return { workflowId, handle, runId: handle.firstExecutionRunId, started: true, status: 'RUNNING' };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return found(workflowId);
        throw error;
      }
    },

    /** The start half of an update-with-start on a card account (`input` checked by the caller). */
    accountStartOperation(input: CardAccountInput): WithStartWorkflowOperation<never> {
      return new WithStartWorkflowOperation(WORKFLOW_TYPES.cardAccount, {
        ...optionsOf('cardAccount', input),
        // A closed account is never reopened by a late update.
        workflowIdReusePolicy: REUSE_POLICY.cardAccount,
      }) as WithStartWorkflowOperation<never>;
    },
  };
}
