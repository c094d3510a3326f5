// Routes that start flows, list them, and read one flow's state, status and outcome.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { providerSchema, refSchema, WORKFLOW_TYPES, type WorkflowType } from '../../contract';
import { EXECUTION_STATUSES } from '../../client/listing';
import { redactText } from '../../logging/redaction';
import type { ApiScope } from '../../security/api-credentials';
import type { ApiContext } from '../api-context';
import { noteAudit } from '../audit-trail';
import { badRequest, notFound, parseOr400 } from '../errors';
import { FLOW_SPECS, type FlowKind, flowIdParams as idParams } from '../flows';
import { decodeCursor, encodeCursor } from '../list-cursor';
import { maskAnswer } from '../masking';
import { responseSchemas as R } from '../openapi';

const listQuery = z.object({
  provider: providerSchema.optional(),
  flow: z.enum(Object.values(WORKFLOW_TYPES) as [string, ...string[]]).optional(),
  state: z
    .string()
    .regex(/^[A-Z_]{1,64}$/, 'expected a state such as WAITING_FOR_REVIEW')
    .optional(),
  customerRef: refSchema.optional(),
  cardRef: refSchema.optional(),
  status: z.enum(EXECUTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** `nextCursor` of the previous page: the next `limit` flows. */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'expected the nextCursor of a previous page')
    .optional(),
});

/** Each start route, its summary and its scope: starts that move money need `money:move`. */
const START_ROUTES: Array<[FlowKind, string, ApiScope]> = [
  ['kyc', 'start kycVerification (id kyc:<provider>:<customerRef>)', 'flows:write'],
  ['activation', 'start physicalCardActivation; takes the PIN and card number, sends handles', 'flows:write'],
  ['issuance', 'start virtualCardIssuance (WasabiCard)', 'flows:write'],
  ['deposit', 'start cardDeposit (id deposit:<provider>:<cardRef>:<depositRef>)', 'money:move'],
  ['closure', 'start cardClosure (id closure:<provider>:<cardRef>); refunds the balance', 'money:move'],
  ['card-account', 'start cardAccount (id card:<provider>:<cardRef>)', 'flows:write'],
];

export async function flowRoutes(app: FastifyInstance, { table, flows, router }: ApiContext): Promise<void> {
  const { cardflow } = flows;
  for (const [kind, summary, scope] of START_ROUTES)
    table.define(
      app,
      {
        method: 'POST',
        path: `/flows/${kind}`,
        summary,
        tag: 'flows',
        scope,
        action: `flow.start.${kind}`,
        body: FLOW_SPECS[kind].body,
        responses: { 200: R.start, 201: R.start, 409: 'error' },
      },
      async (request, reply) => {
        const outcome = await flows.startFlow(kind, request.body);
        noteAudit(request, { flowId: outcome.workflowId });
        return reply.code(outcome.started ? 201 : 200).send(outcome);
      },
    );

  table.define(
    app,
    {
      method: 'GET',
      path: '/flows',
      summary: 'list flows by provider, flow, state, customer or card',
      tag: 'flows',
      scope: 'flows:read',
      query: listQuery,
      responses: { 200: R.list },
    },
    async (request) => {
      const q = parseOr400(listQuery, request.query, 'query');
      const { limit, cursor, ...filter } = q;
      const notACursor = () =>
        badRequest('invalid query', [{ path: 'query.cursor', message: 'not a cursor of this listing' }]);
      // One page of the visibility store; its page token, tagged (src/api/list-cursor.ts), is the
      // cursor to the next.
      const pageToken = cursor === undefined ? undefined : decodeCursor(cursor, router.routingKeyring);
      if (cursor !== undefined && !pageToken) throw notACursor();
      let page;
      try {
        page = await cardflow.listPage(
          { ...filter, flow: filter.flow as WorkflowType | undefined },
          { pageSize: limit, ...(pageToken ? { pageToken } : {}) },
        );
      } catch (error) {
        // A token the store cannot read: INVALID_ARGUMENT, or UNKNOWN from the SQL stores' decoder.
        if (cursor && [2, 3].includes((error as { code?: number }).code ?? 0)) throw notACursor();
        throw error;
      }
      const listed = page.flows.map((wf) => ({
        workflowId: wf.workflowId,
        type: wf.type,
        status: wf.status,
        startTime: wf.startTime.toISOString(),
        closeTime: wf.closeTime?.toISOString(),
        provider: wf.provider,
        state: wf.state,
        customerRef: wf.customerRef,
        cardRef: wf.cardRef,
      }));
      const token = page.nextPageToken;
      return {
        flows: listed,
        ...(token && token.length ? { nextCursor: encodeCursor(token, router.routingKeyring) } : {}),
      };
    },
  );

  table.define(
    app,
    {
      method: 'GET',
      path: '/flows/:id',
      summary: "a flow's state (query), status and outcome",
      tag: 'flows',
      scope: 'flows:read',
      params: idParams,
      responses: { 200: R.flow, 404: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const found = await flows.describe(id);
      if (!found) throw notFound(`no flow ${id}`, [id]);
      const flow = cardflow.byId(id);
      const status = found.status.name;
      const out: Record<string, unknown> = {
        workflowId: id,
        runId: found.runId,
        type: found.type,
        status,
        cardState: found.searchAttributes.CardState?.[0],
        customerRef: found.searchAttributes.CustomerRef?.[0],
        cardRef: found.searchAttributes.CardRef?.[0],
      };
      if (status === 'RUNNING') out.state = await flow.state();
      else if (status === 'COMPLETED') out.result = maskAnswer(await flow.result());
      else if (status === 'FAILED') {
        const failure = await flow.result().then(
          () => undefined,
          (e: unknown) => (e instanceof WorkflowFailedError ? e.cause : undefined),
        );
        out.failure =
          failure instanceof ApplicationFailure
            ? { type: failure.type, message: redactText(failure.message) }
            : { type: failure?.name ?? 'unknown', message: redactText(failure?.message ?? '') };
      }
      return out;
    },
  );
}
