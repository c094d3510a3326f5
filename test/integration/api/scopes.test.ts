// Scoped credentials through real HTTP, against a worker on the dev server and both sandboxes:
//   - a read-only credential is refused 403 on a deposit, the answer names the missing scope, and
//     nothing is started (the deposit flow and the card account do not exist afterwards);
//   - each scope's boundary, for every route of the table: a credential holding every scope but the
//     route's is refused 403 naming it; a credential holding only that scope gets past the check;
//   - the OpenAPI document lists each operation's scope;
//   - the refusals are in the audit trail, under the credential's name, with no token in it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { AuditLog } from '../../../src/audit/audit-log';
import { FileAuditStore } from '../../../src/audit/file-audit-store';
import { workflowIds } from '../../../src/contract';
import { createLogger } from '../../../src/logging/logger';
import {
  API_SCOPES,
  type ApiScope,
  newCredential,
  parseCredentialLines,
} from '../../../src/security/api-credentials';
import { LifecycleEnv, uniqueRef } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { type ApiUnderTest, startApi } from './helpers';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
let store: FileAuditStore;
const dir = mkdtempSync(join(tmpdir(), 'cardflow-scopes-'));
const enc = encodeURIComponent;

/** One credential per scope ("only-<scope>") and one with every scope but it ("all-but-<scope>"). */
const tokens = new Map<string, string>();
const lines: string[] = [];
const make = (name: string, scopes: readonly ApiScope[]) => {
  const { token, line } = newCredential(name, scopes);
  tokens.set(name, token);
  lines.push(line);
};
const slug = (scope: string) => scope.replace(':', '-');
for (const scope of API_SCOPES) {
  make(`only-${slug(scope)}`, [scope]);
  make(
    `all-but-${slug(scope)}`,
    API_SCOPES.filter((s) => s !== scope),
  );
}
make('reader', ['flows:read']);
make('treasury', ['money:move']);

before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
  store = new FileAuditStore(join(dir, 'audit'));
  const logger = createLogger({ level: 'silent' });
  api = await startApi(life, {
    logger,
    credentials: parseCredentialLines(lines.join('\n')),
    audit: new AuditLog({ store, logger, spoolFile: join(dir, 'audit-spool.jsonl') }),
  });
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const as = (name: string) => ({ token: tokens.get(name) ?? assert.fail(`no credential ${name}`) });

