// What the idiomatic-Temporal arm's client and worker agree on: the task queue, the workflows'
// inputs and results. Idempotency keys are chosen by the caller (providerOrderKey of the workflow
// id and step, as cardflow derives them) and passed in, which keeps the workflow code to the SDK.
import type { Applicant } from '../../../src/contract';

export const IDIOMATIC_TASK_QUEUE = 'bench-idiomatic';

/** Every wait: poll interval and deadline, in milliseconds. */
export interface Wait {
  pollIntervalMs: number;
  deadlineMs: number;
}

export interface KycInput {
  cardTypeId: string;
  applicant: Applicant;
  holderKey: string;
  wait: Wait;
}

export interface IssuanceInput {
  cardTypeId: string;
  holderId: string;
  initialDeposit: string;
  openKey: string;
  wait: Wait;
}

export interface DepositInput {
  cardNo: string;
  amount: string;
  depositKey: string;
  wait: Wait;
}

export interface ClosureInput {
  cardNo: string;
  cancelKey: string;
  wait: Wait;
}
