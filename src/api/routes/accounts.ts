// Routes that send a card account its updates (deposit, freeze, unfreeze, close), creating it when asked.
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  accountDepositSchema,
  closeUpdate,
  depositUpdate,
  depositUpdateId,
  flowSummary,
  freezeUpdate,
  providerSchema,
  refSchema,
  unfreezeUpdate,
  WORKFLOW_TYPES,
  workflowIds,
} from '../../contract';
import { REUSE_POLICY } from '../../client/reuse';
import type { ApiContext } from '../api-context';
import { conflict, parseOr400 } from '../errors';
import { cardAccountStartSchema, FLOW_SPECS } from '../flows';
import { responseSchemas as R } from '../openapi';

type AccountOp = 'deposit' | 'freeze' | 'unfreeze' | 'close';

const providerCardParams = z.object({ provider: providerSchema, cardRef: refSchema });
const accountSchema = cardAccountStartSchema.omit({ provider: true, cardRef: true });
const accountOpBody = z.object({
  /** Creates the account when it does not exist yet (update-with-start). */
  account: accountSchema.optional(),
});
const accountDepositBody = accountDepositSchema.extend({ account: accountSchema.optional() });
const waitQuery = z.object({
  /** `false`: answer 202 once the account accepted the update, instead of waiting for its end. */
  wait: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
const UPDATES = {
  deposit: depositUpdate,
  freeze: freezeUpdate,
  unfreeze: unfreezeUpdate,
  close: closeUpdate,
};

export async function accountRoutes(
  app: FastifyInstance,
  { table, flows, taskQueue }: ApiContext,
): Promise<void> {
  const { client } = flows;

  const accountUpdate = async (
    request: FastifyRequest,
    reply: FastifyReply,
    op: AccountOp,
  ): Promise<unknown> => {
    const { provider, cardRef } = parseOr400(providerCardParams, request.params, 'params');
    const { wait } = parseOr400(waitQuery, request.query, 'query');
    const bodySchema = op === 'deposit' ? accountDepositBody : accountOpBody;
    const body = parseOr400(bodySchema, request.body ?? {}, 'body') as z.output<typeof accountDepositBody>;
    const workflowId = workflowIds.cardAccount(provider, cardRef);
    const definition = UPDATES[op] as typeof depositUpdate;
    const args = op === 'deposit' ? [{ depositRef: body.depositRef, amount: body.amount }] : [];
    // A deposit's update id is its ref: a repeated request is the same update, answered once.
    const updateId = op === 'deposit' ? depositUpdateId(body.depositRef, body.amount) : undefined;
    const withId = updateId ? { updateId } : {};
    // Deposits and the close run as child flows, followed to their end: `wait=false` answers once
    // the account accepted the update (202), with the child flow to follow.
    const stage = WorkflowUpdateStage.ACCEPTED;
    const accepted = (updateId: string) =>
      reply.code(202).send({
        accepted: true,
        updateId,
        ...(op === 'deposit' ? { follow: workflowIds.cardDeposit(provider, cardRef, body.depositRef) } : {}),
        ...(op === 'close' ? { follow: workflowIds.cardClosure(provider, cardRef) } : {}),
      });
    try {
      if (!body.account) {
        const handle = client.workflow.getHandle(workflowId);
        if (wait) return await handle.executeUpdate(definition, { args, ...withId } as never);
        const update = await handle.startUpdate(definition, {
          args,
          waitForStage: stage,
          ...withId,
        } as never);
        return accepted(update.updateId);
      }
      const input = { ...body.account, provider, cardRef };
      const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_TYPES.cardAccount, {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A closed account is never reopened by a late update.
        workflowIdReusePolicy: REUSE_POLICY.cardAccount,
        typedSearchAttributes: flows.searchAttributes(FLOW_SPECS['card-account'], input),
        staticSummary: flowSummary(WORKFLOW_TYPES.cardAccount, input),
      });
      if (wait)
        return await client.workflow.executeUpdateWithStart(definition, {
          args,
          startWorkflowOperation,
          ...withId,
        } as never);
      const update = await client.workflow.startUpdateWithStart(definition, {
        args,
        startWorkflowOperation,
        waitForStage: stage,
        ...withId,
      } as never);
      return accepted(update.updateId);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw conflict(`the account ${workflowId} has ended`, [workflowId]);
      return flows.messageError(error, workflowId);
    }
  };

  for (const op of Object.keys(UPDATES) as AccountOp[])
    table.define(
      app,
      {
        method: 'POST',
        path: `/card-accounts/:provider/:cardRef/${op}`,
        summary: `cardAccount ${op} (update; with "account" the account is created when missing)`,
        tag: 'card accounts',
        params: providerCardParams,
        query: waitQuery,
        body: op === 'deposit' ? accountDepositBody : accountOpBody,
        responses: { 200: R.updateResult, 202: R.accepted, 404: 'error', 409: 'error', 422: 'error' },
      },
      (request, reply) => accountUpdate(request, reply, op),
    );
}
