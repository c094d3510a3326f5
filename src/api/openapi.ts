// The OpenAPI 3.1 document, generated from the route table and the same zod schemas the
// contract and the handlers use (zod 4's toJSONSchema, input side: what a caller sends).
import { z } from 'zod';
import { API_SCOPES } from '../security/api-credentials';
import type { RouteScope } from './scopes';

export type HttpMethod = 'GET' | 'POST';

/** One endpoint as the route table describes it (also what the auth tests iterate over). */
export interface ApiRoute {
  method: HttpMethod;
  /** Fastify syntax: `/flows/:id`. */
  path: string;
  summary: string;
  /** No bearer token: `/health` and the webhooks (which authenticate by signature). */
  public?: boolean;
  /** The scope a credential needs (required unless public); `any`: every accepted credential. */
  scope?: RouteScope;
  /** Routes that change state: the action each request records in the audit trail. */
  action?: string;
  /** Who a public route's audit records name (`webhook:<provider>`). */
  actor?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body; `raw` for bytes (documents, webhooks). */
  body?: z.ZodType | { raw: string[] };
  /**
   * What the route answers besides the statuses every route of its kind can answer (added by
   * `openApiDocument`: 401 and 503 without `public`, 400 with input, 413 and 415 with a body, 414
   * with path parameters): status → a JSON schema, or `'error'` for the error shape.
   */
  responses: Record<number, Record<string, unknown> | 'error'>;
}

const jsonSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
};

/** The error shape of every error the API answers (errors.ts). */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    scope: { type: 'string', description: 'the missing scope (403)' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** Response schemas the route table refers to. */
export const responseSchemas = {
  /** A start's answer: 201 started, 200 the flow existed. */
  start: {
    type: 'object',
    required: ['workflowId', 'started', 'status'],
    properties: {
      workflowId: { type: 'string' },
      runId: { type: 'string' },
      started: { type: 'boolean' },
      status: { type: 'string', description: 'RUNNING, COMPLETED, FAILED, ...' },
    },
  },
  flow: {
    type: 'object',
    required: ['workflowId', 'runId', 'type', 'status'],
    properties: {
      workflowId: { type: 'string' },
      runId: { type: 'string' },
      type: { type: 'string' },
      status: { type: 'string' },
      cardState: { type: 'string' },
      customerRef: { type: 'string' },
      cardRef: { type: 'string' },
      state: {
        type: 'object',
        description: "the state query (running flows): the flow's own state object (docs/workflows.md)",
        required: ['state'],
        properties: {
          flow: { type: 'string' },
          provider: { type: 'string' },
          state: { type: 'string' },
          since: { type: 'string' },
          detail: { type: 'string' },
        },
      },
      result: { type: 'object', description: "the flow's result (completed flows; docs/workflows.md)" },
      failure: {
        type: 'object',
        description: 'the typed failure (failed flows)',
        required: ['type', 'message'],
        properties: { type: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  list: {
    type: 'object',
    required: ['flows'],
    properties: {
      nextCursor: {
        type: 'string',
        description: 'the cursor query parameter of the next page (absent on the last)',
      },
      flows: {
        type: 'array',
        items: {
          type: 'object',
          required: ['workflowId', 'type', 'status', 'startTime'],
          properties: {
            workflowId: { type: 'string' },
            type: { type: 'string' },
            status: { type: 'string' },
            startTime: { type: 'string', format: 'date-time' },
            closeTime: { type: 'string', format: 'date-time' },
            provider: { type: 'string' },
            state: { type: 'string' },
            customerRef: { type: 'string' },
            cardRef: { type: 'string' },
          },
        },
      },
    },
  },
  /** An update's result (docs/workflows.md: DepositResult, ClosureResult, { state }, { accepted, ... }). */
  updateResult: { type: 'object', description: "the update's result (docs/workflows.md)" },
  accepted: {
    type: 'object',
    required: ['accepted', 'updateId'],
    properties: {
      accepted: { const: true },
      updateId: { type: 'string' },
      follow: { type: 'string', description: 'the deposit or closure flow to read with GET /flows/{id}' },
    },
  },
  document: { type: 'object', required: ['ref'], properties: { ref: { type: 'string' } } },
  /** A provider's answer, card numbers masked and one-time values withheld. */
  providerRead: { type: ['object', 'array'], description: "the provider's answer (card data masked)" },
  health: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
  openapi: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string' }, info: { type: 'object' }, paths: { type: 'object' } },
  },
  journal: {
    type: 'object',
    required: ['entries'],
    properties: { entries: { type: 'array', items: { type: 'object' } } },
  },
  audit: {
    type: 'object',
    required: ['records'],
    properties: {
      records: {
        type: 'array',
        items: {
          type: 'object',
          required: ['at', 'credential', 'action', 'flowId', 'status', 'code', 'requestId'],
          properties: {
            at: { type: 'string', format: 'date-time' },
            credential: { type: 'string' },
            action: { type: 'string' },
            flowId: { type: ['string', 'null'] },
            status: { type: 'integer' },
            code: { type: 'string' },
            requestId: { type: 'string' },
          },
        },
      },
    },
  },
  /** WasabiCard's acknowledgement and refusal body (its documented shape, not the API's). */
  wasabiAck: {
    type: 'object',
    required: ['success', 'code'],
    properties: { success: { type: 'boolean' }, code: { type: 'integer' }, msg: {}, data: {} },
  },
  /** KazePay's signed acknowledgement envelope. */
  kazepayAck: { type: 'object', description: "KazePay's signed SUCCESS envelope" },
} as const satisfies Record<string, Record<string, unknown>>;

/** The statuses a route answers: its own and those every route of its kind can answer. */
export function declaredStatuses(route: ApiRoute): Record<number, Record<string, unknown>> {
  const out: Record<number, Record<string, unknown>> = {};
  const error = (status: number) => (out[status] = errorSchema);
  const input = route.params || route.query || route.body;
  if (input) error(400);
  if (route.params) error(414);
  if (route.body) {
    error(413);
    error(415);
  }
  if (!route.public) {
    error(401);
    error(503);
    if (route.scope !== 'any') error(403);
  }
  for (const [status, schema] of Object.entries(route.responses))
    out[Number(status)] = schema === 'error' ? errorSchema : schema;
  return out;
}

const DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'created (a flow was started, a document stored)',
  202: 'accepted (the update runs on; follow the flow)',
  400: 'bad input: issues name the field and the rule, never the value',
  401: 'no or wrong bearer token (webhooks: not verified)',
  403: "the credential lacks the operation's scope (named in the answer)",
  404: 'unknown flow, card or endpoint; provider not configured',
  409: 'conflict: other details under the same business keys, or the flow has ended',
  413: 'body too large',
  414: 'path too long',
  415: 'unsupported content type',
  422: 'refused by an update validator or a provider rule',
  502: 'the provider could not answer',
  503: 'the engine could not complete the request; retry later',
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
    const responses = Object.fromEntries(
      Object.entries(declaredStatuses(route)).map(([status, schema]) => [
        status,
        {
          description: DESCRIPTIONS[Number(status)] ?? status,
          content: { 'application/json': { schema } },
        },
      ]),
    );
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: {
        summary: route.summary,
        tags: [route.tag],
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        security: route.public ? [] : [{ bearer: route.scope && route.scope !== 'any' ? [route.scope] : [] }],
        ...(route.scope && route.scope !== 'any' ? { 'x-required-scope': route.scope } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `A named API credential with scopes (${API_SCOPES.join(', ')}); each operation lists the scope it needs in its security requirement. Outside its scopes: 403 naming the missing scope.`,
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
