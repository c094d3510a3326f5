// Property-based fuzzing of the API (fast-check): every endpoint of the route table the API
// publishes (/openapi.json; the in-process table carries the same zod schemas) is sent malformed
// JSON, wrong content types, oversized and deeply nested bodies, hostile strings in path, query
// and body, and missing or wrong tokens. Property: a caller's mistake is answered 4xx, never 5xx.
// A request the route's schemas would accept is not a mistake: a generated POST that happens to be
// valid is not sent (it would start real flows); a valid-shaped GET is sent and its 5xx (the
// engine down during a fault) are counted apart. Then forged webhooks (a stranger's key, no
// signature, a signed body altered) must be refused, and replayed genuine ones deduplicated.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { z } from 'zod';
import type { ApiRoute } from '../../src/api/openapi';
import { merchantPrivateKeyPath } from '../sandbox/common/merchant-key';
import { cryptoProfile } from '../../src/providers/kazepay/crypto-profile';
import { envelopeBytes, sealEnvelope } from '../../src/providers/kazepay/envelope';
import { requestNoGenerator } from '../../src/providers/kazepay/request-no';
import {
  signWasabi,
  WASABI_CATEGORY_HEADER,
  WASABI_REQUEST_ID_HEADER,
  WASABI_SIGNATURE_HEADER,
} from '../../src/providers/wasabi/signature';
import type { ChaosStack } from './harness';

export interface FuzzCounts {
  /** Requests sent to the API's endpoints. */
  requests: number;
  /** ... of which caller mistakes (the route's rules refuse them). */
  callerMistakes: number;
  /** Caller mistakes answered with a 5xx: must be zero. */
  serverErrorsForMistakes: number;
  /** Valid-shaped reads answered with a 5xx (the engine unavailable during a fault): reported. */
  serverErrorsValidShaped: number;
  /** Generated POSTs that were valid, hence not sent. */
  skippedValid: number;
  /** Endpoints covered (method + path) out of those the OpenAPI document lists. */
  endpoints: number;
  openapiEndpoints: number;
  statuses: Record<string, number>;
  /** A few 5xx examples (method, path, what was wrong). */
  examples: string[];
}

export interface WebhookAttackCounts {
  forged: number;
  forgedAccepted: number;
  replayed: number;
  /** Replays processed again instead of being recognised as duplicates. */
  replaysAccepted: number;
  examples: string[];
}

const HOSTILE = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  "' OR 1=1 --",
  '" OR CardFlow IS NOT NULL OR "',
  '<script>alert(1)</script>',
  '\u0000',
  '%00',
  '\u202e\u0646\u0639\u0645',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  '4111111111111111',
  'someone@example.com',
  '-1',
  'NaN',
  '1e309',
  'null',
  '😀'.repeat(50),
  'a'.repeat(5000),
  'kyc:wasabi:' + 'x'.repeat(400),
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ maxLength: 16 }),
);
const anyValue = fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 }), fc.integer(), fc.double());

type Mode =
  | { kind: 'json'; body: unknown }
  | { kind: 'raw'; text: string; contentType: string; why: string }
  | { kind: 'none' };

interface Case {
  route: ApiRoute;
  params: Record<string, string>;
  query: Record<string, string>;
  mode: Mode;
  auth: 'good' | 'none' | 'wrong';
}

function propertiesOf(route: ApiRoute): string[] {
  const body = route.body;
  if (!body || 'raw' in body) return [];
  const shape = (body as { shape?: Record<string, unknown> }).shape;
  if (shape) return Object.keys(shape);
  // Discriminated unions: the keys of every option.
  const options = (body as { options?: Array<{ shape?: Record<string, unknown> }> }).options ?? [];
  return [...new Set(options.flatMap((o) => Object.keys(o.shape ?? {})))];
}

