// How each flow of the contract is started: its workflow id from the business keys, its search
// attributes (start-attributes.ts) and its one-line summary. Every door that starts a flow (the
// typed client, the API through it, the Nexus service) builds its start from here, so the same business key always addresses the same flow.
import {
  type ActivationParsedInput,
  type ClosureParsedInput,
  type DepositParsedInput,
  flowSummary,
  type IssuanceParsedInput,
  type KycParsedInput,
  type WorkflowType,
} from '../contract';
import type { CodecKeyring } from '../security/codec-keys';
import { workflowIdOf } from './flow-types';
import { startAttributes } from './start-attributes';

/** The parsed input each of the five one-shot flows is started with. */
export interface FlowInputs {
  kycVerification: KycParsedInput;
  physicalCardActivation: ActivationParsedInput;
  virtualCardIssuance: IssuanceParsedInput;
  cardDeposit: DepositParsedInput;
  cardClosure: ClosureParsedInput;
}
export type OneShotFlow = keyof FlowInputs;

/**
 * Start options of a flow (without the reuse policy, which depends on where the id stands:
 * reuse.ts): its id from the business keys, its search attributes and its summary.
 */
export function startOptions(
  type: WorkflowType,
  input: unknown,
  taskQueue: string,
  routingKeyring: CodecKeyring | undefined,
) {
  const workflowId = workflowIdOf(type, input);
  return {
    workflowId,
    taskQueue,
    args: [input],
    // Update-with-start and Nexus attach to a running run; the typed client's start sets FAIL.
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    typedSearchAttributes: startAttributes(type, workflowId, input, routingKeyring),
    staticSummary: flowSummary(type, input as Parameters<typeof flowSummary>[1]),
  };
}
export type StartOptions = ReturnType<typeof startOptions>;
