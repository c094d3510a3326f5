// The HTTP API: other services start and steer cardflow's flows, read their state, list them, and
// a support tool reads the providers through it; providers' webhooks come in here too.
//
// Every endpoint but `/health` and `/webhooks/*` needs `Authorization: Bearer <token>` (configured
// tokens, constant-time comparison). Errors are JSON `{ error, message, issues? }`: 400 bad input
// (zod issues: path and rule, never the value), 401, 404 unknown flow, 409 conflict (same business
// keys with different details, or a flow that has ended), 422 an update refused by its validator
// or a provider's business refusal on a read. Nothing a caller sends causes a 500.
import type { KeyObject } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import {
  ApplicationFailure,
  defaultPayloadConverter,
  type Payload,
  type SearchAttributePair,
} from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  activationCodeSchema,
  accountDepositSchema,
  CardFlow,
  CardProvider,
  CardRef,
  CustomerRef,
  closeUpdate,
  depositUpdate,
  depositUpdateId,
  FAILURE_TYPES,
  flowSummary,
  freezeUpdate,
  kycResubmissionSchema,
  outcomeResolutionSchema,
  providePinUpdate,
  resolveOutcomeUpdate,
  providerSchema,
  refSchema,
  resubmitKycUpdate,
  stateQuery,
  submitActivationCodeUpdate,
  TASK_QUEUE,
  unfreezeUpdate,
  WORKFLOW_TYPES,
  workflowIds,
  type Provider,
} from '../contract';
import { idStanding, REUSE_POLICY, startPolicy } from '../client/reuse';
import { storedInput } from '../client/stored-input';
import {
  flowPresence,
  isTransientTemporalError,
  TEMPORAL_RETRY_AFTER_S,
  TemporalUnavailableError,
} from './temporal-errors';
import { DocumentNotFoundError, type DocumentStore } from '../documents/document-store';
import { ProviderError, ProviderRejectedError, ProviderValidationError } from '../providers/errors';
import type { KazepayClient } from '../providers/kazepay/client';
import type { KazepayWebhookEvents } from '../providers/kazepay/conventions';
import type { WasabiClient } from '../providers/wasabi/client';
import {
  createWasabiWebhookHandler,
  InMemoryDedupeStore,
  type WasabiWebhookOptions,
  type WebhookDedupeStore,
} from '../providers/wasabi/webhooks';
import type { Logger } from '../logging/logger';
import { bearerTokenAuthorizer } from '../security/codec-server';
import { redactSensitive, redactText } from '../logging/redaction';
import type { SecretStore } from '../security/secret-store';
import { ApiError, badRequest, conflict, notFound, parseOr400, refused } from './errors';
import { maskAnswer } from './masking';
import {
  canonicalJson,
  cardAccountStartSchema,
  FLOW_SPECS,
  type FlowKind,
  type FlowSpec,
  ID_PREFIX,
  pinSchema,
  workflowIdSchema,
} from './flows';
import { type ApiRoute, openApiDocument, responseSchemas as R } from './openapi';
import { kazepayTarget, wasabiTarget } from './webhook-targets';
import { NotificationRouter, type WebhookJournal } from './webhooks';

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

export const DEFAULT_API_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_DOCUMENT_LIMIT = 10 * 1024 * 1024;
const DOCUMENT_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/pdf': 'pdf',
};

export interface BuildApiOptions {
  /** A Temporal client with the engine's data converter. */
  client: Client;
  /** Accepted bearer tokens (several, so they can rotate). */
  tokens: readonly string[];
  logger: Logger;
  /** Where PINs and card numbers go; only handles reach the workflows. */
  secrets: SecretStore;
  /** Where KYC document uploads go. */
  documents: DocumentStore;
  /** Provider clients for the support reads (and KazePay webhook opening). */
  wasabi?: WasabiClient;
  kazepay?: KazepayClient;
  /** Enables `/webhooks/wasabi`: the platform key its signatures verify with. */
  wasabiWebhook?: {
    platformPublicKey: string | KeyObject;
    dedupe?: WebhookDedupeStore;
    ackVariant?: 'english-doc' | 'chinese-doc';
    categoryAliases?: WasabiWebhookOptions['categoryAliases'];
  };
  /** Enables `/webhooks/kazepay`: the client whose keys open the envelope. */
  kazepayWebhook?: { client: KazepayClient; dedupe?: WebhookDedupeStore; events?: KazepayWebhookEvents };
  taskQueue?: string;
  bodyLimitBytes?: number;
  documentLimitBytes?: number;
  /** How many webhook outcomes the journal keeps (default 1000). */
  webhookJournalSize?: number;
}

