// The HTTP API through real HTTP against a worker on the dev server and both sandboxes: flows
// started and completed, idempotent starts, every error status, authentication on every route.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIds } from '../../../src/contract';
import { applicant, JPEG, LifecycleEnv, PNG, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { historyText, openCard } from '../../helpers/wasabi-flows';
import { type ApiUnderTest, startApi } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  api = await startApi(life);
  life.wasabi.control.webhookUrl = `${api.url}/webhooks/wasabi`;
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

const FAST = { pollInterval: '100ms' };
const CARD_TYPE = '111065';
const enc = encodeURIComponent;

/**
 * Polls GET /flows/:id until the flow is no longer running. `followed`: the id came from a 202's
 * `follow`, so the flow may not exist yet (404) until the account starts it (docs/api.md).
 */
async function finished(workflowId: string, { timeoutMs = 20_000, followed = false } = {}) {
  const until = Date.now() + timeoutMs;
  let seen = !followed;
  for (;;) {
    const { status, body } = await api.call('GET', `/flows/${enc(workflowId)}`);
    // A followed flow may not exist yet (404), and a read racing its start may be answered 503
    // with Retry-After (docs/api.md): a follower retries both until the flow shows.
    if (!seen && (status === 404 || status === 503) && Date.now() <= until) {
      await sleep(50);
      continue;
    }
    assert.equal(status, 200, JSON.stringify(body));
    seen = true;
    if (body.status !== 'RUNNING') return body;
    if (Date.now() > until) assert.fail(`${workflowId} still running`);
    await sleep(50);
  }
}

describe('authentication', () => {
  test('health answers without a token; the OpenAPI document lists every route', async () => {
    assert.deepEqual((await api.call('GET', '/health', undefined, { token: null })).body, { status: 'ok' });
    const { status, body } = await api.call('GET', '/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    for (const route of api.app.cardflow.routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      assert.ok(body.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} documented`);
    }
    // The request bodies come from the contract's schemas.
    const kyc = body.paths['/flows/kyc'].post.requestBody.content['application/json'].schema;
    assert.ok(JSON.stringify(kyc).includes('customerRef'));
  });

  test('every route but health and the webhooks refuses a missing or wrong token', async () => {
    const routes = api.app.cardflow.routes;
    assert.ok(routes.length >= 25, `${routes.length} routes`);
    for (const route of routes) {
      const path = route.path
        .replace(':id', enc('kyc:wasabi:nobody'))
        .replace(':provider', 'wasabi')
        .replace(/:[A-Za-z]+/g, 'X1');
      const send = (token?: string | null) =>
        api.call(route.method, path, route.method === 'POST' ? {} : undefined, { token });
      const withToken = await send();
      for (const token of [null, 'wrong-token']) {
        const { status, body } = await send(token);
        if (route.public)
          // The token plays no part: webhooks authenticate by signature.
          assert.equal(status, withToken.status, `${route.method} ${route.path} is public`);
        else {
          assert.equal(status, 401, `${route.method} ${route.path} without a valid token`);
          assert.equal(body.error, 'unauthorized');
        }
      }
      if (!route.public)
        assert.notEqual(withToken.status, 401, `${route.method} ${route.path} with the token`);
    }
    assert.ok(
      routes.filter((r) => r.public).every((r) => r.path === '/health' || r.path.startsWith('/webhooks/')),
    );
  });
});

describe('flows through the API (WasabiCard)', () => {
  test('document upload, KYC, issuance, account deposit / freeze / close; idempotent starts; 400, 404, 409, 422', async () => {
    const upload = await api.call('POST', '/documents', PNG, { contentType: 'image/png' });
    assert.equal(upload.status, 201);
    assert.match(upload.body.ref, /^doc:/);

    const customerRef = uniqueRef('api-cust');
    const person = applicant('api-wasabi');
    const kycBody = {
      provider: 'wasabi',
      customerRef,
      cardTypeId: CARD_TYPE,
      applicant: person,
      documents: { front: { ref: upload.body.ref } },
      review: FAST,
    };
    const first = await api.call('POST', '/flows/kyc', kycBody);
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(
      [first.body.started, first.body.workflowId],
      [true, workflowIds.kycVerification('wasabi', customerRef)],
    );
    // Operators read what the flow is for in the Web UI: a summary of business keys only.
    const description = await life.client.workflow.getHandle(first.body.workflowId).describe();
    assert.equal(await description.staticSummary(), `KYC of customer ${customerRef} (wasabi)`);
    const again = await api.call('POST', '/flows/kyc', kycBody);
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.started, again.body.runId], [false, first.body.runId]);
    // Same business keys, other details: a conflict, never a second workflow.
    const other = await api.call('POST', '/flows/kyc', { ...kycBody, cardTypeId: '111002' });
    assert.equal(other.status, 409, other.text);

    const kyc = await finished(first.body.workflowId);
    assert.equal(kyc.status, 'COMPLETED');
    assert.equal(kyc.result.outcome, 'PASSED');
    const holderId = kyc.result.holderId as string;

    const listed = await api.call(
      'GET',
      `/flows?provider=wasabi&customerRef=${customerRef}&flow=kycVerification`,
    );
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.flows.map((f: { workflowId: string }) => f.workflowId),
      [first.body.workflowId],
    );

    const requestRef = uniqueRef('iss');
    const issue = await api.call('POST', '/flows/issuance', {
      provider: 'wasabi',
      customerRef,
      requestRef,
      cardTypeId: CARD_TYPE,
      initialDeposit: '50',
      holderId,
      order: FAST,
    });
    assert.equal(issue.status, 201, issue.text);
    const issued = await finished(issue.body.workflowId);
    assert.equal(issued.result.outcome, 'ISSUED', JSON.stringify(issued));
    const cardNo = issued.result.cardRef as string;

    // The account is created by the first update (update-with-start).
    const account = { customerRef, currency: 'USD', settlement: FAST, completion: FAST };
    const depositRef = uniqueRef('dep');
    const dep = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
      depositRef,
      amount: '25',
      account,
    });
    assert.equal(dep.status, 200, dep.text);
    assert.equal(dep.body.outcome, 'SETTLED');
    // The same deposit reference again: the first outcome, nothing moved twice.
    const repeat = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
      depositRef,
      amount: '25.00',
    });
    assert.equal(repeat.status, 200, repeat.text);
    assert.equal(repeat.body.providerTransactionId, dep.body.providerTransactionId);
    // With another amount: a conflict, for the account door and the direct one.
    const otherAmount = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
      depositRef,
      amount: '26',
    });
    assert.equal(otherAmount.status, 409, otherAmount.text);
    assert.equal(otherAmount.body.error, 'conflict');
    const direct = await api.call('POST', '/flows/deposit', {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef,
      amount: '26',
      currency: 'USD',
    });
    assert.equal(direct.status, 409, direct.text);
    const same = await api.call('POST', '/flows/deposit', {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef,
      amount: '25',
      currency: 'USD',
    });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.started, false);

    const frozen = await api.call('POST', `/card-accounts/wasabi/${cardNo}/freeze`, {});
    assert.equal(frozen.status, 200, frozen.text);
    assert.equal(frozen.body.state, 'FROZEN');
    const accountState = await api.call('GET', `/flows/${enc(workflowIds.cardAccount('wasabi', cardNo))}`);
    assert.equal(accountState.body.state.state, 'FROZEN');
    assert.equal((await api.call('POST', `/card-accounts/wasabi/${cardNo}/freeze`, {})).status, 422);
    assert.equal(
      (await api.call('POST', `/card-accounts/wasabi/${cardNo}/unfreeze`, {})).body.state,
      'ACTIVE',
    );

    // Without waiting: 202 once accepted, then the deposit flow is followed by its id.
    const queued = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit?wait=false`, {
      depositRef: uniqueRef('dep'),
      amount: '20',
    });
    assert.equal(queued.status, 202, queued.text);
    assert.equal((await finished(queued.body.follow, { followed: true })).result.outcome, 'SETTLED');

    // Support reads, answered by WasabiCard.
    const info = await api.call('GET', `/support/wasabi/cards/${cardNo}`);
    assert.equal(info.status, 200, info.text);
    const sensitive = await life.wasabiClient.sensitive({ cardNo });
    assert.ok(!info.text.includes(sensitive.cardNumber as string), 'no card number');
    for (const path of ['/balance', '/transactions', '/authorizations', '/3ds'])
      assert.equal((await api.call('GET', `/support/wasabi/cards/${cardNo}${path}`)).status, 200, path);
    assert.equal((await api.call('GET', '/support/wasabi/merchant/accounts')).status, 200);

    const closed = await api.call('POST', `/card-accounts/wasabi/${cardNo}/close`, {});
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.body.outcome, 'CLOSED');
    await finished(workflowIds.cardAccount('wasabi', cardNo));
    // The account has ended: neither an update nor an update-with-start reopens it.
    const late = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
      depositRef: 'late',
      amount: '1',
    });
    assert.equal(late.status, 409, late.text);
    const lateWithStart = await api.call('POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
      depositRef: 'late',
      amount: '1',
      account,
    });
    assert.equal(lateWithStart.status, 409, lateWithStart.text);
  });

  test('bad input answers 400 with the issues and without the values; unknown flows 404', async () => {
    const secretLike = '4111111111111111';
    const bad = await api.call('POST', '/flows/kyc', {
      provider: 'wasabi',
      customerRef: secretLike,
      cardTypeId: CARD_TYPE,
      applicant: { ...applicant('bad'), email: 'not-an-email', dateOfBirth: secretLike },
    });
    assert.equal(bad.status, 400, bad.text);
    const paths = bad.body.issues.map((i: { path: string }) => i.path);
    assert.ok(paths.includes('body.customerRef'), paths.join());
    assert.ok(paths.includes('body.applicant.email'), paths.join());
    assert.ok(!bad.text.includes(secretLike) && !bad.text.includes('not-an-email'), bad.text);
    assert.ok(!/at .*\.ts/.test(bad.text), 'no stack trace');

    assert.equal((await api.call('POST', '/flows/deposit', '{not json')).status, 400);
    assert.equal((await api.call('GET', '/flows?limit=1000')).status, 400);
    assert.equal((await api.call('GET', '/flows/not-an-id')).status, 400);
    assert.equal((await api.call('GET', `/flows/${enc('kyc:wasabi:nobody-here')}`)).status, 404);
    const code = await api.call('POST', `/flows/${enc('activation:wasabi:nobody:r1')}/activation-code`, {
      code: '123456',
    });
    assert.equal(code.status, 404, code.text);
    const pin = await api.call('POST', `/flows/${enc('activation:wasabi:nobody:r1')}/pin`, { pin: 'abc' });
    assert.equal(pin.status, 400);
    assert.ok(!pin.text.includes('abc'));
    assert.equal((await api.call('POST', '/card-accounts/wasabi/nocard/freeze', {})).status, 404);
    assert.equal((await api.call('GET', '/support/wasabi/cards/WC0000000000')).status, 404);
  });

  test('activation: the PIN goes by handle and is never answered; a code after the flow ended is a conflict (409)', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const customerRef = uniqueRef('act');
    const start = await api.call('POST', '/flows/activation', {
      provider: 'wasabi',
      customerRef,
      requestRef: 'r1',
      cardRef: cardNo,
      activation: FAST,
    });
    assert.equal(start.status, 201, start.text);
    const id = start.body.workflowId as string;
    const pin = await api.call('POST', `/flows/${enc(id)}/pin`, { pin: '135790' });
    assert.equal(pin.status, 200, pin.text);
    assert.deepEqual(pin.body, { accepted: true });
    const state = await api.call('GET', `/flows/${enc(id)}`);
    assert.ok(!state.text.includes('135790'));
    assert.equal(state.body.state.state, 'WAITING_FOR_ACTIVATION_CODE');
    // Cancel it: a code is then refused because the flow ended.
    await life.client.workflow.getHandle(id).cancel();
    await finished(id);
    const late = await api.call('POST', `/flows/${enc(id)}/activation-code`, { code: '123456' });
    assert.equal(late.status, 409, late.text);
  });
});

describe('flows through the API (KazePay)', () => {
  test('KYC, activation with the card number and PIN taken by the API, deposit, support reads, closure', async () => {
    const front = await api.call('POST', '/documents', PNG, { contentType: 'image/png' });
    const selfie = await api.call('POST', '/documents', JPEG, { contentType: 'image/jpeg' });
    const customerRef = uniqueRef('kz-cust');
    const person = applicant('api-kazepay');
    const kyc = await api.call('POST', '/flows/kyc', {
      provider: 'kazepay',
      customerRef,
      applicant: person,
      documents: { front: { ref: front.body.ref }, selfie: { ref: selfie.body.ref } },
      review: FAST,
    });
    assert.equal(kyc.status, 201, kyc.text);
    assert.equal((await finished(kyc.body.workflowId)).result.outcome, 'PASSED');

    const cardNumber = life.kazepay.control.addPhysicalCard();
    const pin = '482915';
    const activation = await api.call('POST', '/flows/activation', {
      provider: 'kazepay',
      customerRef,
      requestRef: 'first-card',
      email: person.email,
      cardNumber,
      activation: FAST,
    });
    assert.equal(activation.status, 201, activation.text);
    const id = activation.body.workflowId as string;
    const waiting = await (async () => {
      for (let i = 0; i < 200; i++) {
        const { body } = await api.call('GET', `/flows/${enc(id)}`);
        if (body.state?.state === 'WAITING_FOR_ACTIVATION_CODE' && body.cardRef) return body;
        await sleep(50);
      }
      return assert.fail('never waited for the code');
    })();
    const cardId = waiting.cardRef as string;
    const code = life.kazepay.control.takeActivationCode(cardId) as string;
    const sent = await api.call('POST', `/flows/${enc(id)}/activation-code`, { code, pin });
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.body.accepted, true);
    const active = await finished(id);
    assert.deepEqual([active.result.outcome, active.result.pinSet], ['ACTIVE', true]);
    assert.ok(life.kazepay.control.pinMatches(cardId, pin));
    // Neither the card number nor the PIN is in any answer or in the flow's history.
    const history = historyText(await life.client.workflow.getHandle(id).fetchHistory()).join('\n');
    for (const text of [activation.text, sent.text, JSON.stringify(active), history]) {
      assert.ok(!text.includes(cardNumber), 'no card number');
      assert.ok(!text.includes(`"${pin}"`), 'no PIN');
    }

    const deposit = await api.call('POST', '/flows/deposit', {
      provider: 'kazepay',
      cardRef: cardId,
      depositRef: uniqueRef('kd'),
      amount: '40.00',
      currency: 'USD',
      settlement: FAST,
    });
    assert.equal(deposit.status, 201, deposit.text);
    assert.equal((await finished(deposit.body.workflowId)).result.outcome, 'SETTLED');

    for (const path of ['', '/balance', '/transactions']) {
      const read = await api.call('GET', `/support/kazepay/cards/${cardId}${path}`);
      assert.equal(read.status, 200, `${path}: ${read.text}`);
      assert.ok(!read.text.includes(cardNumber), `${path}: card number masked`);
    }

    const closure = await api.call('POST', '/flows/closure', {
      provider: 'kazepay',
      cardRef: cardId,
      completion: FAST,
    });
    assert.equal(closure.status, 201, closure.text);
    const closed = await finished(closure.body.workflowId);
    assert.equal(closed.result.outcome, 'CLOSED', JSON.stringify(closed));
    // Started again after it ended: the same workflow, not a second close.
    const again = await api.call('POST', '/flows/closure', {
      provider: 'kazepay',
      cardRef: cardId,
      completion: FAST,
    });
    assert.deepEqual([again.status, again.body.started, again.body.status], [200, false, 'COMPLETED']);
  });
});

describe('KYC resubmission through the API (WasabiCard)', () => {
  test('a rejected cardholder is corrected with resubmitKyc; after the flow ended a resubmission is a conflict (409)', async () => {
    const person = applicant('api-resubmit');
    life.wasabi.control.scriptHolder({ email: person.email, outcome: 'reject' });
    const customerRef = uniqueRef('resub');
    const start = await api.call('POST', '/flows/kyc', {
      provider: 'wasabi',
      customerRef,
      cardTypeId: CARD_TYPE,
      applicant: person,
      review: FAST,
    });
    assert.equal(start.status, 201, start.text);
    const id = start.body.workflowId as string;
    for (let i = 0; ; i++) {
      const { body } = await api.call('GET', `/flows/${enc(id)}`);
      if (body.state?.state === 'AWAITING_RESUBMISSION') break;
      if (i > 300) assert.fail(`never awaited a resubmission: ${JSON.stringify(body)}`);
      await sleep(50);
    }
    const listed = await api.call(
      'GET',
      `/flows?provider=wasabi&state=AWAITING_RESUBMISSION&customerRef=${customerRef}`,
    );
    assert.deepEqual(
      listed.body.flows.map((f: { workflowId: string }) => f.workflowId),
      [id],
    );
    const resubmitted = await api.call('POST', `/flows/${enc(id)}/kyc-resubmission`, {
      applicant: { address: { ...person.address, line: '14 Jalan Ampang' } },
    });
    assert.equal(resubmitted.status, 200, resubmitted.text);
    assert.equal(resubmitted.body.submissions, 2);
    const done = await finished(id);
    assert.deepEqual([done.result.outcome, done.result.submissions], ['PASSED', 2]);
    const late = await api.call('POST', `/flows/${enc(id)}/kyc-resubmission`, {});
    assert.equal(late.status, 409, late.text);
    const all = await api.call('GET', '/flows');
    assert.equal(all.status, 200);
    assert.ok(all.body.flows.length > 0);
  });
});
