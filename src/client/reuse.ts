// Whether a workflow id (a business reference) may be started again: the one id policy of every
// door (typed client, API, the card account's deposits). A run that is still going is answered,
// never doubled; a closed run frees its id only as its flow type allows. For flows that move
// money a reference is freed only by a FAILED run whose failure says nothing was sent
// (`NothingSent`, set by the workflow itself); completed, cancelled, terminated, timed-out runs
// and failures after a send keep it burnt.
import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure, type WorkflowIdReusePolicy } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { isNothingSent, type WorkflowType } from '../contract';

/** When a closed run's id may be started again. */
export type ReuseRule =
  /** After any run that did not complete (failed, timed out, cancelled, terminated): nothing moved money. */
  | 'unless-completed'
  /** Only after a FAILED run marked NothingSent: the flow moves money. */
  | 'nothing-sent'
  /** Never: the account lives once per card. */
  | 'never';

export const REUSE_RULE: Record<WorkflowType, ReuseRule> = {
  kycVerification: 'unless-completed',
  physicalCardActivation: 'unless-completed',
  virtualCardIssuance: 'nothing-sent',
  cardDeposit: 'nothing-sent',
  cardClosure: 'unless-completed',
  cardAccount: 'never',
};

/**
 * The Temporal policy a start carries first (starts.ts) and when no closed run was found reusable
 * (and the one a start without this helper, e.g. the `temporal` CLI, must use): the server then
 * refuses every closed run the rule keeps, and more ('nothing-sent' cannot see NothingSent). A
 * freed id is started again with ALLOW_DUPLICATE_FAILED_ONLY (`startPolicy`).
 */
export const REUSE_POLICY: Record<WorkflowType, WorkflowIdReusePolicy> = Object.fromEntries(
  Object.entries(REUSE_RULE).map(([type, rule]) => [
    type,
    rule === 'unless-completed' ? 'ALLOW_DUPLICATE_FAILED_ONLY' : 'REJECT_DUPLICATE',
  ]),
) as Record<WorkflowType, WorkflowIdReusePolicy>;

/** Where an id stands: no run yet, a run going, or a closed run that frees the id or not. */
export type IdStanding =
  | { kind: 'absent' }
  | { kind: 'running'; runId: string }
  | { kind: 'closed'; runId: string; status: string; reusable: boolean };

const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'CANCELLED', 'TERMINATED']);

/** Whether a closed run frees its id, from its status and (for a FAILED run) its failure. */
export function closedRunFreesId(rule: ReuseRule, status: string, failure: Error | undefined): boolean {
  if (rule === 'never') return false;
  if (rule === 'unless-completed') return UNSUCCESSFUL.has(status);
  return (
    status === 'FAILED' &&
    failure instanceof ApplicationFailure &&
    failure.details?.length === 1 &&
    isNothingSent(failure.details[0])
  );
}

/** The decoded failure of a closed run, read from its last history event only. */
async function closingFailure(client: Client, workflowId: string, runId: string): Promise<Error | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const failure = history?.events?.[0]?.workflowExecutionFailedEventAttributes?.failure;
  return decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, failure);
}

/** Where `workflowId` stands for a start of `type` (one describe, and a failed run's last event). */
export async function idStanding(
  client: Client,
  type: WorkflowType,
  workflowId: string,
): Promise<IdStanding> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'absent' };
    throw error;
  }
  return standingOf(client, type, workflowId, description);
}

/**
 * Where `workflowId` stands, from its latest run's description (a caller that described it
 * already need not describe it again); a closed run's failure is read where the rule needs it.
 */
export async function standingOf(
  client: Client,
  type: WorkflowType,
  workflowId: string,
  { runId, status }: Pick<WorkflowExecutionDescription, 'runId' | 'status'>,
): Promise<Exclude<IdStanding, { kind: 'absent' }>> {
  if (status.name === 'RUNNING') return { kind: 'running', runId };
  const rule = REUSE_RULE[type];
  const failure =
    rule === 'nothing-sent' && status.name === 'FAILED'
      ? await closingFailure(client, workflowId, runId)
      : undefined;
  return {
    kind: 'closed',
    runId,
    status: status.name,
    reusable: closedRunFreesId(rule, status.name, failure),
  };
}

/** The reuse policy for a start, given where its id stands. */
export function startPolicy(type: WorkflowType, standing: IdStanding): WorkflowIdReusePolicy {
  return standing.kind === 'closed' && standing.reusable ? 'ALLOW_DUPLICATE_FAILED_ONLY' : REUSE_POLICY[type];
}
