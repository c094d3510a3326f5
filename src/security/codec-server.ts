// The codec server: lets the Temporal Web UI and the `temporal` CLI show decrypted payloads to an
// authorised operator while Temporal itself stores ciphertext only.
//
//   POST /decode, POST /encode
//     headers  Authorization: Bearer <token>   (required)
//              X-Namespace: <namespace>         (checked when namespaces are configured)
//     body     {"payloads":[{"metadata":{"<key>":"<base64>"},"data":"<base64>"}]}
//     answer   the same shape, payloads decoded or encoded with the payload codec
//   GET /health  {"status":"ok"} (no authentication; says nothing about keys)
//
// CORS: only the configured UI origins get an Access-Control-Allow-Origin grant (preflights
// included); a browser request from any other origin is refused without one. Bodies are capped
// (`bodyLimitBytes`); errors are JSON `{"error": "...", "message": "..."}` without stack traces.
// Tokens are compared in constant time (SHA-256 digests, timingSafeEqual, every token checked);
// behind a Web UI with single sign-on, `authorize` verifies the operator's OIDC access token
// instead or as well (codec-oidc.ts): 401 for no or a bad token, 403 for one without the rights.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { CodecAuthorization } from './codec-oidc';
import { PayloadDecryptionError } from './payload-codec';

export const DEFAULT_CODEC_SERVER_BODY_LIMIT = 4 * 1024 * 1024;
const MAX_PAYLOADS_PER_REQUEST = 10_000;
// The Web UI with sign-on also sends Authorization-Extras (the user's ID token); it is allowed so
// the preflight passes, and never read.
const ALLOWED_HEADERS = 'authorization, authorization-extras, content-type, x-namespace';

export interface CodecServerOptions {
  /** The payload codec (an EncryptionCodec over the same keyring as the workers). */
  codec: PayloadCodec;
  /** Accepted bearer tokens (several, so they can rotate). Ignored when `authorize` is given. */
  tokens?: readonly string[];
  /**
   * A custom check of the Authorization header instead of static tokens (for example,
   * `oidcAccessTokenAuthorizer`, which verifies the Web UI user's access token when the UI runs
   * with single sign-on). True grants access; false answers 401; 'forbidden' (a valid caller
   * without the rights) answers 403.
   */
  authorize?: (
    authorization: string | undefined,
    request: FastifyRequest,
  ) => CodecAuthorization | Promise<CodecAuthorization>;
  /** Exact origins of the Web UI, e.g. `http://localhost:8233`. Others get no CORS grant. */
  allowedOrigins: readonly string[];
  /** When set, only these namespaces (X-Namespace) are served. */
  namespaces?: readonly string[];
  /** Request body limit in bytes (default 4 MiB). */
  bodyLimitBytes?: number;
  /** Logs unexpected errors only (never payloads, never tokens). */
  logger?: Logger;
  /**
   * Serve HTTPS with this certificate (PEM). The Web UI passes its users' access tokens only to
   * an https:// codec endpoint; without this, put a TLS-terminating proxy in front.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface StartCodecServerOptions extends CodecServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface RunningCodecServer {
  /** `http(s)://host:port`, the value for `--ui-codec-endpoint` / `--codec-endpoint`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const payloadsBody = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), z.string()).nullish(),
        data: z.string().nullish(),
      }),
    )
    .max(MAX_PAYLOADS_PER_REQUEST),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
function fromBase64(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text))
    throw new HttpError(400, 'bad_request', `${what} is not base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function toProto(json: z.output<typeof payloadsBody>['payloads'][number], index: number): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata ?? {}))
    metadata[key] = fromBase64(value, `payloads[${index}].metadata.${key}`);
  return { metadata, data: fromBase64(json.data ?? '', `payloads[${index}].data`) };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {}))
    metadata[key] = Buffer.from(value ?? new Uint8Array()).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time bearer token check against every configured token. */
export function bearerTokenAuthorizer(
  tokens: readonly string[],
): (authorization: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (authorization) => {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
    if (!match || expected.length === 0) return false;
    const candidate = digest(match[1] as string);
    let ok = false;
    for (const token of expected) ok = timingSafeEqual(candidate, token) || ok;
    return ok;
  };
}

/** Builds the codec server (not listening; `inject` works for tests). */
export function buildCodecServer(options: CodecServerOptions): FastifyInstance {
  const authorize =
    options.authorize ??
    (() => {
      if (!options.tokens || options.tokens.length === 0)
        throw new Error('Codec server needs at least one token (or an authorize function)');
      return bearerTokenAuthorizer(options.tokens);
    })();
  const origins = new Set(options.allowedOrigins);
  const namespaces =
    options.namespaces && options.namespaces.length ? new Set(options.namespaces) : undefined;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_CODEC_SERVER_BODY_LIMIT,
    logger: false,
    // The UI and the CLI send application/json; anything else is parsed as JSON too, or refused.
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, 'bad_request', 'body is not JSON'), undefined);
    }
  });

  // CORS, first of all: grant only configured origins; answer preflights without authentication
  // (browsers never send credentials on a preflight).
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!origins.has(origin)) {
      // No Access-Control-Allow-Origin: the browser keeps the answer from the page.
      return reply.code(403).send({ error: 'forbidden_origin', message: 'origin not allowed' });
    }
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      return reply
        .code(204)
        .header('access-control-allow-methods', 'POST, GET, OPTIONS')
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof HttpError)
      return reply.code(error.status).send({ error: error.code, message: error.message });
    if (error instanceof PayloadDecryptionError)
      return reply
        .code(422)
        .send({ error: 'decryption_failed', reason: error.reason, message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413)
      return reply.code(413).send({ error: 'payload_too_large', message: 'request body too large' });
    if (status && status >= 400 && status < 500)
      return reply.code(status).send({ error: 'bad_request', message: 'malformed request' });
    options.logger?.error(
      { err: { name: (error as Error).name, code: (error as { code?: string }).code }, path: request.url },
      'codec server: unexpected error',
    );
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such endpoint' }),
  );

  app.get('/health', async () => ({ status: 'ok' }));

  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    const granted = await authorize(request.headers.authorization, request);
    if (granted === 'forbidden')
      return reply
        .code(403)
        .send({ error: 'forbidden', message: 'the token does not grant access to payloads' });
    if (granted !== true) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    if (namespaces) {
      const namespace = request.headers['x-namespace'];
      if (typeof namespace !== 'string' || !namespaces.has(namespace))
        return reply.code(403).send({ error: 'forbidden_namespace', message: 'namespace not served' });
    }
  };

  const route = (path: '/decode' | '/encode', apply: (p: Payload[]) => Promise<Payload[]>) =>
    app.post(path, { preHandler: guard }, async (request) => {
      const parsed = payloadsBody.safeParse(request.body);
      if (!parsed.success)
        throw new HttpError(
          400,
          'bad_request',
          'expected {"payloads":[{"metadata":{...},"data":"<base64>"}]}',
        );
      const payloads = await apply(parsed.data.payloads.map(toProto));
      return { payloads: payloads.map(toJson) };
    });
  route('/decode', (p) => options.codec.decode(p));
  route('/encode', (p) => options.codec.encode(p));
  return app;
}

/** Builds and starts the codec server; `close()` stops it. */
export async function startCodecServer(options: StartCodecServerOptions): Promise<RunningCodecServer> {
  const app = buildCodecServer(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const scheme = options.tls ? 'https' : 'http';
  return { url: `${scheme}://${urlHost}:${port}`, port, close: () => app.close() };
}