async function absent(workflowId: string) {
  await assert.rejects(life.client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
}

describe('scoped credentials', () => {
  test('a read-only credential is refused 403 on a deposit, naming money:move, and nothing is started', async () => {
    const cardRef = uniqueRef('scope-card');
    const depositRef = uniqueRef('scope-dep');
    const deposit = { provider: 'wasabi', cardRef, depositRef, amount: '25.00', currency: 'USD' };
    const direct = await api.call('POST', '/flows/deposit', deposit, as('reader'));
    assert.equal(direct.status, 403, direct.text);
    assert.deepEqual(direct.body, {
      error: 'forbidden',
      message: 'this credential lacks the scope money:move',
      scope: 'money:move',
    });
    const viaAccount = await api.call(
      'POST',
      `/card-accounts/wasabi/${cardRef}/deposit`,
      { depositRef, amount: '25.00', account: { currency: 'USD' } },
      as('reader'),
    );
    assert.equal(viaAccount.status, 403, viaAccount.text);
    assert.equal(viaAccount.body.scope, 'money:move');
    const closure = await api.call('POST', '/flows/closure', { provider: 'wasabi', cardRef }, as('reader'));
    assert.equal(closure.status, 403, closure.text);
    await absent(workflowIds.cardDeposit('wasabi', cardRef, depositRef));
    await absent(workflowIds.cardAccount('wasabi', cardRef));
    await absent(workflowIds.cardClosure('wasabi', cardRef));
    // The same credential still reads: its own scope works.
    const list = await api.call('GET', '/flows?limit=1', undefined, as('reader'));
    assert.equal(list.status, 200, list.text);
    // And the request itself was a good one: with money:move it starts the deposit.
    const allowed = await api.call('POST', '/flows/deposit', deposit, as('treasury'));
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal(allowed.body.workflowId, workflowIds.cardDeposit('wasabi', cardRef, depositRef));

    // The trail: the refusals under the reader's name, then the start, with the flow id.
    const records = await store.query({ since: new Date(Date.now() - 60_000), limit: 1000 });
    const mine = records.filter((r) => r.credential === 'reader' || r.flowId === allowed.body.workflowId);
    assert.deepEqual(
      mine.map((r) => [r.credential, r.action, r.status, r.code]),
      [
        ['reader', 'flow.start.deposit', 403, 'forbidden'],
        ['reader', 'account.deposit', 403, 'forbidden'],
        ['reader', 'flow.start.closure', 403, 'forbidden'],
        ['treasury', 'flow.start.deposit', 201, 'ok'],
      ],
    );
    // Refused at the door, before the body is read: the action is known, the flow is not.
    assert.deepEqual(
      mine.map((r) => r.flowId),
      [null, null, null, allowed.body.workflowId],
    );
  });

  test("each scope's boundary, on every route: all other scopes are refused 403 naming it; that scope alone passes", async () => {
    const routes = api.app.cardflow.routes.filter((r) => !r.public);
    const checked = new Set<string>();
    for (const route of routes) {
      const scope = route.scope ?? assert.fail(`${route.method} ${route.path} declares no scope`);
      const path = route.path
        .replace(':id', enc('kyc:wasabi:nobody'))
        .replace(':provider', 'wasabi')
        .replace(/:[A-Za-z]+/g, 'X1');
      const send = (name: string) =>
        api.call(route.method, path, route.method === 'POST' ? {} : undefined, as(name));
      const what = `${route.method} ${route.path} (${scope})`;
      if (scope === 'any') {
        for (const only of API_SCOPES) {
          const { status } = await send(`only-${slug(only)}`);
          assert.ok(status !== 401 && status !== 403, `${what} with only ${only}: ${status}`);
        }
        continue;
      }
      const refused = await send(`all-but-${slug(scope)}`);
      assert.equal(refused.status, 403, `${what} without its scope`);
      assert.equal(refused.body.scope, scope, what);
      const passed = await send(`only-${slug(scope)}`);
      assert.ok(
        passed.status !== 401 && passed.status !== 403,
        `${what} with only its scope: ${passed.status}`,
      );
      checked.add(scope);
    }
    // /metrics is the monitoring system's, outside the table: its own scope.
    assert.equal((await api.call('GET', '/metrics', undefined, as('all-but-metrics-read'))).status, 403);
    assert.equal((await api.call('GET', '/metrics', undefined, as('only-metrics-read'))).status, 200);
    checked.add('metrics:read');
    assert.deepEqual([...checked].sort(), [...API_SCOPES].sort(), 'every scope guards at least one route');
  });

  test('every route that changes state has an audit action, and only those; the OpenAPI document lists each scope', async () => {
    for (const route of api.app.cardflow.routes)
      assert.equal(Boolean(route.action), route.method === 'POST', `${route.method} ${route.path}`);
    const { body } = await api.call('GET', '/openapi.json', undefined, as('only-audit-read'));
    assert.match(body.components.securitySchemes.bearer.description, /money:move/);
    for (const route of api.app.cardflow.routes) {
      const op = body.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')][route.method.toLowerCase()];
      if (route.public) assert.deepEqual(op.security, []);
      else if (route.scope === 'any') assert.deepEqual(op.security, [{ bearer: [] }]);
      else {
        assert.deepEqual(op.security, [{ bearer: [route.scope] }], `${route.method} ${route.path}`);
        assert.ok(op.responses['403'], `${route.method} ${route.path} declares 403`);
      }
    }
    assert.deepEqual(body.paths['/flows/deposit'].post.security, [{ bearer: ['money:move'] }]);
    assert.deepEqual(body.paths['/flows/{id}/resolve-outcome'].post.security, [
      { bearer: ['outcomes:resolve'] },
    ]);
  });

  test('GET /audit reads the trail with filters; no token is in it, and a request without one is recorded as -', async () => {
    const none = await api.call('POST', '/flows/kyc', {}, { token: null });
    assert.equal(none.status, 401);
    const noToken = await api.call(
      'GET',
      '/audit?outcome=401&action=flow.start.kyc',
      undefined,
      as('only-audit-read'),
    );
    assert.equal(noToken.status, 200, noToken.text);
    assert.ok(noToken.body.records.some((r: { credential: string }) => r.credential === '-'));
    const refused = await api.call(
      'GET',
      '/audit?credential=reader&outcome=forbidden',
      undefined,
      as('only-audit-read'),
    );
    assert.equal(refused.body.records.length, 3);
    assert.equal(
      (await api.call('GET', '/audit?since=yesterday', undefined, as('only-audit-read'))).status,
      400,
    );
    assert.equal((await api.call('GET', '/audit', undefined, as('all-but-audit-read'))).status, 403);
    const stored = (await store.files()).map((f) => readFileSync(f, 'utf8')).join('');
    assert.ok(stored.length > 0);
    for (const token of tokens.values()) assert.equal(stored.includes(token), false, 'no token in the trail');
  });
});
