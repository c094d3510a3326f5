// The handlers of the `cardflow` Nexus service, registered by the worker (src/runtime/worker.ts).
// The five flows are workflow-run operations (flow-run-operation.ts); the card account's
// operations and the reads are sync operations on the typed client, built on the worker's own
// Temporal client (`getClient()`: same connection, namespace and data converter).
import * as nexus from 'nexus-rpc';
import { getClient } from '@temporalio/nexus';
import { z } from 'zod';
import { createCardflowClient } from '../client';
import {
  accountDepositSchema,
  activationInputSchema,
  cardAccountInputSchema,
  closureInputSchema,
  depositInputSchema,
  issuanceInputSchema,
  kycInputSchema,
} from '../contract';
import { atBoundary, validated } from './boundary';
import { FlowRunOperation } from './flow-run-operation';
import { cardflowService } from './service';

const accountDepositRequestSchema = z.object({
  account: cardAccountInputSchema,
  deposit: accountDepositSchema,
});

/** A workflow id of one of cardflow's flows (the prefixes of `workflowIds`). */
const flowStateRequestSchema = z.object({
  workflowId: z
    .string()
    .regex(
      /^(kyc|activation|issuance|deposit|closure|card):[A-Za-z0-9._:-]{1,300}$/,
      'expected a cardflow workflow id such as deposit:wasabi:<cardRef>:<depositRef>',
    ),
});

const cardflow = () => createCardflowClient({ client: getClient() });

export function createCardflowServiceHandler() {
  return nexus.serviceHandler(cardflowService, {
    kycVerification: new FlowRunOperation('kycVerification', kycInputSchema),
    physicalCardActivation: new FlowRunOperation('physicalCardActivation', activationInputSchema),
    virtualCardIssuance: new FlowRunOperation('virtualCardIssuance', issuanceInputSchema),
    cardDeposit: new FlowRunOperation('cardDeposit', depositInputSchema),
    cardClosure: new FlowRunOperation('cardClosure', closureInputSchema),

    accountDeposit: async (_ctx, input) => {
      const { account, deposit } = validated('accountDeposit', accountDepositRequestSchema, input);
      return atBoundary(() => cardflow().accountDeposit(account, deposit));
    },
    accountFreeze: async (_ctx, input) => {
      const account = validated('accountFreeze', cardAccountInputSchema, input);
      return atBoundary(() => cardflow().accountFreeze(account));
    },
    accountUnfreeze: async (_ctx, input) => {
      const account = validated('accountUnfreeze', cardAccountInputSchema, input);
      return atBoundary(() => cardflow().accountUnfreeze(account));
    },
    accountClose: async (_ctx, input) => {
      const account = validated('accountClose', cardAccountInputSchema, input);
      return atBoundary(() => cardflow().accountClose(account));
    },

    flowState: async (_ctx, input) => {
      const { workflowId } = validated('flowState', flowStateRequestSchema, input);
      return atBoundary(() => cardflow().getState(workflowId));
    },
  });
}
