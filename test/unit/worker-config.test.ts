import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/env';
import { workerDeploymentOptions } from '../../src/config/worker-deployment';
import { loadWorkerSettings, startWorker } from '../../src/runtime/worker';

const KEY = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const base = { CARDFLOW_CODEC_KEYS: KEY };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadWorkerSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return [...error.problems];
  }
  return assert.fail('expected a ConfigError');
}

test('defaults: no provider configured, explicit limits, rate cap, health address', () => {
  const s = loadWorkerSettings(base);
  assert.equal(s.kazepay, undefined);
  assert.equal(s.wasabi, undefined);
  assert.equal(s.worker.CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS, 1000);
  assert.equal(s.worker.CARDFLOW_WORKER_SHUTDOWN_GRACE, 30_000);
  assert.equal(s.process.CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND, 50);
  assert.equal(s.process.CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND, 'off');
  assert.equal(s.process.CARDFLOW_WORKER_HEALTH_BIND_ADDRESS, '127.0.0.1:8089');
  assert.equal(s.process.CARDFLOW_WORKFLOW_BUNDLE, 'auto');
  assert.equal(s.temporal.address, 'localhost:7233');
  assert.equal(s.keyring.currentKeyId, 'k1');
});

test('a fully configured provider is read; rate caps and off parse', () => {
  const s = loadWorkerSettings({
    ...base,
    WASABI_BASE_URL: 'http://127.0.0.1:1',
    WASABI_API_KEY: 'api-key',
    WASABI_MERCHANT_PRIVATE_KEY: 'private',
    WASABI_PLATFORM_PUBLIC_KEY: 'public',
    CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND: '2.5',
    CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: 'off',
    CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: 'off',
  });
  assert.equal(s.wasabi?.WASABI_API_KEY, 'api-key');
  assert.equal(s.kazepay, undefined);
  assert.equal(s.process.CARDFLOW_WORKER_MAX_ACTIVITIES_PER_SECOND, 2.5);
  assert.equal(s.process.CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND, 'off');
});

test('a partial provider configuration lists every missing variable, for both providers at once', () => {
  const problems = problemsOf({
    ...base,
    KAZEPAY_BASE_URL: 'http://127.0.0.1:1',
    WASABI_TIMEOUT: '5s',
  });
  const named = problems.map((p) => p.split(':')[0]);
  for (const name of [
    'KAZEPAY_SYS_ID',
    'KAZEPAY_MERCHANT_PRIVATE_KEY',
    'KAZEPAY_PLATFORM_PUBLIC_KEY',
    'WASABI_BASE_URL',
    'WASABI_API_KEY',
    'WASABI_MERCHANT_PRIVATE_KEY',
    'WASABI_PLATFORM_PUBLIC_KEY',
  ])
    assert.ok(named.includes(name), `${name} missing from: ${problems.join(' | ')}`);
  assert.ok(!named.includes('KAZEPAY_BASE_URL'));
});

test('a _FILE variable counts as set; every section reports in one error, never echoing values', () => {
  const problems = problemsOf({
    KAZEPAY_SYS_ID_FILE: '/nonexistent/cardflow-sys-id',
    CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS: 'lots',
    CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: '-1',
    CARDFLOW_SECRET_STORE: 'redis',
    WASABI_API_KEY: 'very-secret-api-key',
  });
  const text = problems.join('\n');
  for (const name of [
    'CARDFLOW_CODEC_KEYS',
    'CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS',
    'CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND',
    'CARDFLOW_REDIS_URL',
    'KAZEPAY_SYS_ID_FILE',
    'KAZEPAY_BASE_URL',
    'WASABI_BASE_URL',
  ])
    assert.match(text, new RegExp(name));
  assert.doesNotMatch(text, /very-secret-api-key/);
});

test('CARDFLOW_WORKFLOW_BUNDLE=prebuilt without the bundle stops the start, naming the variable', async () => {
  const settings = loadWorkerSettings({
    ...base,
    CARDFLOW_WORKFLOW_BUNDLE: 'prebuilt',
    CARDFLOW_WORKFLOW_BUNDLE_PATH: '/nonexistent/cardflow/workflow-bundle.js',
    CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: 'off',
    CARDFLOW_METRICS_BIND_ADDRESS: 'off',
    CARDFLOW_LOG_LEVEL: 'silent',
  });
  await assert.rejects(startWorker(settings), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /CARDFLOW_WORKFLOW_BUNDLE_PATH: no pre-built bundle/);
    return true;
  });
});

test('Worker Versioning is off without CARDFLOW_BUILD_ID; with it the worker declares its version', () => {
  const off = loadWorkerSettings(base);
  assert.equal(off.deployment.CARDFLOW_DEPLOYMENT_NAME, 'cardflow');
  assert.equal(off.deployment.CARDFLOW_BUILD_ID, undefined);
  assert.equal(workerDeploymentOptions(off.deployment), undefined);
  const on = loadWorkerSettings({ ...base, CARDFLOW_BUILD_ID: '2026.12.05-a1b2c3d' });
  assert.deepEqual(workerDeploymentOptions(on.deployment), {
    useWorkerVersioning: true,
    version: { deploymentName: 'cardflow', buildId: '2026.12.05-a1b2c3d' },
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  });
});

test('a deployment name or build id the server would refuse is a configuration error', () => {
  const problems = problemsOf({ ...base, CARDFLOW_DEPLOYMENT_NAME: 'card.flow', CARDFLOW_BUILD_ID: '__v1' });
  const named = problems.map((p) => p.split(':')[0]);
  assert.deepEqual(named.sort(), ['CARDFLOW_BUILD_ID', 'CARDFLOW_DEPLOYMENT_NAME']);
});

test('document settings: a shared database and the retention schedule, ages in days', () => {
  const defaults = loadWorkerSettings(base);
  assert.equal(defaults.database.CARDFLOW_DATABASE_URL, undefined, 'no database: the file store');
  assert.deepEqual(defaults.documents, {
    CARDFLOW_DOCUMENT_RETENTION: '30d',
    CARDFLOW_DOCUMENT_SWEEP_INTERVAL: '1h',
    CARDFLOW_DOCUMENT_RETENTION_SCHEDULE: 'on',
  });
  const set = loadWorkerSettings({
    ...base,
    CARDFLOW_DATABASE_URL: 'postgres://cardflow:pw@db:5432/cardflow',
    CARDFLOW_DOCUMENT_RETENTION: '7d',
    CARDFLOW_DOCUMENT_RETENTION_SCHEDULE: 'off',
  });
  assert.equal(set.database.CARDFLOW_DATABASE_URL, 'postgres://cardflow:pw@db:5432/cardflow');
  assert.equal(set.documents.CARDFLOW_DOCUMENT_RETENTION, '7d');
  assert.equal(set.documents.CARDFLOW_DOCUMENT_RETENTION_SCHEDULE, 'off');
  const problems = problemsOf({
    ...base,
    CARDFLOW_DATABASE_URL: 'mysql://secret-password@db/cardflow',
    CARDFLOW_DOCUMENT_RETENTION: '0d',
  });
  assert.ok(
    problems.some((p) => p.startsWith('CARDFLOW_DATABASE_URL: expected a postgres://')),
    problems.join('; '),
  );
  assert.ok(
    problems.some((p) => p.startsWith('CARDFLOW_DOCUMENT_RETENTION:')),
    problems.join('; '),
  );
  assert.ok(!problems.join(' ').includes('secret-password'), 'the URL is never echoed');
});
