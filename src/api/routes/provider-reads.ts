// Support routes answered by the provider clients directly: card details, balances, operation logs.
//
// Why directly, and not through a workflow on the worker (issue 19 asked; this is the choice):
// - A read changes nothing, needs no retry memory and no reconciliation: what Temporal adds is a
//   durable record, and that record is the cost. Each read of card details, balances or 3DS
//   records would be a workflow history holding the (masked, encrypted) answer for the whole
//   retention (30 days), readable by anyone holding the codec keys; answered here, the masked
//   answer goes to the caller and nowhere else.
// - It would take only some credentials out of the API. The KazePay webhook envelope is
//   encrypted to the merchant key, so the API holds KazePay's client for its webhook anyway.
//   WasabiCard's webhook verifies with the platform's public key only, so reading WasabiCard
//   through the worker would take its API key and merchant key out of the API: a real gain, but
//   one that costs a workflow type per read (with recorded replay histories) and history for
//   each answer, as above. A deployment can keep credentials out of its flows API: run it without
//   WASABI_* / KAZEPAY_* (support reads answer 404 "not configured", webhooks are off) and a
//   second API process, with them, for the webhooks and the support reads.
// - The reads stay out of the flows' task queue and history: a burst of support lookups costs the
//   provider a few HTTP calls, not workflow tasks competing with deposits and closures.
// Card numbers and CVVs never leave: every answer passes `redactSensitive`, and 3DS one-time values
// are withheld, before it is sent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { redactSensitive } from '../../logging/redaction';
import { ProviderError, ProviderRejectedError, ProviderValidationError } from '../../providers/errors';
import type { ApiContext } from '../api-context';
import { ApiError, badRequest, notFound, parseOr400, refused } from '../errors';
import { responseSchemas as R } from '../openapi';

const pageQuery = z.object({
  pageNum: z.coerce.number().int().min(1).max(10).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
});
/** The path parameters naming one card by the provider's own id (`cardNo`, `cardId`). */
const cardIdParams = (key: string): z.ZodObject<Record<string, z.ZodString>> =>
  z.object({ [key]: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'expected a card id') });
const READ_RESPONSES = { 200: R.providerRead, 404: 'error', 422: 'error', 502: 'error' } as const;

/** A provider's answer, masked, or its refusal in the API's statuses. */
async function providerRead<T>(call: () => Promise<T>): Promise<unknown> {
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
}

/** The configured client, or a 404 saying the provider is not configured. */
function need<T>(clientOrUndefined: T | undefined, name: string): T {
  if (!clientOrUndefined) throw notFound(`${name} is not configured`);
  return clientOrUndefined;
}

export async function providerReadRoutes(
  app: FastifyInstance,
  { table, options }: ApiContext,
): Promise<void> {
  /** A read-through support route for one card, answered by a provider client directly. */
  const cardRead = <C>(card: { prefix: string; key: string; client: () => C }) => {
    const params = cardIdParams(card.key);
    return (
      path: string,
      summary: string,
      read: (c: C, cardRef: string, q: z.output<typeof pageQuery>) => Promise<unknown>,
    ) =>
      table.define(
        app,
        {
          method: 'GET',
          path: `${card.prefix}/:${card.key}${path}`,
          summary,
          tag: 'support',
          scope: 'providers:read',
          params,
          query: pageQuery,
          responses: { ...READ_RESPONSES },
        },
        async (request) => {
          const cardRef = parseOr400(params, request.params, 'params')[card.key] as string;
          const q = parseOr400(pageQuery, request.query, 'query');
          const client = card.client();
          return providerRead(() => read(client, cardRef, q));
        },
      );
  };

  const wasabiRead = cardRead({
    prefix: '/support/wasabi/cards',
    key: 'cardNo',
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
  table.define(
    app,
    {
      method: 'GET',
      path: '/support/wasabi/merchant/accounts',
      summary: 'WasabiCard merchant account balances',
      tag: 'support',
      scope: 'providers:read',
      responses: { 400: 'error', ...READ_RESPONSES },
    },
    async () => providerRead(() => need(options.wasabi, 'WasabiCard').accountInfo()),
  );

  const kazepayRead = cardRead({
    prefix: '/support/kazepay/cards',
    key: 'cardId',
    client: () => need(options.kazepay, 'KazePay'),
  });
  kazepayRead('', 'KazePay card details (card number masked)', (k, cardID) => k.queryCard({ cardID }));
  kazepayRead('/balance', 'KazePay card balance', (k, cardID) => k.cardBalance({ cardID }));
  kazepayRead('/transactions', 'KazePay operation log of the card', (k, cardID, q) =>
    k.queryTransactions({ cardID, ...q }),
  );
}
