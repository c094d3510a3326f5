// The KYC document upload route: raw PNG, JPEG or PDF bytes in, a document reference out.
import type { FastifyInstance } from 'fastify';
import { type ApiContext, DEFAULT_DOCUMENT_LIMIT } from '../api-context';
import { badRequest } from '../errors';
import { responseSchemas as R } from '../openapi';

const DOCUMENT_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/pdf': 'pdf',
};

/** Registered as its own plugin: its scope takes document bytes instead of the API's JSON. */
export async function documentRoutes(app: FastifyInstance, { table, options }: ApiContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    Object.keys(DOCUMENT_TYPES),
    { parseAs: 'buffer', bodyLimit: options.documentLimitBytes ?? DEFAULT_DOCUMENT_LIMIT },
    (_request, body, done) => done(null, body),
  );
  table.define(
    app,
    {
      method: 'POST',
      path: '/documents',
      summary: 'upload a KYC document (PNG, JPEG or PDF bytes); answers { ref } for kyc documents',
      tag: 'documents',
      scope: 'flows:write',
      action: 'document.upload',
      body: { raw: Object.keys(DOCUMENT_TYPES) },
      responses: { 201: R.document },
    },
    async (request, reply) => {
      const contentType =
        String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim() ?? '';
      const ext = DOCUMENT_TYPES[contentType];
      const bytes = request.body as Buffer | undefined;
      if (!ext || !Buffer.isBuffer(bytes) || bytes.length === 0)
        throw badRequest('expected a non-empty image/png, image/jpeg or application/pdf body');
      const ref = await options.documents.put({ bytes, contentType, fileName: `document.${ext}` });
      return reply.code(201).send({ ref });
    },
  );
}
