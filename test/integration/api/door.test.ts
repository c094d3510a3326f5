// What the API answers at its door, before any flow: one error shape for every refusal (Fastify's
// own included), masks that keep the caller's own references, and values refused with a 400 that
// names the field before anything reaches a provider.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { applicant, LifecycleEnv, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { type ApiUnderTest, startApi } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

const enc = encodeURIComponent;

/** The API's error shape: `{ error, message, issues? }` and nothing else. */
function assertErrorShape(answer: { status: number; body: unknown; text: string }, status: number) {
  assert.equal(answer.status, status, answer.text);
  const body = answer.body as Record<string, unknown>;
  assert.ok(body && typeof body === 'object', answer.text);
  assert.deepEqual(
    Object.keys(body).filter((k) => !['error', 'message', 'issues'].includes(k)),
    [],
    answer.text,
  );
  assert.match(String(body.error), /^[a-z_]+$/, answer.text);
  assert.equal(typeof body.message, 'string');
}

/** A raw HTTP request (what fetch refuses to send). */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('one error shape everywhere', () => {
  test("Fastify's own 400, 414 and 415 answers use the API's error shape; the 414 echoes nothing", async () => {
    const badJson = await api.call('POST', '/flows/kyc', '{not json');
    assertErrorShape(badJson, 400);
    assert.match(badJson.body.message, /JSON/);

    const text = await api.call('POST', '/flows/kyc', 'hello', { contentType: 'text/plain' });
    assertErrorShape(text, 415);
    const odd = await api.call('POST', '/flows/deposit', '{}', {
      contentType: 'application/x-www-form-urlencoded',
    });
    assertErrorShape(odd, 415);

    const long = 'a'.repeat(5000);
    const tooLong = await api.call('GET', `/flows/${long}`);
    assertErrorShape(tooLong, 414);
    assert.ok(!tooLong.text.includes('aaaaaaaaaa'), tooLong.text);
    assert.ok(tooLong.text.length < 200, `${tooLong.text.length} characters`);

    assertErrorShape(await api.call('GET', '/flows/%E0%A4%A'), 400);

    // A valid id of the longest kind (a deposit's), URL-encoded, is a path the API takes.
    const depositId = `deposit:kazepay:${'c'.repeat(64)}:${'d'.repeat(64)}`;
    assertErrorShape(await api.call('GET', `/flows/${enc(depositId)}`), 404);

    const port = Number(new URL(api.url).port);
    const raw = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 400 /);
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    assertErrorShape({ status: 400, body: JSON.parse(body), text: body }, 400);
  });

  test('a __proto__ or constructor.prototype key is named as such, not as malformed JSON', async () => {
    const proto = await api.call('POST', '/flows/kyc', '{"provider":"wasabi","__proto__":{"admin":true}}');
    assertErrorShape(proto, 400);
    assert.doesNotMatch(proto.body.message, /malformed/i);
    assert.deepEqual(
      proto.body.issues.map((i: { path: string }) => i.path),
      ['body.__proto__'],
    );
    const nested = await api.call(
      'POST',
      '/flows/kyc',
      '{"provider":"wasabi","applicant":{"constructor":{"prototype":{"x":1}}}}',
    );
    assertErrorShape(nested, 400);
    assert.deepEqual(
      nested.body.issues.map((i: { path: string }) => i.path),
      ['body.applicant.constructor.prototype'],
    );
    // Nothing was polluted.
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
});

describe("masking: card and personal data, not the caller's own references", () => {
  test('result.customerRef comes back as sent; a 404 names the id asked for; card numbers stay masked', async () => {
    // A reference the contract accepts (not an email, not a card number) whose digits pass Luhn.
    const customerRef = `${uniqueRef('nc')}-x4111111111111111`;
    const person = applicant('masking');
    const start = await api.call('POST', '/flows/kyc', {
      provider: 'wasabi',
      customerRef,
      cardTypeId: '111065',
      applicant: person,
      review: { pollInterval: '100ms' },
    });
    assert.equal(start.status, 201, start.text);
    assert.equal(start.body.workflowId, `kyc:wasabi:${customerRef}`);
    let flow;
    for (let i = 0; ; i++) {
      flow = await api.call('GET', `/flows/${enc(start.body.workflowId)}`);
      if (flow.body.status !== 'RUNNING') break;
      if (i > 400) assert.fail('KYC still running');
      await sleep(50);
    }
    assert.equal(flow.body.result.outcome, 'PASSED', flow.text);
    assert.equal(flow.body.result.customerRef, customerRef);
    assert.equal(flow.body.customerRef, customerRef);
    assert.ok(!flow.text.includes(person.email), 'no email');

    const missing = `kyc:wasabi:${uniqueRef('nc')}-x4111111111111111`;
    const notFound = await api.call('GET', `/flows/${enc(missing)}`);
    assertErrorShape(notFound, 404);
    assert.ok(notFound.body.message.includes(missing), notFound.text);
    // An id that is a card number is not a reference: it stays masked.
    const pan = await api.call('GET', `/flows/${enc('kyc:wasabi:4111111111111111')}`);
    assertErrorShape(pan, 404);
    assert.ok(!pan.text.includes('4111111111111111'), pan.text);
    assert.match(pan.body.message, /\*\*\*\*1111/);
  });
});

describe('values checkable before a provider call are refused at the door', () => {
  const kyc = (extra: Record<string, unknown>) => ({
    provider: 'wasabi',
    customerRef: uniqueRef('door'),
    cardTypeId: '111065',
    applicant: applicant('door'),
    ...extra,
  });
  /** A 400 naming `path`; and no flow was started under the request's id. */
  async function refusedAt(path: string, answer: { status: number; body: unknown; text: string }) {
    assertErrorShape(answer, 400);
    const paths = (answer.body as { issues?: Array<{ path: string }> }).issues?.map((i) => i.path) ?? [];
    assert.ok(paths.includes(path), `${path} not in ${paths.join(', ')}: ${answer.text}`);
  }

  test('a zero or too-small duration', async () => {
    for (const pollInterval of ['0ms', '0s', '99ms', '0d'])
      await refusedAt(
        'body.review.pollInterval',
        await api.call('POST', '/flows/kyc', kyc({ review: { pollInterval } })),
      );
    await refusedAt(
      'body.review.deadline',
      await api.call('POST', '/flows/kyc', kyc({ review: { deadline: '0m' } })),
    );
    await refusedAt(
      'body.reconcile.settle',
      await api.call('POST', '/flows/kyc', kyc({ reconcile: { settle: '0s' } })),
    );
    await refusedAt(
      'body.resubmissionWindow',
      await api.call('POST', '/flows/kyc', kyc({ resubmissionWindow: '0h' })),
    );
  });

  test('amounts beyond 12 digits before the point, as text or as a JSON number', async () => {
    const deposit = (amount: unknown) =>
      JSON.stringify({
        provider: 'wasabi',
        cardRef: uniqueRef('c'),
        depositRef: uniqueRef('d'),
        currency: 'USD',
      }).replace(/}$/, `,"amount":${typeof amount === 'string' ? JSON.stringify(amount) : String(amount)}}`);
    for (const amount of ['1e308', 1e308, '1'.repeat(40), '1000000000000', 1e21])
      await refusedAt('body.amount', await api.call('POST', '/flows/deposit', deposit(amount)));
    const account = await api.call('POST', `/card-accounts/wasabi/${uniqueRef('c')}/deposit`, {
      depositRef: uniqueRef('d'),
      amount: '9'.repeat(40),
    });
    await refusedAt('body.amount', account);
    const issuance = await api.call('POST', '/flows/issuance', {
      provider: 'wasabi',
      customerRef: uniqueRef('i'),
      requestRef: uniqueRef('r'),
      cardTypeId: '111065',
      holderId: '1234',
      initialDeposit: 1e308,
    });
    await refusedAt('body.initialDeposit', issuance);
  });

  test('an unknown document ref, before any flow starts', async () => {
    const body = kyc({ documents: { front: { ref: 'doc:0000000000000000000000000000dead' } } });
    await refusedAt('body.documents.front.ref', await api.call('POST', '/flows/kyc', body));
    const id = `kyc:wasabi:${body.customerRef as string}`;
    assert.equal((await api.call('GET', `/flows/${enc(id)}`)).status, 404, 'no flow was started');
  });
});

