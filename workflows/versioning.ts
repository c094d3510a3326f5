// Worker Versioning: how each product workflow behaves when a new build becomes current
// (docs/deployment.md#worker-versioning). A short money-moving flow is PINNED: it finishes on the
// build that started it, so a deploy can never replay a half-sent deposit on different code. A
// long waiting flow (reviews, activation codes, the card account's lifetime) is AUTO_UPGRADE: it
// moves to the current build at its next task, so old builds can drain, and it stays compatible
// through patched(). The behaviour travels with the workflow task completion, not as a command:
// declaring it changes nothing a history records.
//
// The server refuses a behaviour from a worker without a deployment version ("versioning behavior
// cannot be specified without deployment options being set with versioned mode"), and the same
// bundle runs on unversioned workers (the dev stack, CARDFLOW_BUILD_ID unset). So the behaviour is
// given only when the run's first task came from a versioned worker. A run that began on an
// unversioned worker gets none, and the worker's default behaviour (AUTO_UPGRADE) applies to it.
import type { VersioningBehavior } from '@temporalio/common';
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { WorkflowType } from '../src/contract/common';

export const VERSIONING_BEHAVIORS = {
  cardDeposit: 'PINNED',
  cardClosure: 'PINNED',
  virtualCardIssuance: 'PINNED',
  kycVerification: 'AUTO_UPGRADE',
  physicalCardActivation: 'AUTO_UPGRADE',
  cardAccount: 'AUTO_UPGRADE',
} as const satisfies Record<WorkflowType, VersioningBehavior>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any workflow's signature
type WorkflowFunction = (...args: any[]) => Promise<unknown>;

/** The behaviour a run declares: its type's on a versioned worker, none on an unversioned one. */
export function versioningBehaviorFor(
  type: WorkflowType,
  deploymentVersion: { deploymentName: string; buildId: string } | undefined,
): { versioningBehavior?: VersioningBehavior } {
  // An unversioned worker reports a build id of its own too, but no deployment name.
  return deploymentVersion?.deploymentName ? { versioningBehavior: VERSIONING_BEHAVIORS[type] } : {};
}

/**
 * Attaches each workflow's behaviour to its exported function (the worker reads it from there),
 * as a getter the SDK calls once per run, before the workflow function, in the workflow context.
 */
export function declareVersioningBehaviors(workflows: Partial<Record<WorkflowType, WorkflowFunction>>): void {
  for (const [type, fn] of Object.entries(workflows) as Array<[WorkflowType, WorkflowFunction]>)
    setWorkflowOptions(() => versioningBehaviorFor(type, workflowInfo().currentDeploymentVersion), fn);
}
