// Provider notifications in (raw bytes, authenticated by signature) and the journal of what was done with them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KazepayClient } from '../../providers/kazepay/client';
import { claimNotification, InMemoryDedupeStore } from '../../providers/webhook-dedupe';
import { createWasabiWebhookHandler } from '../../providers/wasabi/webhooks';
import type { ApiContext } from '../api-context';
import { noteAudit } from '../audit-trail';
import { responseSchemas as R } from '../openapi';
import { kazepayTarget, wasabiTarget } from '../webhook-targets';
import type { NotificationRouter, WebhookJournalEntry } from '../webhooks';

const rawBody = (request: FastifyRequest) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

/** Tells the audit trail what a delivered notification did: its outcome and the first flow signalled. */
const noteDelivery = (request: FastifyRequest, entry: WebhookJournalEntry) =>
  noteAudit(request, {
    code: entry.outcome,
    ...(entry.workflowIds?.[0] ? { flowId: entry.workflowIds[0] } : {}),
  });

/** Journals a notification whose signature or envelope could not be trusted. */
const recordRefused = (router: NotificationRouter, provider: 'kazepay' | 'wasabi', reason: string) =>
  router.journal.record({ provider, event: 'unverified', key: '-', outcome: 'refused', reason });

/** A copy of a notification still being handled: the provider must send it again later. */
const retryLater = (reply: FastifyReply) =>
  reply
    .code(503)
    .header('retry-after', '5')
    .send({ error: 'in_flight', message: 'this notification is being handled; send it again later' });

export async function webhookJournalRoutes(
  app: FastifyInstance,
  { table, router }: ApiContext,
): Promise<void> {
  table.define(
    app,
    {
      method: 'GET',
      path: '/webhooks/journal',
      summary: 'recent provider notifications and what was done with them',
      tag: 'webhooks',
      scope: 'flows:read',
      responses: { 200: R.journal },
    },
    async () => ({ entries: router.journal.entries() }),
  );
}

/** Registered as its own plugin: its scope takes any body as bytes, for the signature checks. */
export async function webhookRoutes(
  app: FastifyInstance,
  { table, router, options }: ApiContext,
): Promise<void> {
  const { logger } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  if (options.wasabiWebhook) {
    const handle = createWasabiWebhookHandler({
      platformPublicKey: options.wasabiWebhook.platformPublicKey,
      dedupe: options.wasabiWebhook.dedupe ?? new InMemoryDedupeStore(),
      ackVariant: options.wasabiWebhook.ackVariant,
      ...(options.wasabiWebhook.categoryAliases
        ? { categoryAliases: options.wasabiWebhook.categoryAliases }
        : {}),
    });
    table.define(
      app,
      {
        method: 'POST',
        path: '/webhooks/wasabi',
        summary: 'WasabiCard notifications (signature over the raw body)',
        public: true,
        action: 'webhook.wasabi',
        actor: 'webhook:wasabi',
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
          noteAudit(request, { code: `refused:${result.reason}` });
          recordRefused(router, 'wasabi', result.reason);
          logger.warn({ reason: result.reason }, 'wasabi webhook refused');
          return send();
        }
        const { target, note } = wasabiTarget(
          result.category,
          result.event?.payload as Record<string, unknown> | undefined,
        );
        if (result.inFlight) return retryLater(reply);
        if (result.duplicate) {
          noteAudit(request, { code: 'duplicate' });
          router.journal.record({ provider: 'wasabi', ...note, outcome: 'duplicate' });
          return send();
        }
        try {
          noteDelivery(request, await router.deliver('wasabi', note, target));
        } catch (error) {
          await result.release();
          throw error;
        }
        await result.settle();
        return send();
      },
    );
  }

  if (options.kazepayWebhook) {
    const kazepay = options.kazepayWebhook.client;
    const dedupe = options.kazepayWebhook.dedupe ?? new InMemoryDedupeStore();
    table.define(
      app,
      {
        method: 'POST',
        path: '/webhooks/kazepay',
        summary: 'KazePay notifications (signed envelope)',
        public: true,
        action: 'webhook.kazepay',
        actor: 'webhook:kazepay',
        tag: 'webhooks',
        body: { raw: ['application/json'] },
        responses: { 200: R.kazepayAck, 401: 'error', 503: 'error' },
      },
      async (request, reply) => {
        let opened: ReturnType<KazepayClient['openWebhook']>;
        try {
          opened = kazepay.openWebhook(rawBody(request));
        } catch {
          noteAudit(request, { code: 'refused:bad-envelope' });
          recordRefused(router, 'kazepay', 'bad-envelope');
          logger.warn('kazepay webhook refused: envelope not trusted');
          return reply.code(401).send({ error: 'not_verified', message: 'notification not verified' });
        }
        const { head, business } = opened;
        const { target, note } = kazepayTarget(
          head.apiCode,
          business as Record<string, unknown>,
          options.kazepayWebhook?.events,
          router.routingKeyring,
        );
        const claim = await claimNotification(dedupe, [
          `rid|${head.requestNo}`,
          `biz|${note.event}|${note.key}|${note.status ?? ''}`,
        ]);
        const ack = () => {
          const { contentType, body } = kazepay.webhookAck(head);
          return reply.code(200).header('content-type', contentType).send(body);
        };
        if (claim.verdict === 'in-flight') return retryLater(reply);
        if (claim.verdict === 'duplicate') {
          noteAudit(request, { code: 'duplicate' });
          router.journal.record({ provider: 'kazepay', ...note, outcome: 'duplicate' });
          return ack();
        }
        try {
          noteDelivery(request, await router.deliver('kazepay', note, target));
        } catch (error) {
          await claim.release();
          throw error;
        }
        await claim.settle();
        return ack();
      },
    );
  }
}