function caseFor(route: ApiRoute): fc.Arbitrary<Case> {
  const paramNames = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  const params = fc.record(
    Object.fromEntries(
      paramNames.map((name) => [
        name,
        fc.oneof(hostileString, fc.constantFrom('kazepay', 'wasabi', 'kyc:wasabi:nobody', 'C0FFEE12')),
      ]),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const queryKeys = route.query ? Object.keys(route.query.shape) : [];
  const query = fc.dictionary(
    fc.oneof(fc.constantFrom(...(queryKeys.length ? queryKeys : ['x'])), fc.string({ maxLength: 8 })),
    hostileString,
    { maxKeys: 3 },
  );
  const keys = propertiesOf(route);
  const jsonBody = fc.oneof(
    anyValue,
    keys.length ? fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length }) : anyValue,
    fc.constant({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
  );
  const raw = fc.oneof(
    fc.record({
      kind: fc.constant('raw' as const),
      text: fc.constantFrom('{"a":', '{,}', 'nul', '\u0000\u0001', '{"x": 1}}', "{'single': 1}", '[]]'),
      contentType: fc.constant('application/json'),
      why: fc.constant('malformed JSON'),
    }),
    fc.record({
      kind: fc.constant('raw' as const),
      text: fc.constant(`{"pad":"${'x'.repeat(1_100_000)}"}`),
      contentType: fc.constant('application/json'),
      why: fc.constant('oversized body'),
    }),
    fc.record({
      kind: fc.constant('raw' as const),
      text: fc.constant(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
      contentType: fc.constant('application/json'),
      why: fc.constant('deeply nested JSON'),
    }),
    fc.record({
      kind: fc.constant('raw' as const),
      text: hostileString,
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'image/png',
      ),
      why: fc.constant('unexpected content type'),
    }),
  );
  const mode: fc.Arbitrary<Mode> =
    route.method === 'GET'
      ? fc.constant({ kind: 'none' as const })
      : fc.oneof(
          { weight: 3, arbitrary: jsonBody.map((body) => ({ kind: 'json' as const, body })) },
          { weight: 2, arbitrary: raw },
        );
  return fc.record({
    route: fc.constant(route),
    params,
    query,
    mode,
    auth: route.public
      ? fc.constant('none' as const)
      : fc.constantFrom('good' as const, 'good' as const, 'good' as const, 'none' as const, 'wrong' as const),
  });
}

/** Why the API must refuse the case, or undefined when the route's own rules accept it. */
function mistake(c: Case): string | undefined {
  const { route } = c;
  if (!route.public && c.auth !== 'good') return `${c.auth} token`;
  if (route.params && !route.params.safeParse(c.params).success) return 'invalid path parameter';
  if (route.query && !route.query.safeParse(c.query).success) return 'invalid query';
  if (c.mode.kind === 'raw') {
    const raw = route.body && 'raw' in route.body ? route.body.raw : undefined;
    if (!raw || !raw.includes(c.mode.contentType.split(';')[0] ?? '')) return c.mode.why;
  }
  if (route.path.startsWith('/webhooks/')) return 'unsigned webhook';
  if (c.mode.kind === 'json' && route.body && !('raw' in route.body)) {
    if (!(route.body as z.ZodType).safeParse(c.mode.body).success) return 'invalid body';
  }
  if (c.mode.kind === 'json' && route.body && 'raw' in route.body) return 'JSON where bytes are expected';
  return undefined;
}

function urlFor(base: string, c: Case): string {
  const path = c.route.path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    encodeURIComponent(c.params[name] ?? ''),
  );
  const query = new URLSearchParams(c.query).toString();
  return `${base}${path}${query ? `?${query}` : ''}`;
}

/** Runs `count` generated requests per endpoint, `concurrency` at a time. */
export async function fuzzApi(
  stack: ChaosStack,
  options: { perEndpoint: number; seed: number; concurrency: number },
): Promise<FuzzCounts> {
  const document = (await (
    await fetch(`${stack.apiUrl}/openapi.json`, { headers: { authorization: `Bearer ${stack.apiToken}` } })
  ).json()) as { paths: Record<string, Record<string, unknown>> };
  const openapiEndpoints = Object.values(document.paths).reduce(
    (n, methods) => n + Object.keys(methods).length,
    0,
  );
  const routes = stack.api.app.cardflow.routes;
  const counts: FuzzCounts = {
    requests: 0,
    callerMistakes: 0,
    serverErrorsForMistakes: 0,
    serverErrorsValidShaped: 0,
    skippedValid: 0,
    endpoints: 0,
    openapiEndpoints,
    statuses: {},
    examples: [],
  };
  const cases: Case[] = [];
  routes.forEach((route, i) => {
    // /health and /openapi.json take no input; everything else is fuzzed.
    if (route.path === '/health' || route.path === '/openapi.json') return;
    counts.endpoints++;
    cases.push(...fc.sample(caseFor(route), { seed: options.seed + i, numRuns: options.perEndpoint }));
  });
  counts.endpoints += 2;

  let next = 0;
  const send = async () => {
    for (;;) {
      const c = cases[next++];
      if (!c) return;
      const why = mistake(c);
      if (!why && c.route.method === 'POST') {
        counts.skippedValid++;
        continue;
      }
      const headers: Record<string, string> = {};
      if (c.auth === 'good') headers.authorization = `Bearer ${stack.apiToken}`;
      if (c.auth === 'wrong') headers.authorization = `Bearer ${'f'.repeat(40)}`;
      let body: string | undefined;
      if (c.mode.kind === 'json') {
        body = JSON.stringify(c.mode.body) ?? 'null';
        headers['content-type'] = 'application/json';
      } else if (c.mode.kind === 'raw') {
        body = c.mode.text;
        headers['content-type'] = c.mode.contentType;
      }
      let status = 0;
      try {
        const response = await fetch(urlFor(stack.apiUrl, c), {
          method: c.route.method,
          headers,
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        status = 599; // no answer at all counts as a server failure
        if (counts.examples.length < 10)
          counts.examples.push(`${c.route.method} ${c.route.path}: no answer (${(error as Error).message})`);
      }
      counts.requests++;
      counts.statuses[String(status)] = (counts.statuses[String(status)] ?? 0) + 1;
      if (why) counts.callerMistakes++;
      if (status >= 500) {
        if (why) {
          counts.serverErrorsForMistakes++;
          if (counts.examples.length < 10)
            counts.examples.push(`${c.route.method} ${c.route.path} (${why}): HTTP ${status}`);
        } else counts.serverErrorsValidShaped++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, send));
  return counts;
}

/** Forged webhooks for both providers, sent while the lifecycles run. */
export async function forgeWebhooks(stack: ChaosStack, rounds: number): Promise<WebhookAttackCounts> {
  const counts: WebhookAttackCounts = {
    forged: 0,
    forgedAccepted: 0,
    replayed: 0,
    replaysAccepted: 0,
    examples: [],
  };
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const merchantPublic = createPublicKey(
    readFileSync(merchantPrivateKeyPath(join(stack.dir, 'kazepay-sandbox')), 'utf8'),
  );
  const nextRequestNo = requestNoGenerator();
  const post = async (what: string, path: string, body: string, headers: Record<string, string>) => {
    counts.forged++;
    const response = await fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (response.status >= 200 && response.status < 300) {
      counts.forgedAccepted++;
      if (counts.examples.length < 10) counts.examples.push(`${what}: HTTP ${response.status}`);
    }
  };
  const cards = [...stack.kazepay.control.state.cards.keys()];
  const wasabiCards = stack.wasabi.control.state().cards.map((c) => c.cardNo);
  for (let i = 0; i < rounds; i++) {
    const cardNo = wasabiCards[i % Math.max(1, wasabiCards.length)] ?? 'WC0000000000000000';
    const payload = JSON.stringify({
      cardNo,
      orderNo: `forged-${i}`,
      merchantOrderNo: `forged-${i}`,
      type: 'deposit',
      status: 'success',
      amount: '1000',
      currency: 'USD',
    });
    const base = {
      'content-type': 'application/json',
      [WASABI_CATEGORY_HEADER]: 'card_transaction',
      [WASABI_REQUEST_ID_HEADER]: `forged${i}`,
    };
    await post("wasabi: a stranger's signature", '/webhooks/wasabi', payload, {
      ...base,
      [WASABI_SIGNATURE_HEADER]: signWasabi(payload, stranger),
    });
    await post('wasabi: no signature', '/webhooks/wasabi', payload, base);
    const genuine = stack.wasabi.control.deliveries().find((d) => d.state === 'delivered');
    if (genuine) {
      const altered = genuine.body
        .replace(/"status":"[a-z_]+"/, '"status":"success"')
        .replace(/\d(?=")/, '9');
      if (altered !== genuine.body)
        await post(
          'wasabi: a genuine signature over an altered body',
          '/webhooks/wasabi',
          altered,
          genuine.headers,
        );
    }
    const cardID = cards[i % Math.max(1, cards.length)] ?? '1';
    await post(
      'kazepay: an envelope signed by a stranger',
      '/webhooks/kazepay',
      forgedKazepay(stranger, merchantPublic, nextRequestNo(), cardID),
      {
        'content-type': 'application/json',
      },
    );
    await post(
      'kazepay: not an envelope',
      '/webhooks/kazepay',
      JSON.stringify({ cardID, status: 'ACTIVE' }),
      {
        'content-type': 'application/json',
      },
    );
  }
  return counts;
}

function forgedKazepay(
  stranger: KeyObject,
  merchantPublic: KeyObject,
  requestNo: string,
  cardID: string,
): string {
  const envelope = sealEnvelope({
    profile: cryptoProfile(),
    head: { apiCode: 'rechargeNotify', sysId: '202402271432298822660001', requestNo, version: '1.0' },
    business: Buffer.from(
      JSON.stringify({
        cardID,
        transactionId: `forged-${requestNo}`,
        transactionStatus: 'SUCCESS',
        amount: '1000.00',
        currency: 'USD',
      }),
    ),
    senderPrivateKey: stranger,
    receiverPublicKey: merchantPublic,
  });
  return envelopeBytes(envelope).toString('utf8');
}

/**
 * Genuine notifications sent again after the run (quiet, so the journal's new entries are the
 * replays'): each must be acknowledged as a duplicate, never routed again.
 */
export async function replayWebhooks(stack: ChaosStack, max: number): Promise<WebhookAttackCounts> {
  const counts: WebhookAttackCounts = {
    forged: 0,
    forgedAccepted: 0,
    replayed: 0,
    replaysAccepted: 0,
    examples: [],
  };
  const journal = stack.api.app.cardflow.webhooks;
  const deliveries = [
    ...stack.kazepay.control.webhooks
      .deliveries()
      .filter((d) => d.state === 'delivered')
      .map((d) => ({ d, path: '/webhooks/kazepay' })),
    ...stack.wasabi.control
      .deliveries()
      .filter((d) => d.state === 'delivered')
      .map((d) => ({ d, path: '/webhooks/wasabi' })),
  ].slice(0, max);
  for (const { d, path } of deliveries) {
    const before = journal.entries().length;
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
    });
    await response.arrayBuffer();
    counts.replayed++;
    const added = journal.entries().slice(before);
    const processed = added.filter((e) => e.outcome !== 'duplicate' && e.outcome !== 'refused');
    if (processed.length > 0) {
      counts.replaysAccepted++;
      if (counts.examples.length < 10)
        counts.examples.push(
          `${path} ${d.meta.event ?? d.meta.category ?? ''}: replay ${processed[0]?.outcome}`,
        );
    }
  }
  return counts;
}
