// Worker Versioning: how each product workflow behaves when a new build becomes current
// (docs/deployment.md#worker-versioning). A short money-moving flow is PINNED: it finishes on the
// build that started it, so a deploy can never replay a half-sent deposit on different code. A
// long waiting flow (reviews, activation codes, the card account's lifetime) is AUTO_UPGRADE: it
// moves to the current build at its next task, so old builds can drain, and it stays compatible
// through patched(). The behaviour travels with the workflow task completion, not as a command:
// declaring it changes nothing a history records.
import type { VersioningBehavior } from '@temporalio/common';
import { setWorkflowOptions } from '@temporalio/workflow';
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

/** Attaches each workflow's behaviour to its exported function (the worker reads it from there). */
export function declareVersioningBehaviors(workflows: Partial<Record<WorkflowType, WorkflowFunction>>): void {
  for (const [type, fn] of Object.entries(workflows) as Array<[WorkflowType, WorkflowFunction]>)
    setWorkflowOptions({ versioningBehavior: VERSIONING_BEHAVIORS[type] }, fn);
}