describe('GET /flows pages beyond 100 with a cursor', () => {
  test('105 flows of one customer: a page of 100 with nextCursor, then the last 5 without', async () => {
    const customerRef = uniqueRef('pages');
    const started = new Set<string>();
    for (let i = 0; i < 105; i += 15)
      await Promise.all(
        Array.from({ length: Math.min(15, 105 - i) }, async () => {
          const answer = await api.call('POST', '/flows/card-account', {
            provider: 'wasabi',
            cardRef: uniqueRef('pc'),
            customerRef,
            currency: 'USD',
          });
          assert.equal(answer.status, 201, answer.text);
          started.add(answer.body.workflowId);
        }),
      );
    const query = `/flows?customerRef=${customerRef}&limit=100`;
    for (let i = 0; ; i++) {
      const first = await api.call('GET', query);
      assert.equal(first.status, 200, first.text);
      if (first.body.flows.length === 100 && first.body.nextCursor) break;
      if (i > 200) assert.fail(`visibility shows ${first.body.flows.length} flows`);
      await sleep(100);
    }
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.call('GET', `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      for (const flow of page.body.flows) {
        assert.equal(flow.customerRef, customerRef);
        assert.equal(flow.status, 'RUNNING');
        seen.add(flow.workflowId);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    assert.equal(pages, 2);
    assert.deepEqual([...seen].sort(), [...started].sort());
    // What is not a cursor of this API is refused at the door, at once: sent to the store, it came
    // back UNKNOWN, which the SDK retried for about 20 s before the 400.
    const lastCursor = (await api.call('GET', query)).body.nextCursor as string;
    const tampered = `${lastCursor.slice(0, -2)}${lastCursor.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const notACursor of ['bm90LWEtdG9rZW4', tampered]) {
      const askedAt = Date.now();
      const bad = await api.call('GET', `${query}&cursor=${notACursor}`);
      assertErrorShape(bad, 400);
      assert.match(bad.text, /not a cursor of this listing/);
      assert.ok(Date.now() - askedAt < 1000, `refused after ${Date.now() - askedAt} ms`);
    }
    await Promise.all([...started].map((id) => life.client.workflow.getHandle(id).terminate('test done')));
  });
});
