// The engine's business metrics on the worker's Prometheus endpoint (issue 23, item 4): a real
// worker (startWorker, configured from the environment) on a dev server runs a WasabiCard KYC to
// its end and one flow that fails on its input; the scrape then shows the flows counted by type
// and outcome, provider latency histograms by operation, Temporal's schedule-to-start latencies,
// and no reference, name, email or card number in any label.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCardflowClient } from '../../../src/client';
import { TASK_QUEUE } from '../../../src/contract';
import { createLogger } from '../../../src/logging/logger';
import { installTemporalRuntime } from '../../../src/runtime/temporal-runtime';
import { loadWorkerSettings, type RunningWorker, startWorker } from '../../../src/runtime/worker';
import { formatKeyEntry } from '../../../src/security/codec-keys';
import { startWasabiSandbox, type WasabiSandbox } from '../../../tools/sandbox/wasabi';
import { freePort } from '../../../tools/dev/ports';
import { API_METRICS } from '../../../src/api/routes/metrics';
import { FLOW_METRICS } from '../../../workflows/support/metrics';
import { alertQueries, dashboardQueries, metricNames } from '../../helpers/ops-queries';
import { metricFamilies, parsePrometheusText, type Sample } from '../../helpers/prometheus-text';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { testOnlyDataConverter, testOnlyKeyring } from '../../helpers/test-data-converter';

let env: TestWorkflowEnvironment;
let wasabi: WasabiSandbox;
let worker: RunningWorker;
let metricsAddress: string;
let dataDir: string;

const stamp = Date.now().toString(36);
const customerRef = `metrics-cust-${stamp}`;
const applicant = {
  email: `metrics.${stamp}@example.com`,
  mobile: { prefix: '60', number: '123456789', country: 'MY' },
  firstName: 'Grace',
  lastName: 'Hopperfield',
  dateOfBirth: '1985-12-10',
  address: { line: '12 Jalan Ampang', city: 'Kuala Lumpur', state: 'WP', postCode: '50450', country: 'MY' },
  identification: { type: 'PASSPORT' as const, number: 'A7654321', expiryDate: '2031-05-01' },
  nationality: 'MY',
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cardflow-metrics-'));
  metricsAddress = `127.0.0.1:${await freePort()}`;
  // The runtime first, with the Prometheus endpoint: every connection of the process is made on it.
  installTemporalRuntime(createLogger({ level: 'warn', name: 'metrics-test' }), {
    metricsBindAddress: metricsAddress,
  });
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
  const keys = generateKeyPairSync('rsa', { modulusLength: 1024 });
  wasabi = await startWasabiSandbox({
    merchantPublicKey: keys.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformKeyBits: 1024,
    timeScale: 0.01,
    webhookTimeScale: 0.00001,
  });
  const keyring = testOnlyKeyring();
  worker = await startWorker(
    loadWorkerSettings({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      CARDFLOW_LOG_LEVEL: 'warn',
      CARDFLOW_DATA_DIR: dataDir,
      CARDFLOW_METRICS_BIND_ADDRESS: metricsAddress,
      CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: '127.0.0.1:0',
      CARDFLOW_WORKFLOW_BUNDLE: 'build',
      CARDFLOW_CODEC_KEYS: [...keyring.keys].map(([id, key]) => formatKeyEntry({ id, key })).join(','),
      CARDFLOW_CODEC_CURRENT_KEY_ID: keyring.currentKeyId,
      WASABI_BASE_URL: wasabi.url,
      WASABI_API_KEY: wasabi.apiKey,
      WASABI_MERCHANT_PRIVATE_KEY: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      WASABI_PLATFORM_PUBLIC_KEY: wasabi.platformPublicKeyDer,
      WASABI_TIMEOUT: '2s',
    }),
  );
});

