// A full demo run (tools/demo, every story through the public HTTP API) against the dev stack
// with its audit trail in a real, throwaway PostgreSQL (CARDFLOW_DATABASE_URL). The test process
// watches every HTTP request itself (it wraps fetch, which the demo and the sandboxes' webhook
// deliveries use), so the trail is checked against what really happened, not against itself:
//   - every state-changing request the demo made and every webhook delivered is in the trail once,
//     with its action, status and workflow id, under the dev credential or webhook:<provider>;
//   - no canary is in the trail: the applicant's personal values, every string the demo sent in a
//     body (names, emails, passport number, card numbers, activation codes), the API token;
//   - each record holds exactly the seven fields of an audit record, so no body value can be there.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AuditRecord } from '../../src/audit/audit-record';
import { PostgresAuditStore } from '../../src/audit/postgres-audit-store';
import { workflowIdSchema } from '../../src/contract';
import { CanarySet } from '../../tools/chaos/canaries';
import { type DevStack, startDevStack } from '../../tools/dev/stack';
import { runDemo } from '../../tools/demo/run';
import { type PollerPostgres, startPollerPostgres } from '../../tools/bench/poller/postgres';
import { freeDevStackPorts } from '../helpers/dev-stack-ports';

const dir = mkdtempSync(join(tmpdir(), 'cardflow-audit-demo-'));
let postgres: PollerPostgres;
let stack: DevStack | undefined;
let env: NodeJS.ProcessEnv;

interface Seen {
  method: string;
  path: string;
  status: number;
  body: unknown;
  answer: unknown;
}
const seen: Seen[] = [];
const realFetch = globalThis.fetch;

before(async () => {
  chmodSync(dir, 0o755);
  postgres = await startPollerPostgres(join(dir, 'postgres'));
  const { host, port, user, password, database } = postgres.connection;
  const ports = await freeDevStackPorts();
  env = {
    ...process.env,
    ...ports,
    CARDFLOW_DATA_DIR: join(dir, 'data'),
    CARDFLOW_DEV_SANDBOX_TIME_SCALE: '0.2',
    CARDFLOW_DEV_TEMPORAL_STORE: 'memory',
    CARDFLOW_DATABASE_URL: `postgres://${user}:${password}@${host}:${port}/${database}`,
  };
  const apiBase = `http://${env.CARDFLOW_DEV_HOST ?? '127.0.0.1'}:${ports.CARDFLOW_DEV_API_PORT}`;
  // The witness: every POST to the API, with the body sent and the answer read.
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const response = await realFetch(input, init);
    if (url.startsWith(apiBase) && (init?.method ?? 'GET') === 'POST') {
      const text = await response.clone().text();
      const parse = (t: unknown) => {
        try {
          return typeof t === 'string' ? JSON.parse(t) : undefined;
        } catch {
          return undefined;
        }
      };
      const body = init?.body;
      seen.push({
        method: 'POST',
        path: new URL(url).pathname,
        status: response.status,
        body: parse(
          typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined,
        ),
        answer: parse(text),
      });
    }
    return response;
  };
  stack = await startDevStack({ env });
});

