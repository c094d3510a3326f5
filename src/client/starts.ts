// Starting a flow under the one id policy (reuse.ts): a run going, or a closed run that did not
// free its reference, is answered instead of started; otherwise the flow starts with its search
// attributes (start-attributes.ts) and summary. The card account is started with its first update.
//
// The start goes first, carrying the reuse policy of the flow type (REUSE_POLICY) and refusing a
// running id (conflict policy FAIL): the server itself refuses every id the rule keeps, so a fresh
// id costs one call. Only a refused start (WorkflowExecutionAlreadyStartedError) describes the id
// (idStanding): a run going or a closed run that keeps its id is answered, a closed run that frees
// it (a NothingSent failure, which the server cannot see) is started again. A start that stores
// secrets first (`prepare`, the API's PINs and card numbers) describes before it stores, as before:
// nothing is stored for an id that is taken.
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { WorkflowIdReusePolicy } from '@temporalio/common';
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
     * business keys (the id is read from it) and is the workflow input, unless `prepare` turns it
     * into one: given, the id is described first and `prepare` called only when the id is free
     * (the API stores secrets there), so nothing is prepared for a start that is refused. Inputs
     * are checked by the caller: the typed client with the contract's schemas, the API with its own.
     */
    async startOrFind(
      type: WorkflowType,
      request: unknown,
      prepare?: (request: unknown) => unknown,
    ): Promise<StartOutcome> {
      const workflowId = workflowIdOf(type, request);
      /** The new run, or undefined when the server refused: the id is taken. */
      const tryStart = async (input: unknown, policy: WorkflowIdReusePolicy) => {
        try {
          const handle = await client.workflow.start(type, {
            ...optionsOf(type, input),
            // A running id is refused too (not attached): "started" is then known, not assumed.
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: policy,
          });
          return { workflowId, handle, runId: handle.firstExecutionRunId, started: true, status: 'RUNNING' };
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) return undefined;
          throw error;
        }
      };
      if (!prepare) {
        const started = await tryStart(request, REUSE_POLICY[type]);
        if (started) return started;
      }
      const standing = await idStanding(client, type, workflowId);
      if (standing.kind === 'running' || (standing.kind === 'closed' && !standing.reusable))
        return {
          workflowId,
          handle: client.workflow.getHandle(workflowId),
          runId: standing.runId,
          started: false,
          status: standing.kind === 'running' ? 'RUNNING' : standing.status,
        };
      const input = prepare ? await prepare(request) : request;
      return (await tryStart(input, startPolicy(type, standing))) ?? found(workflowId);
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