const providerCardParams = z.object({ provider: providerSchema, cardRef: refSchema });
const idParams = z.object({ id: workflowIdSchema });
const accountSchema = cardAccountStartSchema.omit({ provider: true, cardRef: true });
const accountOpBody = z.object({
  /** Creates the account when it does not exist yet (update-with-start). */
  account: accountSchema.optional(),
});
const accountDepositBody = accountDepositSchema.extend({ account: accountSchema.optional() });
const waitQuery = z.object({
  /** `false`: answer 202 once the account accepted the update, instead of waiting for its end. */
  wait: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
const codeBody = activationCodeSchema.extend({ pin: pinSchema.optional() });
const pinBody = z.object({ pin: pinSchema });
const listQuery = z.object({
  provider: providerSchema.optional(),
  flow: z.enum(Object.values(WORKFLOW_TYPES) as [string, ...string[]]).optional(),
  state: z
    .string()
    .regex(/^[A-Z_]{1,64}$/, 'expected a state such as WAITING_FOR_REVIEW')
    .optional(),
  customerRef: refSchema.optional(),
  cardRef: refSchema.optional(),
  status: z.enum(['Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** `nextCursor` of the previous page: the next `limit` flows. */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'expected the nextCursor of a previous page')
    .optional(),
});

/** WorkflowExecutionStatus 1..7 as the SDK names them (`wf.status.name`). */
const WORKFLOW_STATUS = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
];
const timestamp = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  ts ? new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString() : undefined;
/** A Keyword search attribute of a raw listing (search attributes are never codec-encoded). */
const keyword = (fields: Record<string, Payload> | null | undefined, name: string): string | undefined => {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
};
const pageQuery = z.object({
  pageNum: z.coerce.number().int().min(1).max(10).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
});
const wasabiCardParams = z.object({ cardNo: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'expected a card id') });
const kazepayCardParams = z.object({ cardId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'expected a card id') });

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Builds the API (not listening: `inject` works, or `listen`). */
export function buildApi(options: BuildApiOptions): FastifyInstance {
  if (options.tokens.length === 0) throw new Error('The API needs at least one bearer token');
  const { client, logger, secrets, documents } = options;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const authorized = bearerTokenAuthorizer(options.tokens);
  const router = new NotificationRouter(client, logger, options.webhookJournalSize);
  const routes: ApiRoute[] = [];
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_API_BODY_LIMIT,
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
  app.decorate('cardflow', { routes, webhooks: router.journal });

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

  const define = (scope: FastifyInstance, route: ApiRoute, handler: Handler) => {
    routes.push(route);
    scope.route({
      method: route.method,
      url: route.path,
      config: { public: route.public ?? false },
      handler,
    });
  };
  const add = (route: ApiRoute, handler: Handler) => define(app, route, handler);

  // ---- helpers over Temporal --------------------------------------------------------------
  const describe = async (workflowId: string) => {
    try {
      return await client.workflow.getHandle(workflowId).describe();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // The SDK calls every NOT_FOUND a missing workflow; only Temporal's own details say so.
      if ((await flowPresence(client, workflowId)) === 'missing') return undefined;
      throw new TemporalUnavailableError('a NOT_FOUND for a flow that exists', { cause: error });
    }
  };

  /** Maps a Temporal error of a message to a flow onto the API's statuses. */
  const messageError = async (error: unknown, workflowId: string): Promise<never> => {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const message = cause instanceof Error ? cause.message : 'refused';
      // A business key used again with other terms (a depositRef with another amount).
      if ((cause as { type?: string } | undefined)?.type === FAILURE_TYPES.conflict) throw conflict(message);
      throw refused(message);
    }
    if (error instanceof WorkflowNotFoundError || (error as Error)?.name === 'WorkflowNotFoundError') {
      const found = await describe(workflowId);
      if (found) throw conflict(`the flow has ended (${found.status.name})`);
      throw notFound(`no flow ${workflowId}`, [workflowId]);
    }
    throw error;
  };

  const searchAttributes = (spec: FlowSpec, input: Record<string, unknown>): SearchAttributePair[] => {
    const refs = spec.refs(input);
    return [
      { key: CardFlow, value: spec.type },
      { key: CardProvider, value: input.provider as string },
      ...(refs.customerRef ? [{ key: CustomerRef, value: refs.customerRef }] : []),
      ...(refs.cardRef ? [{ key: CardRef, value: refs.cardRef }] : []),
    ] as SearchAttributePair[];
  };

  const assertSameRequest = async (
    spec: FlowSpec,
    workflowId: string,
    runId: string,
    input: Record<string, unknown>,
  ) => {
    const stored = spec.stored.safeParse(await storedInput(client, workflowId, runId));
    if (!stored.success) return; // started by someone else with another shape: not ours to judge
    if (
      canonicalJson(spec.comparable(stored.data as Record<string, unknown>)) !==
      canonicalJson(spec.comparable(input))
    )
      throw conflict(
        `${workflowId} exists with other details; the same business keys must carry the same request`,
        [workflowId],
      );
  };

  /** Every document a KYC names must be in the store before anything reaches a provider. */
  const assertDocumentsStored = async (docs: unknown, where: string) => {
    const missing = [];
    for (const [name, doc] of Object.entries((docs ?? {}) as Record<string, { ref?: string } | undefined>)) {
      if (!doc?.ref) continue;
      try {
        await documents.get(doc.ref);
      } catch (error) {
        if (!(error instanceof DocumentNotFoundError)) throw error;
        missing.push({
          path: `${where}.${name}.ref`,
          message: 'no such document (upload it with POST /documents)',
        });
      }
    }
    if (missing.length) throw badRequest('unknown document', missing);
  };

  const startFlow = async (kind: FlowKind, body: unknown) => {
    const spec: FlowSpec = FLOW_SPECS[kind];
    const input = parseOr400(spec.body, body, 'body') as Record<string, unknown>;
    if (kind === 'kyc') await assertDocumentsStored(input.documents, 'body.documents');
    const workflowId = spec.id(input);
    if (kind === 'kyc') {
      const applicant = input.applicant as { email: string };
      router.rememberKyc(workflowId, input.provider as Provider, applicant.email);
    }
    // The typed client's id policy (src/client/reuse.ts): a run going, or one that ended without
    // freeing its reference, is answered; a freed reference starts a new run, whatever it asked.
    const standing = await idStanding(client, spec.type, workflowId);
    if (standing.kind === 'running' || (standing.kind === 'closed' && !standing.reusable)) {
      await assertSameRequest(spec, workflowId, standing.runId, input);
      const status = standing.kind === 'running' ? 'RUNNING' : standing.status;
      return { workflowId, runId: standing.runId, started: false, status };
    }
    const args = await spec.args(input, secrets);
    try {
      const handle = await client.workflow.start(spec.type, {
        workflowId,
        taskQueue,
        args: [args],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: startPolicy(spec.type, standing),
        typedSearchAttributes: searchAttributes(spec, input),
        staticSummary: flowSummary(spec.type, input),
      });
      logger.info({ workflowId, type: spec.type }, 'api: flow started');
      return { workflowId, runId: handle.firstExecutionRunId, started: true, status: 'RUNNING' };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const found = await describe(workflowId);
      return { workflowId, runId: found?.runId, started: false, status: found?.status.name ?? 'UNKNOWN' };
    }
  };

  const flowOfType = (id: string, type: keyof typeof ID_PREFIX) => {
    if (!id.startsWith(`${ID_PREFIX[type]}:`)) throw badRequest(`not a ${type} workflow id`);
    return client.workflow.getHandle(id);
  };

  // ---- public -------------------------------------------------------------------------------
  add(
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
  add(
    {
      method: 'GET',
      path: '/openapi.json',
      summary: 'this document',
      tag: 'meta',
      responses: { 200: R.openapi },
    },
    async () => openApiDocument(routes, { title: 'cardflow API', version: '1' }),
  );

  // ---- starting flows -------------------------------------------------------------------------
  const startRoutes: Array<[FlowKind, string]> = [
    ['kyc', 'start kycVerification (id kyc:<provider>:<customerRef>)'],
    ['activation', 'start physicalCardActivation; takes the PIN and card number, sends handles'],
    ['issuance', 'start virtualCardIssuance (WasabiCard)'],
    ['deposit', 'start cardDeposit (id deposit:<provider>:<cardRef>:<depositRef>)'],
    ['closure', 'start cardClosure (id closure:<provider>:<cardRef>)'],
    ['card-account', 'start cardAccount (id card:<provider>:<cardRef>)'],
  ];
  for (const [kind, summary] of startRoutes)
    add(
      {
        method: 'POST',
        path: `/flows/${kind}`,
        summary,
        tag: 'flows',
        body: FLOW_SPECS[kind].body,
        responses: { 200: R.start, 201: R.start, 409: 'error' },
      },
      async (request, reply) => {
        const outcome = await startFlow(kind, request.body);
        return reply.code(outcome.started ? 201 : 200).send(outcome);
      },
    );

  // ---- reading flows ----------------------------------------------------------------------------
  add(
    {
      method: 'GET',
      path: '/flows',
      summary: 'list flows by provider, flow, state, customer or card',
      tag: 'flows',
      query: listQuery,
      responses: { 200: R.list },
    },
    async (request) => {
      const q = parseOr400(listQuery, request.query, 'query');
      const clauses = [
        q.provider && `CardProvider = "${q.provider}"`,
        q.flow && `CardFlow = "${q.flow}"`,
        q.state && `CardState = "${q.state}"`,
        q.customerRef && `CustomerRef = "${q.customerRef}"`,
        q.cardRef && `CardRef = "${q.cardRef}"`,
        q.status && `ExecutionStatus = "${q.status}"`,
      ].filter(Boolean);
      // Values are validated against strict patterns above: nothing can break out of the quotes.
      const query = clauses.length ? clauses.join(' AND ') : 'CardFlow IS NOT NULL';
      // One page of the visibility store; its page token, base64url, is the cursor to the next.
      let page;
      try {
        page = await client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize: q.limit,
          nextPageToken: q.cursor ? Buffer.from(q.cursor, 'base64url') : undefined,
        });
      } catch (error) {
        // A token the store cannot read: INVALID_ARGUMENT, or UNKNOWN from the SQL stores' decoder.
        if (q.cursor && [2, 3].includes((error as { code?: number }).code ?? 0))
          throw badRequest('invalid query', [
            { path: 'query.cursor', message: 'not a cursor of this listing' },
          ]);
        throw error;
      }
      const flows = (page.executions ?? []).map((wf) => {
        const sa = wf.searchAttributes?.indexedFields;
        return {
          workflowId: wf.execution?.workflowId ?? '',
          type: wf.type?.name ?? '',
          status: WORKFLOW_STATUS[(wf.status ?? 0) - 1] ?? 'UNSPECIFIED',
          startTime: timestamp(wf.startTime),
          closeTime: timestamp(wf.closeTime),
          provider: keyword(sa, 'CardProvider'),
          state: keyword(sa, 'CardState'),
          customerRef: keyword(sa, 'CustomerRef'),
          cardRef: keyword(sa, 'CardRef'),
        };
      });
      const token = page.nextPageToken;
      return {
        flows,
        ...(token && token.length ? { nextCursor: Buffer.from(token).toString('base64url') } : {}),
      };
    },
  );

  add(
    {
      method: 'GET',
      path: '/flows/:id',
      summary: "a flow's state (query), status and outcome",
      tag: 'flows',
      params: idParams,
      responses: { 200: R.flow, 404: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const found = await describe(id);
      if (!found) throw notFound(`no flow ${id}`, [id]);
      const handle = client.workflow.getHandle(id);
      const status = found.status.name;
      const out: Record<string, unknown> = {
        workflowId: id,
        runId: found.runId,
        type: found.type,
        status,
        cardState: found.searchAttributes.CardState?.[0],
        customerRef: found.searchAttributes.CustomerRef?.[0],
        cardRef: found.searchAttributes.CardRef?.[0],
      };
      if (status === 'RUNNING') out.state = await handle.query(stateQuery);
      else if (status === 'COMPLETED') out.result = maskAnswer(await handle.result());
      else if (status === 'FAILED') {
        const failure = await handle.result().then(
          () => undefined,
          (e: unknown) => (e instanceof WorkflowFailedError ? e.cause : undefined),
        );
        out.failure =
          failure instanceof ApplicationFailure
            ? { type: failure.type, message: redactText(failure.message) }
            : { type: failure?.name ?? 'unknown', message: redactText(failure?.message ?? '') };
      }
      return out;
    },
  );

  // ---- messages to flows -------------------------------------------------------------------------
  add(
    {
      method: 'POST',
      path: '/flows/:id/activation-code',
      summary: 'submitActivationCode (with the PIN for WasabiCard, or to set it)',
      tag: 'messages',
      params: idParams,
      body: codeBody,
      responses: { 200: R.updateResult, 404: 'error', 409: 'error', 422: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(codeBody, request.body, 'body');
      const handle = flowOfType(id, 'physicalCardActivation');
      try {
        if (body.pin) {
          const pinHandle = await secrets.put(body.pin, { purpose: 'pin' });
          await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
        }
        return await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: body.code }] });
      } catch (error) {
        return messageError(error, id);
      }
    },
  );
  add(
    {
      method: 'POST',
      path: '/flows/:id/resolve-outcome',
      summary:
        'resolveOutcome: an operator answers a flow in NEEDS_RECONCILIATION (applied, with the transaction id, or not applied)',
      tag: 'messages',
      params: idParams,
      body: outcomeResolutionSchema,
      responses: { 200: R.updateResult, 404: 'error', 409: 'error', 422: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(outcomeResolutionSchema, request.body, 'body');
      try {
        return await client.workflow.getHandle(id).executeUpdate(resolveOutcomeUpdate, { args: [body] });
      } catch (error) {
        return messageError(error, id);
      }
    },
  );
  add(
    {
      method: 'POST',
      path: '/flows/:id/pin',
      summary: 'providePin: the API stores the PIN and sends a handle',
      tag: 'messages',
      params: idParams,
      body: pinBody,
      responses: { 200: R.updateResult, 404: 'error', 409: 'error', 422: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(pinBody, request.body, 'body');
      const handle = flowOfType(id, 'physicalCardActivation');
      try {
        const pinHandle = await secrets.put(body.pin, { purpose: 'pin' });
        return await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
      } catch (error) {
        return messageError(error, id);
      }
    },
  );
  add(
    {
      method: 'POST',
      path: '/flows/:id/kyc-resubmission',
      summary: 'resubmitKyc after a WasabiCard rejection',
      tag: 'messages',
      params: idParams,
      body: kycResubmissionSchema,
      responses: { 200: R.updateResult, 404: 'error', 409: 'error', 422: 'error' },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(kycResubmissionSchema, request.body, 'body');
      await assertDocumentsStored(body.documents, 'body.documents');
      try {
        return await flowOfType(id, 'kycVerification').executeUpdate(resubmitKycUpdate, { args: [body] });
      } catch (error) {
        return messageError(error, id);
      }
    },
  );

  // ---- card accounts (update-with-start) ---------------------------------------------------------------
  const accountUpdate = async (
    request: FastifyRequest,
    reply: FastifyReply,
    op: 'deposit' | 'freeze' | 'unfreeze' | 'close',
  ): Promise<unknown> => {
    const { provider, cardRef } = parseOr400(providerCardParams, request.params, 'params');
    const { wait } = parseOr400(waitQuery, request.query, 'query');
    const bodySchema = op === 'deposit' ? accountDepositBody : accountOpBody;
    const body = parseOr400(bodySchema, request.body ?? {}, 'body') as z.output<typeof accountDepositBody>;
    const workflowId = workflowIds.cardAccount(provider, cardRef);
    const definition = {
      deposit: depositUpdate,
      freeze: freezeUpdate,
      unfreeze: unfreezeUpdate,
      close: closeUpdate,
    }[op] as typeof depositUpdate;
    const args = op === 'deposit' ? [{ depositRef: body.depositRef, amount: body.amount }] : [];
    // A deposit's update id is its ref: a repeated request is the same update, answered once.
    const updateId = op === 'deposit' ? depositUpdateId(body.depositRef, body.amount) : undefined;
    const withId = updateId ? { updateId } : {};
    // Deposits and the close run as child flows, followed to their end: `wait=false` answers once
    // the account accepted the update (202), with the child flow to follow.
    const stage = WorkflowUpdateStage.ACCEPTED;
    const accepted = (updateId: string) =>
      reply.code(202).send({
        accepted: true,
        updateId,
        ...(op === 'deposit' ? { follow: workflowIds.cardDeposit(provider, cardRef, body.depositRef) } : {}),
        ...(op === 'close' ? { follow: workflowIds.cardClosure(provider, cardRef) } : {}),
      });
    try {
      if (!body.account) {
        const handle = client.workflow.getHandle(workflowId);
        if (wait) return await handle.executeUpdate(definition, { args, ...withId } as never);
        const update = await handle.startUpdate(definition, {
          args,
          waitForStage: stage,
          ...withId,
        } as never);
        return accepted(update.updateId);
      }
      const input = { ...body.account, provider, cardRef };
      const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_TYPES.cardAccount, {
        workflowId,
        taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A closed account is never reopened by a late update.
        workflowIdReusePolicy: REUSE_POLICY.cardAccount,
        typedSearchAttributes: searchAttributes(FLOW_SPECS['card-account'], input),
        staticSummary: flowSummary(WORKFLOW_TYPES.cardAccount, input),
      });
      if (wait)
        return await client.workflow.executeUpdateWithStart(definition, {
          args,
          startWorkflowOperation,
          ...withId,
        } as never);
      const update = await client.workflow.startUpdateWithStart(definition, {
        args,
        startWorkflowOperation,
        waitForStage: stage,
        ...withId,
      } as never);
      return accepted(update.updateId);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw conflict(`the account ${workflowId} has ended`, [workflowId]);
      return messageError(error, workflowId);
    }
  };
  for (const op of ['deposit', 'freeze', 'unfreeze', 'close'] as const)
    add(
      {
        method: 'POST',
        path: `/card-accounts/:provider/:cardRef/${op}`,
        summary: `cardAccount ${op} (update; with "account" the account is created when missing)`,
        tag: 'card accounts',
        params: providerCardParams,
        query: waitQuery,
        body: op === 'deposit' ? accountDepositBody : accountOpBody,
        responses: { 200: R.updateResult, 202: R.accepted, 404: 'error', 409: 'error', 422: 'error' },
      },
      (request, reply) => accountUpdate(request, reply, op),
    );

  // ---- documents --------------------------------------------------------------------------------
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      Object.keys(DOCUMENT_TYPES),
      { parseAs: 'buffer', bodyLimit: options.documentLimitBytes ?? DEFAULT_DOCUMENT_LIMIT },
      (_request, body, done) => done(null, body),
    );
    define(
      scope,
      {
        method: 'POST',
        path: '/documents',
        summary: 'upload a KYC document (PNG, JPEG or PDF bytes); answers { ref } for kyc documents',
        tag: 'documents',
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
        const ref = await documents.put({ bytes, contentType, fileName: `document.${ext}` });
        return reply.code(201).send({ ref });
      },
    );
  });

  // ---- support reads (answered by the providers directly) --------------------------------------------
  const providerRead = async <T>(call: () => Promise<T>): Promise<unknown> => {
    try {
      return redactSensitive(await call());
    } catch (error) {
      if (error instanceof ProviderValidationError)
        throw badRequest(
          'refused by the provider rules',
          error.issues.map((i) => ({ path: i.field, message: i.rule })),
        );
      if (error instanceof ProviderRejectedError) {
        if (/^(404|CARD_NOT_FOUND|USER_NOT_FOUND)$/.test(error.code))
          throw notFound('the provider does not know it');
        throw refused(`the provider refused: ${error.code}`);
      }
      if (error instanceof ProviderError)
        throw new ApiError(502, 'provider_unavailable', `the provider could not answer (${error.kind})`);
      throw error;
    }
  };
  const need = <T>(clientOrUndefined: T | undefined, name: string): T => {
    if (!clientOrUndefined) throw notFound(`${name} is not configured`);
    return clientOrUndefined;
  };
  /** A read-through support route for one card, answered by a provider client directly. */
  const cardRead =
    <C>(card: {
      prefix: string;
      key: string;
      params: z.ZodObject<Record<string, z.ZodString>>;
      client: () => C;
    }) =>
    (
      path: string,
      summary: string,
      read: (c: C, cardRef: string, q: z.output<typeof pageQuery>) => Promise<unknown>,
    ) =>
      add(
        {
          method: 'GET',
          path: `${card.prefix}/:${card.key}${path}`,
          summary,
          tag: 'support',
          params: card.params,
          query: pageQuery,
          responses: { 200: R.providerRead, 404: 'error', 422: 'error', 502: 'error' },
        },
        async (request) => {
          const cardRef = parseOr400(card.params, request.params, 'params')[card.key] as string;
          const q = parseOr400(pageQuery, request.query, 'query');
          const client = card.client();
          return providerRead(() => read(client, cardRef, q));
        },
      );
  const wasabiRead = cardRead({
    prefix: '/support/wasabi/cards',
    key: 'cardNo',
    params: wasabiCardParams,
    client: () => need(options.wasabi, 'WasabiCard'),
  });
  wasabiRead('', 'WasabiCard card details (card number masked)', (w, cardNo) => w.cardInfo({ cardNo }));
  wasabiRead('/balance', 'WasabiCard card balance', (w, cardNo) => w.balance({ cardNo }));
  wasabiRead('/transactions', 'WasabiCard operation log of the card', (w, cardNo, q) =>
    w.transactions({ cardNo, ...q }),
  );
  wasabiRead('/authorizations', 'WasabiCard authorization records', (w, cardNo, q) =>
    w.authTransactions({ cardNo, ...q }),
  );
  wasabiRead('/3ds', 'WasabiCard 3DS records (one-time values withheld)', async (w, cardNo, q) => {
    const page = await w.threeDsTransactions({ cardNo, ...q });
    return JSON.parse(JSON.stringify(page, (key, value) => (key === 'values' ? '[REDACTED]' : value)));
  });
  add(
    {
      method: 'GET',
      path: '/support/wasabi/merchant/accounts',
      summary: 'WasabiCard merchant account balances',
      tag: 'support',
      responses: { 400: 'error', ...{ 200: R.providerRead, 404: 'error', 422: 'error', 502: 'error' } },
    },
    async () => providerRead(() => need(options.wasabi, 'WasabiCard').accountInfo()),
  );
  const kazepayRead = cardRead({
    prefix: '/support/kazepay/cards',
    key: 'cardId',
    params: kazepayCardParams,
    client: () => need(options.kazepay, 'KazePay'),
  });
  kazepayRead('', 'KazePay card details (card number masked)', (k, cardID) => k.queryCard({ cardID }));
  kazepayRead('/balance', 'KazePay card balance', (k, cardID) => k.cardBalance({ cardID }));
  kazepayRead('/transactions', 'KazePay operation log of the card', (k, cardID, q) =>
    k.queryTransactions({ cardID, ...q }),
  );

  add(
    {
      method: 'GET',
      path: '/webhooks/journal',
      summary: 'recent provider notifications and what was done with them',
      tag: 'webhooks',
      responses: { 200: R.journal },
    },
    async () => ({ entries: router.journal.entries() }),
  );

  // ---- webhooks in (raw bytes; authenticated by signature) -----------------------------------------
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const rawBody = (request: FastifyRequest) =>
      Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

    if (options.wasabiWebhook) {
      const handle = createWasabiWebhookHandler({
        platformPublicKey: options.wasabiWebhook.platformPublicKey,
        dedupe: options.wasabiWebhook.dedupe ?? new InMemoryDedupeStore(),
        ackVariant: options.wasabiWebhook.ackVariant,
        ...(options.wasabiWebhook.categoryAliases
          ? { categoryAliases: options.wasabiWebhook.categoryAliases }
          : {}),
      });
      define(
        scope,
        {
          method: 'POST',
          path: '/webhooks/wasabi',
          summary: 'WasabiCard notifications (signature over the raw body)',
          public: true,
          tag: 'webhooks',
          body: { raw: ['application/json'] },
          // WasabiCard's own acknowledgement shape; 503 when Temporal cannot be reached (it retries).
          responses: { 200: R.wasabiAck, 400: R.wasabiAck, 401: R.wasabiAck, 503: 'error' },
        },
        async (request, reply) => {
          const result = await handle({ headers: request.headers, rawBody: rawBody(request) });
          const send = () =>
            reply.code(result.response.status).headers(result.response.headers).send(result.response.body);
          if (result.outcome === 'refused') {
            router.journal.record({
              provider: 'wasabi',
              event: 'unverified',
              key: '-',
              outcome: 'refused',
              reason: result.reason,
            });
            logger.warn({ reason: result.reason }, 'wasabi webhook refused');
            return send();
          }
          const { target, note } = wasabiTarget(
            result.category,
            result.event?.payload as Record<string, unknown> | undefined,
          );
          if (result.duplicate) {
            router.journal.record({ provider: 'wasabi', ...note, outcome: 'duplicate' });
            return send();
          }
          try {
            await router.deliver('wasabi', note, target);
          } catch (error) {
            await result.release();
            throw error;
          }
          return send();
        },
      );
    }

    if (options.kazepayWebhook) {
      const kazepay = options.kazepayWebhook.client;
      const dedupe = options.kazepayWebhook.dedupe ?? new InMemoryDedupeStore();
      define(
        scope,
        {
          method: 'POST',
          path: '/webhooks/kazepay',
          summary: 'KazePay notifications (signed envelope)',
          public: true,
          tag: 'webhooks',
          body: { raw: ['application/json'] },
          responses: { 200: R.kazepayAck, 401: 'error', 503: 'error' },
        },
        async (request, reply) => {
          let opened: ReturnType<KazepayClient['openWebhook']>;
          try {
            opened = kazepay.openWebhook(rawBody(request));
          } catch {
            router.journal.record({
              provider: 'kazepay',
              event: 'unverified',
              key: '-',
              outcome: 'refused',
              reason: 'bad-envelope',
            });
            logger.warn('kazepay webhook refused: envelope not trusted');
            return reply.code(401).send({ error: 'not_verified', message: 'notification not verified' });
          }
          const { head, business } = opened;
          const { target, note } = kazepayTarget(
            head.apiCode,
            business as Record<string, unknown>,
            options.kazepayWebhook?.events,
          );
          const keys = [`rid|${head.requestNo}`, `biz|${note.event}|${note.key}|${note.status ?? ''}`];
          const claimed: string[] = [];
          for (const key of keys) if (await dedupe.claim(key)) claimed.push(key);
          const ack = () => {
            const { contentType, body } = kazepay.webhookAck(head);
            return reply.code(200).header('content-type', contentType).send(body);
          };
          if (claimed.length < keys.length) {
            router.journal.record({ provider: 'kazepay', ...note, outcome: 'duplicate' });
            return ack();
          }
          try {
            await router.deliver('kazepay', note, target);
          } catch (error) {
            for (const key of claimed) await dedupe.release(key);
            throw error;
          }
          return ack();
        },
      );
    }
  });

  return app;
}

const UNAVAILABLE = {
  error: 'unavailable',
  message: 'the engine could not complete the request; retry later',
};

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