after(async () => {
  globalThis.fetch = realFetch;
  await stack?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The action and flow id a request is recorded under, read from its path and answer. */
function expected(s: Seen): { action: string; flowId: string | null } {
  const parts = s.path.split('/').filter(Boolean).map(decodeURIComponent);
  const answerId = (s.answer as { workflowId?: unknown } | undefined)?.workflowId;
  if (parts[0] === 'flows' && parts.length === 2)
    return { action: `flow.start.${parts[1]}`, flowId: typeof answerId === 'string' ? answerId : null };
  if (parts[0] === 'flows' && parts.length === 3)
    return { action: `flow.${parts[2]}`, flowId: parts[1] ?? null };
  if (parts[0] === 'card-accounts')
    return { action: `account.${parts[3]}`, flowId: `card:${parts[1]}:${parts[2]}` };
  if (parts[0] === 'documents') return { action: 'document.upload', flowId: null };
  if (parts[0] === 'webhooks') return { action: `webhook.${parts[1]}`, flowId: undefined as never };
  return assert.fail(`unexpected POST ${s.path}`);
}

test('every state change of a full demo run is in the audit trail, and nothing secret or personal', async (t) => {
  assert.ok(stack);
  const summary = await runDemo({ env, json: true, print: () => undefined, live: false });
  assert.equal(summary.ok, true, summary.errors.join('\n'));
  // Webhooks still in flight settle; then the stack stops, so nothing more arrives.
  let count = -1;
  while (count !== seen.length) {
    count = seen.length;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const token = stack.credentials.apiToken;
  await stack.stop();
  stack = undefined;

  const pool = postgres.pool(2);
  const records: AuditRecord[] = await new PostgresAuditStore(pool).query({
    since: new Date(0),
    limit: 1000,
  });
  assert.ok(records.length < 1000, 'one page holds the run');
  const webhooks = seen.filter((s) => s.path.startsWith('/webhooks/'));
  const calls = seen.filter((s) => !s.path.startsWith('/webhooks/'));
  assert.ok(calls.length >= 15 && webhooks.length >= 5, `${calls.length} calls, ${webhooks.length} webhooks`);

  // Each request the demo made: one record, same action, status and flow, under the dev credential.
  const key = (action: string, status: number, flowId: string | null) => `${action} ${status} ${flowId}`;
  const wanted = calls.map((s) => {
    const { action, flowId } = expected(s);
    return key(action, s.status, flowId);
  });
  const recordedCalls = records
    .filter((r) => r.credential === 'dev')
    .map((r) => key(r.action, r.status, r.flowId));
  assert.deepEqual(recordedCalls.sort(), wanted.sort());
  // Each webhook delivery: one record under webhook:<provider>, same status.
  const webhookKey = (action: string, status: number) => `${action} ${status}`;
  assert.deepEqual(
    records
      .filter((r) => r.credential.startsWith('webhook:'))
      .map((r) => {
        assert.equal(r.credential, `webhook:${r.action.slice('webhook.'.length)}`);
        return webhookKey(r.action, r.status);
      })
      .sort(),
    webhooks.map((s) => webhookKey(expected(s).action, s.status)).sort(),
  );
  assert.equal(records.length, calls.length + webhooks.length, 'no other record');
  assert.ok(records.some((r) => r.credential.startsWith('webhook:') && r.code === 'signalled' && r.flowId));

  // Nothing but the seven fields; ids and codes only.
  for (const r of records) {
    assert.deepEqual(Object.keys(r).sort(), [
      'action',
      'at',
      'code',
      'credential',
      'flowId',
      'requestId',
      'status',
    ]);
    if (r.flowId !== null) assert.ok(workflowIdSchema.safeParse(r.flowId).success, r.flowId);
    assert.match(r.code, /^[a-z_:-]+$/);
    assert.match(r.requestId, /^[0-9a-f-]{36}$/);
  }

  // Canaries: the token, and every value the demo sent that is not a reference of its own.
  const canaries = new CanarySet();
  canaries.text('api token', token);
  const REFERENCE_KEYS =
    /(Ref|^provider|^currency|^cardTypeId|^type|^country|^nationality|^gender|^prefix|^pollInterval|^ref)$/;
  const walk = (value: unknown, keyName: string) => {
    if (typeof value === 'string') {
      if (REFERENCE_KEYS.test(keyName)) return;
      if (/^\d{6,}$/.test(value)) canaries.digits(keyName, value);
      else if (value.length >= 8) canaries.text(keyName, value);
    } else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? keyName : k);
  };
  for (const s of calls) walk(s.body, 'body');
  assert.ok(canaries.size >= 8, `${canaries.size} canaries`);
  const stored = (await pool.query('SELECT * FROM cardflow_audit')).rows
    .map((row) => JSON.stringify(row))
    .join('\n');
  assert.deepEqual(canaries.scanStored(stored), []);
  t.diagnostic(
    `${calls.length} API calls, ${webhooks.length} webhook deliveries, ${records.length} audit records, ${canaries.size} canaries`,
  );
  assert.ok(
    canaries.scanStored(`{"x":"${canaries.sample()}"}`).length > 0,
    'the scan finds a planted canary',
  );
});
