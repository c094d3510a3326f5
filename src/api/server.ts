// The HTTP API: other services start and steer cardflow's flows, read their state, list them, and
// a support tool reads the providers through it; providers' webhooks come in here too.
//
// Every endpoint but `/health` and `/webhooks/*` needs `Authorization: Bearer <token>` of a named
// credential (token hashes compared in constant time) holding the scope the route declares, and
// every state-changing request is recorded in the audit trail. Errors are JSON `{ error, message, issues? }`: 400 bad input
// (zod issues: path and rule, never the value), 401, 404 unknown flow, 409 conflict (same business
// keys with different details, or a flow that has ended), 422 an update refused by its validator
// or a provider's business refusal on a read. Nothing a caller sends causes a 500.
//
// This file assembles the API: the HTTP rules (http-app.ts), then one Fastify plugin per route
// group (routes/), registered in the order the OpenAPI document lists them.
import type { FastifyInstance } from 'fastify';
import { createCardflowClient } from '../client';
import { codecKeyringOf } from '../client/notification-keys';
import { TASK_QUEUE } from '../contract';
import { AuditLog } from '../audit/audit-log';
import { MemoryAuditStore } from '../audit/memory-audit-store';
import {
  allScopesCredential,
  type ApiCredential,
  credentialAuthenticator,
} from '../security/api-credentials';
import { type ApiContext, type BuildApiOptions, DEFAULT_API_BODY_LIMIT } from './api-context';
import { createFlowAccess } from './flow-access';
import { registerAuditTrail } from './audit-trail';
import { createHttpApp } from './http-app';
import { RouteTable } from './route-table';
import { accountRoutes } from './routes/accounts';
import { auditRoutes } from './routes/audit';
import { documentRoutes } from './routes/documents';
import { flowRoutes } from './routes/flows';
import { messageRoutes } from './routes/messages';
import { metaRoutes } from './routes/meta';
import { metricsRoutes } from './routes/metrics';
import { providerReadRoutes } from './routes/provider-reads';
import { webhookJournalRoutes, webhookRoutes } from './routes/webhooks';
import { NotificationRouter } from './webhooks';

export { type BuildApiOptions, DEFAULT_API_BODY_LIMIT, DEFAULT_DOCUMENT_LIMIT } from './api-context';

/** Builds the API (not listening: `inject` works, or `listen`; the routes exist once it is ready). */
export function buildApi(options: BuildApiOptions): FastifyInstance {
  const credentials = apiCredentials(options);
  if (credentials.length === 0) throw new Error('The API needs at least one credential');
  const { client, logger, secrets, documents } = options;
  const audit = options.audit ?? new AuditLog({ store: new MemoryAuditStore(), logger });
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const routingKeyring = options.routingKeyring ?? codecKeyringOf(client);
  // The one front door: every start, message and listing goes through the typed client.
  const cardflow = createCardflowClient({ client, taskQueue, routingKeyring });
  const router = new NotificationRouter(cardflow, logger, routingKeyring, options.webhookJournalSize);
  const table = new RouteTable();
  const app = createHttpApp({
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_API_BODY_LIMIT,
    authenticate: credentialAuthenticator(credentials),
    logger,
  });
  app.decorate('cardflow', { routes: table.routes, webhooks: router.journal, audit });
  registerAuditTrail(app, audit);

  const context: ApiContext = {
    options,
    audit,
    taskQueue,
    table,
    router,
    flows: createFlowAccess({ cardflow, logger, secrets, documents }),
  };
  for (const routes of [
    metaRoutes,
    flowRoutes,
    messageRoutes,
    accountRoutes,
    providerReadRoutes,
    webhookJournalRoutes,
    documentRoutes,
    auditRoutes,
    webhookRoutes,
    metricsRoutes,
  ])
    app.register(routes, context);
  return app;
}

/** The named credentials, then each bare token as `token-<n>` with every scope. */
function apiCredentials(options: BuildApiOptions): ApiCredential[] {
  const named = [...(options.credentials ?? [])];
  const bare = (options.tokens ?? []).map((token, i) => allScopesCredential(`token-${i + 1}`, token));
  return [...named, ...bare];
}
