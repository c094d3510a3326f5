// GET /audit: the audit trail, filtered (since/until, flow, credential, action, outcome), oldest first.
import type { FastifyInstance } from 'fastify';
import { auditFilterSchema } from '../../audit/audit-record';
import type { ApiContext } from '../api-context';
import { parseOr400 } from '../errors';
import { responseSchemas as R } from '../openapi';

export async function auditRoutes(app: FastifyInstance, { table, audit }: ApiContext): Promise<void> {
  table.define(
    app,
    {
      method: 'GET',
      path: '/audit',
      summary: 'the audit trail: who changed what, when, with what outcome (oldest first)',
      tag: 'audit',
      scope: 'audit:read',
      query: auditFilterSchema,
      responses: { 200: R.audit },
    },
    async (request) => {
      const filter = parseOr400(auditFilterSchema, request.query, 'query');
      return { records: await audit.store.query(filter) };
    },
  );
}
