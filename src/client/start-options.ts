// How each flow of the contract is started: its workflow id from the business keys, its search
// attributes and its one-line summary. Every door that starts a flow (the typed client, the Nexus
// service) builds its start from here, so the same business key always addresses the same flow.
import type { SearchAttributePair } from '@temporalio/common';
import {
  type ActivationParsedInput,
  CardFlow,
  CardProvider,
  CardRef,
  type ClosureParsedInput,
  CustomerRef,
  type DepositParsedInput,
  flowSummary,
  type IssuanceParsedInput,
  type KycParsedInput,
  type Provider,
  workflowIds,
  type WorkflowType,
} from '../contract';

/** The parsed input each of the five one-shot flows is started with. */
export interface FlowInputs {
  kycVerification: KycParsedInput;
  physicalCardActivation: ActivationParsedInput;
  virtualCardIssuance: IssuanceParsedInput;
  cardDeposit: DepositParsedInput;
  cardClosure: ClosureParsedInput;
}
export type OneShotFlow = keyof FlowInputs;

interface Refs {
  customerRef?: string;
  cardRef?: string;
}

function searchAttributes(type: WorkflowType, provider: Provider, refs: Refs): SearchAttributePair[] {
  return [
    { key: CardProvider, value: provider },
    { key: CardFlow, value: type },
    ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
    ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
  ];
}

/** Start options (without the reuse policy, which depends on where the id stands: reuse.ts). */
export function startOptions(
  type: WorkflowType,
  workflowId: string,
  input: unknown,
  provider: Provider,
  refs: Refs,
  summary: string,
  taskQueue: string,
) {
  return {
    workflowId,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    typedSearchAttributes: searchAttributes(type, provider, refs),
    staticSummary: summary,
  };
}
export type StartOptions = ReturnType<typeof startOptions>;

/** The start of a one-shot flow from its parsed input. */
export function flowStartOptions<T extends OneShotFlow>(
  type: T,
  input: FlowInputs[T],
  taskQueue: string,
): StartOptions {
  const start = (workflowId: string, refs: Refs) =>
    startOptions(type, workflowId, input, input.provider, refs, flowSummary(type, input), taskQueue);
  switch (type) {
    case 'kycVerification': {
      const p = input as KycParsedInput;
      return start(workflowIds.kycVerification(p.provider, p.customerRef), { customerRef: p.customerRef });
    }
    case 'physicalCardActivation': {
      const p = input as ActivationParsedInput;
      return start(workflowIds.physicalCardActivation(p.provider, p.customerRef, p.requestRef), {
        customerRef: p.customerRef,
        ...(p.provider === 'wasabi' ? { cardRef: p.cardRef } : {}),
      });
    }
    case 'virtualCardIssuance': {
      const p = input as IssuanceParsedInput;
      return start(workflowIds.virtualCardIssuance(p.provider, p.customerRef, p.requestRef), {
        customerRef: p.customerRef,
      });
    }
    case 'cardDeposit': {
      const p = input as DepositParsedInput;
      return start(workflowIds.cardDeposit(p.provider, p.cardRef, p.depositRef), {
        cardRef: p.cardRef,
        ...(p.customerRef ? { customerRef: p.customerRef } : {}),
      });
    }
    case 'cardClosure': {
      const p = input as ClosureParsedInput;
      return start(workflowIds.cardClosure(p.provider, p.cardRef), {
        cardRef: p.cardRef,
        ...(p.customerRef ? { customerRef: p.customerRef } : {}),
      });
    }
  }
  throw new TypeError(`not a one-shot flow: ${String(type)}`);
}