after(async () => {
  await worker?.shutdown();
  await wasabi?.close();
  await env?.teardown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

let lastPage = '';
async function scrape(): Promise<Sample[]> {
  const response = await fetch(`http://${metricsAddress}/metrics`);
  assert.equal(response.status, 200);
  lastPage = await response.text();
  return parsePrometheusText(lastPage);
}

const sum = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

test('flows by type and outcome, provider latency by operation, no personal value in any label', async () => {
  const before = await scrape();
  const cardflow = createCardflowClient({ client: env.client });
  const kyc = await cardflow.startKyc({
    provider: 'wasabi',
    customerRef,
    cardTypeId: '111065',
    applicant,
    review: { pollInterval: '100ms' },
  });
  assert.equal((await kyc.result()).outcome, 'PASSED');
  // Started around the typed client's checks: the workflow itself refuses the input.
  const refused = await env.client.workflow.start('cardDeposit', {
    taskQueue: TASK_QUEUE,
    workflowId: `metrics-refused-${stamp}`,
    args: [{ provider: 'wasabi', cardRef: `card-${stamp}`, depositRef: `dep-${stamp}`, amount: '-1' }],
  });
  await assert.rejects(refused.result(), WorkflowFailedError);

  // The SDK exports the workflow's metrics shortly after the task that emitted them completes.
  let after: Sample[] = [];
  for (let tries = 0; tries < 50; tries++) {
    after = await scrape();
    if (sum(after, 'cardflow_flows_ended', { workflowType: 'cardDeposit' }) > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const moved = (name: string, labels: Record<string, string>) =>
    sum(after, name, labels) - sum(before, name, labels);

  assert.equal(moved('cardflow_flows_started', { workflowType: 'kycVerification', provider: 'wasabi' }), 1);
  assert.equal(
    moved('cardflow_flows_ended', {
      workflowType: 'kycVerification',
      provider: 'wasabi',
      outcome: 'completed',
      result: 'PASSED',
    }),
    1,
  );
  assert.equal(
    moved('cardflow_flows_ended', {
      workflowType: 'cardDeposit',
      outcome: 'failed',
      failure_type: 'ValidationFailed',
    }),
    1,
  );

  // Provider latency: a histogram per WasabiCard operation the KYC called, all answered.
  const buckets = after.filter((s) => s.name === 'cardflow_provider_request_latency_bucket');
  const operations = new Set(buckets.map((s) => s.labels.operation));
  assert.ok(operations.has('/merchant/core/mcb/card/holder/v2/create'), [...operations].join(', '));
  assert.ok(buckets.every((s) => s.labels.provider === 'wasabi' && s.labels.le !== undefined));
  assert.ok(sum(after, 'cardflow_provider_requests', { provider: 'wasabi', outcome: 'ok' }) >= 2);
  // Temporal's own schedule-to-start latencies, for the alert rules.
  for (const name of [
    'temporal_workflow_task_schedule_to_start_latency_bucket',
    'temporal_activity_schedule_to_start_latency_bucket',
  ])
    assert.ok(
      after.some((s) => s.name === name && s.labels.task_queue === TASK_QUEUE),
      name,
    );

  // No label carries what the flows were given.
  const personal = [
    customerRef,
    applicant.email,
    applicant.firstName,
    applicant.lastName,
    applicant.identification.number,
    applicant.mobile.number,
    `card-${stamp}`,
    `dep-${stamp}`,
  ];
  for (const sample of after)
    for (const value of Object.values(sample.labels)) {
      for (const secret of personal) assert.ok(!value.includes(secret), `${sample.name} carries ${secret}`);
      assert.doesNotMatch(value, /@|\b\d{13,19}\b/, `${sample.name} label looks personal: ${value}`);
    }
});

test('every metric the dashboard and the alert rules read is one the worker or the API exports', () => {
  assert.ok(lastPage, 'the worker was scraped by the test before');
  const exported = new Set<string>(['up']); // Prometheus's own, per scrape target
  for (const [name, kind] of metricFamilies(lastPage))
    for (const suffix of kind === 'histogram' ? ['_bucket', '_sum', '_count'] : [''])
      exported.add(name + suffix);
  // The engine's counters a short run may not have emitted yet, named by the code that emits them.
  for (const name of [...Object.values(FLOW_METRICS), ...Object.values(API_METRICS)]) exported.add(name);
  const unknown = [...dashboardQueries(), ...alertQueries()].flatMap(({ where, expr }) =>
    metricNames(expr)
      .filter((name) => !exported.has(name))
      .map((name) => `${where}: ${name}`),
  );
  assert.deepEqual(unknown, []);
  assert.ok(exported.has('temporal_workflow_task_schedule_to_start_latency_bucket'));
});
