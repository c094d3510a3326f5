// The API process's /metrics (issue 23, item 4): webhook verification failures by provider, and
// the number of running flows in NEEDS_RECONCILIATION read from visibility; behind the API's
// bearer token. Dev server, both sandboxes, real HTTP.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CardState } from '../../../src/contract/search-attributes';
import { WASABI_SIGNATURE_HEADER } from '../../../src/providers/wasabi';
import { LifecycleEnv, uniqueRef } from '../../helpers/lifecycle-env';
import { parsePrometheusText, type Sample } from '../../helpers/prometheus-text';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { type ApiUnderTest, startApi, TOKEN } from '../api/helpers';

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

async function scrape(): Promise<Sample[]> {
  const { status, text } = await api.call('GET', '/metrics');
  assert.equal(status, 200);
  return parsePrometheusText(text);
}
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('/metrics needs the bearer token and answers Prometheus text', async () => {
  assert.equal((await api.call('GET', '/metrics', undefined, { token: null })).status, 401);
  const response = await fetch(`${api.url}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
});

test('webhook verification failures are counted by provider', async () => {
  const before = await scrape();
  const forged = await api.call('POST', '/webhooks/wasabi', '{"category":"card_transaction"}', {
    token: null,
    headers: { [WASABI_SIGNATURE_HEADER]: 'bm90IGEgc2lnbmF0dXJl' },
  });
  assert.equal(forged.status, 401);
  const notEnvelope = await api.call('POST', '/webhooks/kazepay', '{"not":"an envelope"}', { token: null });
  assert.equal(notEnvelope.status, 401);
  const after = await scrape();
  const failures = (samples: Sample[], provider: string) =>
    value(samples, 'cardflow_webhook_verification_failures', { provider }) ?? 0;
  assert.equal(failures(after, 'wasabi') - failures(before, 'wasabi'), 1);
  assert.equal(failures(after, 'kazepay') - failures(before, 'kazepay'), 1);
  assert.equal(
    value(after, 'cardflow_webhook_notifications', { provider: 'wasabi', outcome: 'refused' }),
    failures(after, 'wasabi'),
  );
});

test('the NEEDS_RECONCILIATION gauge follows visibility', async () => {
  const gauge = async () => value(await scrape(), 'cardflow_flows_in_needs_reconciliation');
  const before = await gauge();
  assert.equal(typeof before, 'number');
  // A running execution whose CardState says a person must decide (no worker serves its queue).
  const handle = await life.client.workflow.start('kycVerification', {
    taskQueue: `metrics-no-worker-${uniqueRef('q')}`,
    workflowId: uniqueRef('metrics-reconcile'),
    args: [{}],
    typedSearchAttributes: [{ key: CardState, value: 'NEEDS_RECONCILIATION' }],
  });
  try {
    let now = before;
    for (let tries = 0; tries < 50 && now === before; tries++) {
      await sleep(200);
      now = await gauge();
    }
    assert.equal(now, (before as number) + 1);
  } finally {
    await handle.terminate('test done');
  }
});
