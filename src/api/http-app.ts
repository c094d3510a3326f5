// The Fastify instance with the API's HTTP rules: JSON-only bodies, bearer tokens, request logging,
// and every refusal (Fastify's, Node's parser's, a handler's) in the error shape `{ error, message, issues? }`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log';
import type { Logger } from '../logging/logger';
import { redactText } from '../logging/redaction';
import type { ApiCredential } from '../security/api-credentials';
import { ApiError, badRequest } from './errors';
import type { ApiRoute } from './openapi';
import { forbiddenBody, missingScope, type RouteScope } from './scopes';
import { isTransientTemporalError, TEMPORAL_RETRY_AFTER_S } from './temporal-errors';
import type { WebhookJournal } from './webhooks';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No bearer token needed (health, webhooks). */
    public?: boolean;
    /** The scope a credential needs (every route that is not public declares one). */
    scope?: RouteScope;
    /** The audit action of a route that changes state (audit-trail.ts). */
    action?: string;
    /** Who a public route's records name (`webhook:<provider>`). */
    actor?: string;
  }
  interface FastifyRequest {
    /** The credential the bearer token matched (routes that are not public). */
    credential?: ApiCredential;
  }
  interface FastifyInstance {
    /** The route table (documentation, tests), the webhook journal and the audit log. */
    cardflow: { routes: readonly ApiRoute[]; webhooks: WebhookJournal; audit: AuditLog };
  }
}

export interface HttpAppOptions {
  bodyLimit: number;
  /** The credential an Authorization header carries, if any. */
  authenticate: (header: string | undefined) => ApiCredential | undefined;
  logger: Logger;
}

const UNAVAILABLE = {
  error: 'unavailable',
  message: 'the engine could not complete the request; retry later',
};

/** A Fastify instance with no routes yet, answering and logging the way every route does. */
export function createHttpApp({ bodyLimit, authenticate, logger }: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit,
    // A workflow id is at most 300 characters, so up to 900 URL-encoded; longer is a 414.
    routerOptions: { maxParamLength: 1000 },
    // Fastify's own refusals (a URL it cannot decode, a parameter too long) in the API's error
    // shape, never echoing the path.
    // A request id that means nothing outside this request (the audit trail and the x-request-id
    // header carry it); never taken from the caller, whose header could hold anything.
    genReqId: () => randomUUID(),
    frameworkErrors: (error, _request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      const code = (error as { code?: string }).code;
      if (code === 'FST_ERR_MAX_PARAM_LENGTH')
        return reply.code(414).send({ error: 'uri_too_long', message: 'a path parameter is too long' });
      if (code === 'FST_ERR_BAD_URL')
        return reply.code(400).send({ error: 'bad_request', message: 'the URL is not valid (bad encoding)' });
      return reply.code(503).send(UNAVAILABLE);
    },
    clientErrorHandler: clientError,
  });

  // JSON bodies only (no text/plain), parsed here so a prototype key is named as such.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(badRequest('the body is empty: expected JSON'), undefined);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return done(badRequest('malformed JSON'), undefined);
    }
    const key = prototypeKey(value, 'body');
    if (key)
      return done(
        badRequest('a forbidden key', [
          { path: key, message: '__proto__ and constructor.prototype keys are not accepted' },
        ]),
        undefined,
      );
    return done(null, value);
  });

  // Authentication and scopes, for every route, here and nowhere else.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const config = request.routeOptions.config;
    if (config?.public) return;
    const credential = authenticate(request.headers.authorization);
    if (!credential)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    request.credential = credential;
    // A route that declares no scope is refused (route-table.ts refuses to define one).
    const scope = config?.scope;
    if (!scope) return reply.code(403).send({ error: 'forbidden', message: 'this route declares no scope' });
    const missing = missingScope(credential, scope);
    if (missing) return reply.code(403).send(forbiddenBody(missing));
  });
  app.addHook('onResponse', async (request, reply) => {
    // Method, route pattern and status only: never bodies, ids of secrets or headers.
    logger.debug(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'api request',
    );
  });
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof ApiError)
      return reply.code(error.status).send({
        error: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
      });
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413)
      return reply.code(413).send({ error: 'payload_too_large', message: 'request body too large' });
    if (status === 415)
      return reply.code(415).send({ error: 'unsupported_media_type', message: 'unsupported content type' });
    if (status && status >= 400 && status < 500)
      return reply.code(400).send({ error: 'bad_request', message: 'malformed request' });
    // Temporal unavailable (a cluster restarting) is expected and retried; anything else is logged loud.
    const transient = isTransientTemporalError(error);
    logger[transient ? 'warn' : 'error'](
      {
        err: { name: (error as Error).name, message: redactText(String((error as Error).message)) },
        route: request.routeOptions.url,
      },
      transient ? 'api: Temporal unavailable' : 'api: unexpected error',
    );
    return reply.code(503).header('retry-after', String(TEMPORAL_RETRY_AFTER_S)).send(UNAVAILABLE);
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such endpoint' }),
  );
  return app;
}

/** The first `__proto__` key, or `constructor` holding `prototype`, as a path (JSON.parse keeps them as own keys). */
function prototypeKey(value: unknown, path: string, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (key === '__proto__') return `${path}.${key}`;
    if (key === 'constructor' && child && typeof child === 'object' && Object.hasOwn(child, 'prototype'))
      return `${path}.constructor.prototype`;
    const found = prototypeKey(child, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Requests Node's HTTP parser refuses (a malformed request line or header) in the API's error shape. */
function clientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, { error: 'request_timeout', message: 'the request took too long to arrive' }]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, { error: 'headers_too_large', message: 'request headers too large' }]
        : [400, { error: 'bad_request', message: 'malformed HTTP request' }];
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}
