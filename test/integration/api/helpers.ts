// The API under test: built over the lifecycle env's client, stores and provider clients, listening
// on a free port, with both webhooks enabled; `call` sends real HTTP with or without the token.
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../src/audit/audit-log';
import { buildApi } from '../../../src/api/server';
import type { ApiCredential } from '../../../src/security/api-credentials';
import { createLogger, type Logger } from '../../../src/logging/logger';
import type { LifecycleEnv } from '../../helpers/lifecycle-env';
import { testOnlyKeyring } from '../../helpers/test-data-converter';

export const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
/** The keys notification routing digests are made with (the lifecycle client has no codec). */
export const TEST_ROUTING_KEYRING = testOnlyKeyring();

export interface ApiUnderTest {
  app: FastifyInstance;
  url: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; contentType?: string; headers?: Record<string, string> },
    // JSON answers are read field by field in the tests.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

export async function startApi(
  life: LifecycleEnv,
  options: { logger?: Logger; credentials?: readonly ApiCredential[]; audit?: AuditLog } = {},
): Promise<ApiUnderTest> {
  const kazepay = life.kazepayClientWith();
  const app = buildApi({
    client: life.client,
    tokens: [TOKEN],
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    logger: options.logger ?? createLogger({ level: 'silent' }),
    secrets: life.secrets,
    documents: life.documents,
    wasabi: life.wasabiClient,
    kazepay,
    wasabiWebhook: { platformPublicKey: life.wasabi.platformPublicKeyDer },
    kazepayWebhook: { client: kazepay },
    routingKeyring: TEST_ROUTING_KEYRING,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    url,
    async call(method, path, body, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | Buffer | undefined;
      if (body !== undefined) {
        headers['content-type'] = options.contentType ?? 'application/json';
        payload = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
      }
      const response = await fetch(`${url}${path}`, { method, headers, body: payload });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text };
    },
    close: () => app.close(),
  };
}
