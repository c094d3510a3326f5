// Per workflow type, the contract schema of its input and the workflow id its business keys give:
// the one table every door (typed client, API, CLI) starts flows from.
import type { z } from 'zod';
import {
  activationInputSchema,
  cardAccountInputSchema,
  closureInputSchema,
  depositInputSchema,
  issuanceInputSchema,
  kycInputSchema,
  workflowIds,
  type WorkflowType,
} from '../contract';

export interface FlowTypeDefinition<S extends z.ZodType = z.ZodType> {
  /** The contract's input schema (also how a stored input is read back). */
  schema: S;
  /** The workflow id from the business keys of a (parsed) input. */
  id(input: z.output<S>): string;
}

const define = <S extends z.ZodType>(
  schema: S,
  id: (input: z.output<S>) => string,
): FlowTypeDefinition<S> => ({
  schema,
  id,
});

export const FLOW_TYPES = {
  kycVerification: define(kycInputSchema, (i) => workflowIds.kycVerification(i.provider, i.customerRef)),
  physicalCardActivation: define(activationInputSchema, (i) =>
    workflowIds.physicalCardActivation(i.provider, i.customerRef, i.requestRef),
  ),
  virtualCardIssuance: define(issuanceInputSchema, (i) =>
    workflowIds.virtualCardIssuance(i.provider, i.customerRef, i.requestRef),
  ),
  cardDeposit: define(depositInputSchema, (i) =>
    workflowIds.cardDeposit(i.provider, i.cardRef, i.depositRef),
  ),
  cardClosure: define(closureInputSchema, (i) => workflowIds.cardClosure(i.provider, i.cardRef)),
  cardAccount: define(cardAccountInputSchema, (i) => workflowIds.cardAccount(i.provider, i.cardRef)),
} satisfies Record<WorkflowType, FlowTypeDefinition>;

/** The workflow id of a start of `type` (the input's identifying fields only are read). */
export const workflowIdOf = (type: WorkflowType, input: unknown): string =>
  (FLOW_TYPES[type] as FlowTypeDefinition).id(input);
