// The Fastify instance with the API's HTTP rules: JSON-only bodies, bearer tokens, request logging,
// and every refusal (Fastify's, Node's parser's, a handler's) in the error shape `{ error, message, issues? }`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from '../logging/logger';
import { redactText } from '../logging/redaction';
import { ApiError, badRequest } from './errors';
import type { ApiRoute } from './openapi';
import { isTransientTemporalError, TEMPORAL_RETRY_AFTER_S } from './temporal-errors';
import type { WebhookJournal } from './webhooks';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No bearer token needed (health, webhooks). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** The route table (documentation, tests) and the webhook journal. */
    cardflow: { routes: readonly ApiRoute[]; webhooks: WebhookJournal };
  }
}

export interface HttpAppOptions {
  bodyLimit: number;
  /** Whether an Authorization header carries an accepted bearer token. */
  authorized: (header: string | undefined) => boolean;
  logger: Logger;
}

const UNAVAILABLE = {
  error: 'unavailable',
  message: 'the engine could not complete the request; retry later',
};

/** A Fastify instance with no routes yet, answering and logging the way every route does. */
export function createHttpApp({ bodyLimit, authorized, logger }: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit,
    // A workflow id is at most 300 characters, so up to 900 URL-encoded; longer is a 414.
    routerOptions: { maxParamLength: 1000 },
    // Fastify's own refusals (a URL it cannot decode, a parameter too long) in the API's error
    // shape, never echoing the path.
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

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.public) return;
    if (!authorized(request.headers.authorization))
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
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
