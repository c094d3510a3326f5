// The API while Temporal is unavailable or answers NOT_FOUND for something else than a flow (a
// frontend or PostgreSQL restarting, the namespace briefly unknown): a real gRPC frontend answers
// the scripted statuses over HTTP/2 and the SDK builds its own errors from them. A transient error
// is a 503 with Retry-After (never a 500); a NOT_FOUND without Temporal's NotFoundFailure details
// is not "no flow" (never a 404); a webhook received then is refused (503) so the provider retries.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { buildApi } from '../../src/api/server';
import { FileDocumentStore } from '../../src/documents/file-document-store';
import { testOnlyKeyring } from '../helpers/test-data-converter';
import { createLogger } from '../../src/logging/logger';
import { platformSignature } from '../../tools/sandbox/wasabi/signature';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { type ScriptedFrontend, startScriptedFrontend } from '../helpers/scripted-frontend';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
const FLOW = 'activation:kazepay:cust1:req1';
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('API answers while Temporal is unavailable', () => {
  let frontend: ScriptedFrontend;
  let api: ReturnType<typeof buildApi>;
  before(async () => {
    frontend = await startScriptedFrontend('cardflow');
    api = buildApi({
      client: frontend.client,
      tokens: [TOKEN],
      logger: createLogger({ level: 'silent' }),
      secrets: new MemorySecretStore(),
      documents: new FileDocumentStore(
        mkdtempSync(join(tmpdir(), 'cardflow-api-errors-')),
        testOnlyKeyring(),
      ),
      wasabiWebhook: { platformPublicKey: platform.publicKey },
    });
    await api.ready();
  });
  after(async () => {
    await api.close();
    await frontend.close();
  });
  const get = (path: string) =>
    api.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${TOKEN}` } });
  const post = (path: string, body: unknown) =>
    api.inject({
      method: 'POST',
      url: path,
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: body as object,
    });
  const assertRetryLater = (res: { statusCode: number; headers: Record<string, unknown> }, what: string) => {
    assert.equal(res.statusCode, 503, `${what}: status`);
    assert.match(String(res.headers['retry-after'] ?? ''), /^[1-9]\d*$/, `${what}: Retry-After seconds`);
  };

  for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED])
    test(`${status[code]} on a read: 503 with Retry-After`, async () => {
      frontend.script('DescribeWorkflowExecution', { code, message: 'connection refused' });
      assertRetryLater(await get(`/flows/${FLOW}`), status[code]);
    });

  test('a workflow NOT_FOUND (NotFoundFailure details) is still 404', async () => {
    frontend.script('DescribeWorkflowExecution', {
      code: status.NOT_FOUND,
      message: `workflow not found for ID: ${FLOW}`,
      details: 'not-found',
    });
    const res = await get(`/flows/${FLOW}`);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error, 'not_found');
  });

  test('a NOT_FOUND without details on a read is not "no flow": 503', async () => {
    frontend.script('DescribeWorkflowExecution', { code: status.NOT_FOUND, message: 'not found' });
    assertRetryLater(await get(`/flows/${FLOW}`), 'NOT_FOUND without details');
  });

  test("the API's namespace missing (NamespaceNotFoundFailure) is 503, not 404", async () => {
    frontend.script('DescribeWorkflowExecution', {
      code: status.NOT_FOUND,
      message: 'Namespace cardflow is not found.',
      details: 'namespace-not-found',
    });
    assertRetryLater(await get(`/flows/${FLOW}`), 'namespace not found');
  });

  test('an update answered NOT_FOUND without details: 503, not 404', async () => {
    frontend.script('UpdateWorkflowExecution', { code: status.NOT_FOUND, message: 'not found' });
    frontend.script('DescribeWorkflowExecution', { code: status.NOT_FOUND, message: 'not found' });
    assertRetryLater(await post(`/flows/${FLOW}/activation-code`, { code: '1234' }), 'update');
  });

  test('an update to a flow that does not exist is still 404', async () => {
    const missing = { code: status.NOT_FOUND, message: 'workflow not found', details: 'not-found' } as const;
    frontend.script('UpdateWorkflowExecution', missing);
    frontend.script('DescribeWorkflowExecution', missing);
    const res = await post(`/flows/${FLOW}/activation-code`, { code: '1234' });
    assert.equal(res.statusCode, 404);
  });

  test('UNAVAILABLE on an update: 503 with Retry-After', async () => {
    frontend.script('UpdateWorkflowExecution', { code: status.UNAVAILABLE, message: 'frontend restarting' });
    assertRetryLater(await post(`/flows/${FLOW}/activation-code`, { code: '1234' }), 'update');
  });

  const webhook = (cardNo: string, requestId: string) => {
    const body = JSON.stringify({ cardNo, status: 'success' });
    return api.inject({
      method: 'POST',
      url: '/webhooks/wasabi',
      headers: {
        'content-type': 'application/json',
        'x-wsb-category': 'physical_card',
        'x-wsb-request-id': requestId,
        'x-wsb-signature': platformSignature(body, platform.privateKey),
      },
      payload: body,
    });
  };
  const runningCard = (workflowId: string) => ({
    response: {
      executions: [
        {
          execution: { workflowId, runId: '0195f3a0-0000-7000-8000-000000000001' },
          type: { name: 'physicalCardActivation' },
          status: 1,
          startTime: { seconds: 1, nanos: 0 },
          taskQueue: 'cardflow',
        },
      ],
    },
  });

  test('a webhook whose signal gets NOT_FOUND without details is refused (503), then processed on retry', async () => {
    frontend.script('ListWorkflowExecutions', runningCard(FLOW));
    frontend.script('SignalWorkflowExecution', { code: status.NOT_FOUND, message: 'not found' });
    frontend.script('DescribeWorkflowExecution', { code: status.NOT_FOUND, message: 'not found' });
    assertRetryLater(await webhook('CARD0001', 'req-1'), 'webhook');
    // The retry, once Temporal answers, is delivered (the refused attempt claimed nothing for good).
    frontend.script('SignalWorkflowExecution', { response: {} });
    const retried = await webhook('CARD0001', 'req-1');
    assert.equal(retried.statusCode, 200);
    const journal = api.cardflow.webhooks.entries();
    assert.equal(journal.at(-1)?.outcome, 'signalled');
  });

  test('a webhook for a flow that closed meanwhile (NotFoundFailure) is acknowledged', async () => {
    frontend.script('ListWorkflowExecutions', runningCard(FLOW));
    frontend.script('SignalWorkflowExecution', {
      code: status.NOT_FOUND,
      message: 'workflow execution already completed',
      details: 'not-found',
    });
    frontend.script('DescribeWorkflowExecution', {
      code: status.NOT_FOUND,
      message: `workflow not found for ID: ${FLOW}`,
      details: 'not-found',
    });
    const res = await webhook('CARD0002', 'req-2');
    assert.equal(res.statusCode, 200);
    assert.equal(api.cardflow.webhooks.entries().at(-1)?.outcome, 'unmatched');
  });

  test('UNAVAILABLE while a webhook lists its flows: 503 with Retry-After', async () => {
    frontend.script('ListWorkflowExecutions', { code: status.UNAVAILABLE, message: 'frontend restarting' });
    assertRetryLater(await webhook('CARD0003', 'req-3'), 'webhook');
  });
});
