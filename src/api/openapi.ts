// The OpenAPI 3.1 document, generated from the route table and the same zod schemas the
// contract and the handlers use (zod 4's toJSONSchema, input side: what a caller sends).
import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST';

/** One endpoint as the route table describes it (also what the auth tests iterate over). */
export interface ApiRoute {
  method: HttpMethod;
  /** Fastify syntax: `/flows/:id`. */
  path: string;
  summary: string;
  /** No bearer token: `/health` and the webhooks (which authenticate by signature). */
  public?: boolean;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body; `raw` for bytes (documents, webhooks). */
  body?: z.ZodType | { raw: string[] };
}

const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
};

const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

export function openApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [location, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      for (const [name, field] of Object.entries(schema.shape)) {
        parameters.push({
          name,
          in: location,
          required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(field as z.ZodType),
        });
      }
    }
    let requestBody: unknown;
    if (route.body && 'raw' in route.body) {
      requestBody = {
        required: true,
        content: Object.fromEntries(
          route.body.raw.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    } else if (route.body) {
      requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
    }
    const errors = (codes: number[]) =>
      Object.fromEntries(
        codes.map((c) => [
          String(c),
          { description: String(c), content: { 'application/json': { schema: errorSchema } } },
        ]),
      );
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: {
        summary: route.summary,
        tags: [route.tag],
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        ...(route.public ? { security: [] } : {}),
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: {} } } },
          ...errors(route.public ? [400] : [400, 401, 404, 409, 422]),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
