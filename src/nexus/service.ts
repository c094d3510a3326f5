// The `cardflow` Nexus service: its operation names and their JSON input and output types are
// the contract other teams call (from any SDK: docs/nexus.md lists them). Inputs and outputs are
// the public contract's own types (src/contract), so every door speaks the same language.
//
// This module is imported by callers' workflow code too: it holds types and names only (nexus-rpc
// is safe in the workflow sandbox), never a handler or a client.
import * as nexus from 'nexus-rpc';
import type {
  ActivationInput,
  ActivationResult,
  CardAccountInput,
  CardAccountState,
  CardAccountStatus,
  ClosureInput,
  ClosureResult,
  DepositInput,
  DepositResult,
  FlowStatus,
  IssuanceInput,
  IssuanceResult,
  KycInput,
  KycResult,
} from '../contract';

/** The Nexus service name, and the endpoint name cardflow's tooling creates for it. */
export const CARDFLOW_NEXUS_SERVICE = 'cardflow';
export const CARDFLOW_NEXUS_ENDPOINT = 'cardflow';

/** A deposit through the card's account: the account is created if needed, the ref moves money once. */
export interface AccountDepositRequest {
  account: CardAccountInput;
  deposit: { depositRef: string; amount: string };
}

/** A flow by its workflow id (as an operation's links, the Web UI or `list` give it). */
export interface FlowStateRequest {
  workflowId: string;
}

export const cardflowService = nexus.service(CARDFLOW_NEXUS_SERVICE, {
  // Workflow-run operations: the caller waits on the flow's result. A repeated business key
  // answers the first flow (running: attached to it; ended: its result or failure).
  kycVerification: nexus.operation<KycInput, KycResult>(),
  physicalCardActivation: nexus.operation<ActivationInput, ActivationResult>(),
  virtualCardIssuance: nexus.operation<IssuanceInput, IssuanceResult>(),
  cardDeposit: nexus.operation<DepositInput, DepositResult>(),
  cardClosure: nexus.operation<ClosureInput, ClosureResult>(),
  // Sync operations on the card's account workflow (update-with-start): answered within the
  // Nexus request deadline (10 s by default).
  accountDeposit: nexus.operation<AccountDepositRequest, DepositResult>(),
  accountFreeze: nexus.operation<CardAccountInput, { state: CardAccountState }>(),
  accountUnfreeze: nexus.operation<CardAccountInput, { state: CardAccountState }>(),
  accountClose: nexus.operation<CardAccountInput, ClosureResult>(),
  // Reads.
  flowState: nexus.operation<FlowStateRequest, FlowStatus | CardAccountStatus>(),
});
export type CardflowService = typeof cardflowService;
