// Routes that send a card account its updates (deposit, freeze, unfreeze, close), creating it when asked.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountDepositSchema, providerSchema, refSchema, workflowIds } from '../../contract';
import { ACCOUNT_UPDATES, type AccountOperation as AccountOp } from '../../client/account-updates';
import type { ApiContext } from '../api-context';
import { noteAudit } from '../audit-trail';
import { conflict, parseOr400 } from '../errors';
import { cardAccountStartSchema } from '../flows';
import { responseSchemas as R } from '../openapi';

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

export async function accountRoutes(app: FastifyInstance, { table, flows }: ApiContext): Promise<void> {
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
    noteAudit(request, { flowId: workflowId });
    const update = {
      key: { provider, cardRef },
      operation: op,
      ...(op === 'deposit' ? { deposit: { depositRef: body.depositRef, amount: body.amount } } : {}),
      ...(body.account ? { account: { ...body.account, provider, cardRef } } : {}),
    };
    try {
      if (wait) return await flows.cardflow.accounts.complete(update);
      // Deposits and the close run as child flows, followed to their end: `wait=false` answers once
      // the account accepted the update (202), with the child flow to follow.
      const { updateId } = await flows.cardflow.accounts.accept(update);
      return reply.code(202).send({
        accepted: true,
        updateId,
        ...(op === 'deposit' ? { follow: workflowIds.cardDeposit(provider, cardRef, body.depositRef) } : {}),
        ...(op === 'close' ? { follow: workflowIds.cardClosure(provider, cardRef) } : {}),
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw conflict(`the account ${workflowId} has ended`, [workflowId]);
      return flows.messageError(error, workflowId);
    }
  };

  for (const op of Object.keys(ACCOUNT_UPDATES) as AccountOp[])
    table.define(
      app,
      {
        method: 'POST',
        path: `/card-accounts/:provider/:cardRef/${op}`,
        summary: `cardAccount ${op} (update; with "account" the account is created when missing)`,
        tag: 'card accounts',
        // A deposit or a close (which refunds the balance) moves money; freezing does not.
        scope: op === 'deposit' || op === 'close' ? 'money:move' : 'flows:write',
        action: `account.${op}`,
        params: providerCardParams,
        query: waitQuery,
        body: op === 'deposit' ? accountDepositBody : accountOpBody,
        responses: { 200: R.updateResult, 202: R.accepted, 404: 'error', 409: 'error', 422: 'error' },
      },
      (request, reply) => accountUpdate(request, reply, op),
    );
}
