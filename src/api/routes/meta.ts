// Routes about the API itself: liveness and its OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';
import { openApiDocument, responseSchemas as R } from '../openapi';

export async function metaRoutes(app: FastifyInstance, { table }: ApiContext): Promise<void> {
  table.define(
    app,
    {
      method: 'GET',
      path: '/health',
      summary: 'liveness (no authentication)',
      public: true,
      tag: 'meta',
      responses: { 200: R.health },
    },
    async () => ({
      status: 'ok',
    }),
  );
  table.define(
    app,
    {
      method: 'GET',
      path: '/openapi.json',
      summary: 'this document',
      tag: 'meta',
      scope: 'any',
      responses: { 200: R.openapi },
    },
    async () => openApiDocument(table.routes, { title: 'cardflow API', version: '1' }),
  );
}
