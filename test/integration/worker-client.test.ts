// The worker process in-process (startWorker, configured from environment variables as in a
// deployment) on a dev server against both sandboxes, driven through the typed client with the
// payload codec on: flows complete, stored payloads are encrypted, /health and the Prometheus
// endpoint answer, and a SIGTERM-style shutdown completes within the grace period. Then the
// client's promises: one workflow per business key, update-with-start creating the account
// once, visibility lists, and invalid input refused before anything is sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CardflowInputError, createCardflowClient, type CardflowClient } from '../../src/client';
import { freePort } from '../../tools/dev/ports';
import { createLogger } from '../../src/logging/logger';
import { installTemporalRuntime } from '../../src/runtime/temporal-runtime';
import { projectRoot } from '../../src/config/project-root';
import { loadWorkerSettings, type RunningWorker, startWorker } from '../../src/runtime/worker';
import { startKazepaySandbox, type KazepaySandbox } from '../../tools/sandbox/kazepay/server';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi';
import { WasabiClient } from '../../src/providers/wasabi/client';
import { formatKeyEntry } from '../../src/security/codec-keys';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyDataConverter, testOnlyKeyring } from '../helpers/test-data-converter';

const FAST = { pollInterval: '100ms' };
const CARD_TYPE = '111065';
const GRACE_MS = 5000;

const pem = (bits: number) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
};

let n = 0;
const ref = (tag: string) => `${tag}-${Date.now().toString(36)}-${++n}`;
const applicant = (tag: string) => ({
  email: `${tag}.${Date.now()}.${++n}@example.com`,
  mobile: { prefix: '60', number: '123456789', country: 'MY' },
  firstName: 'Ada',
  lastName: 'Lovelace',
  dateOfBirth: '1985-12-10',
  address: { line: '12 Jalan Ampang', city: 'Kuala Lumpur', state: 'WP', postCode: '50450', country: 'MY' },
  identification: { type: 'PASSPORT' as const, number: 'A1234567', expiryDate: '2031-05-01' },
  nationality: 'MY',
});

async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let env: TestWorkflowEnvironment;
let kazepay: KazepaySandbox;
let wasabi: WasabiSandbox;
let wasabiClient: WasabiClient;
let worker: RunningWorker;
let client: Client;
let cardflow: CardflowClient;
let metricsAddress: string;
let dataDir: string;
let workerEnv: Record<string, string>;
let secrets: MemorySecretStore;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cardflow-worker-'));
  metricsAddress = `127.0.0.1:${await freePort()}`;
  // The runtime first: the dev server's connections must be made on it (metrics, logs).
  installTemporalRuntime(createLogger({ level: 'warn', name: 'worker-test' }), {
    metricsBindAddress: metricsAddress,
  });
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
  client = env.client;
  cardflow = createCardflowClient({ client });
  const kazepayKeys = pem(2048);
  const wasabiKeys = pem(1024);
  kazepay = await startKazepaySandbox({ merchantPublicKey: kazepayKeys.publicPem, dataDir, timeScale: 0.01 });
  wasabi = await startWasabiSandbox({
    merchantPublicKey: wasabiKeys.publicPem,
    platformKeyBits: 1024,
    timeScale: 0.01,
    webhookTimeScale: 0.00001,
  });
  wasabiClient = new WasabiClient({
    baseUrl: wasabi.url,
    apiKey: wasabi.apiKey,
    merchantPrivateKey: wasabiKeys.privatePem,
    platformPublicKey: wasabi.platformPublicKeyDer,
    timeoutMs: 2000,
  });
  const keyring = testOnlyKeyring();
  workerEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    CARDFLOW_LOG_LEVEL: 'warn',
    CARDFLOW_DATA_DIR: dataDir,
    CARDFLOW_METRICS_BIND_ADDRESS: metricsAddress,
    CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: '127.0.0.1:0',
    CARDFLOW_WORKER_SHUTDOWN_GRACE: `${GRACE_MS}ms`,
    CARDFLOW_WORKER_MAX_CACHED_WORKFLOWS: '50',
    // What runs is what is replay-tested: the product bundle options, bundled now.
    CARDFLOW_WORKFLOW_BUNDLE: 'build',
    CARDFLOW_CODEC_KEYS: [...keyring.keys].map(([id, key]) => formatKeyEntry({ id, key })).join(','),
    CARDFLOW_CODEC_CURRENT_KEY_ID: keyring.currentKeyId,
    KAZEPAY_BASE_URL: `${kazepay.url}/api/gateway`,
    KAZEPAY_SYS_ID: kazepay.sysId,
    KAZEPAY_MERCHANT_PRIVATE_KEY: kazepayKeys.privatePem,
    KAZEPAY_PLATFORM_PUBLIC_KEY: kazepay.platformPublicKeyBase64,
    KAZEPAY_TIMEOUT: '2s',
    WASABI_BASE_URL: wasabi.url,
    WASABI_API_KEY: wasabi.apiKey,
    WASABI_MERCHANT_PRIVATE_KEY: wasabiKeys.privatePem,
    WASABI_PLATFORM_PUBLIC_KEY: wasabi.platformPublicKeyDer,
    WASABI_TIMEOUT: '2s',
  };
  // The test's own secret store, so it can hand PIN handles to the worker (as the API does in-process).
  secrets = new MemorySecretStore();
  worker = await startWorker(loadWorkerSettings(workerEnv), { secrets });
});

after(async () => {
  await worker?.shutdown();
  await Promise.all([kazepay?.close(), wasabi?.close(), secrets?.close()]);
  await env?.teardown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openCard(amount = '20'): Promise<string> {
  const merchantOrderNo = `W${Date.now()}${++n}`.padEnd(20, '0');
  // 111002: a virtual card type that needs no cardholder.
  const order = await wasabiClient.createCard({ merchantOrderNo, cardTypeId: '111002', amount });
  wasabi.control.advance({ merchantOrderNo });
  assert.ok(order.cardNo);
  return order.cardNo;
}

describe('worker process', () => {
  test('a flow started through the typed client completes; stored payloads are encrypted', async () => {
    const customerRef = ref('cust');
    const kyc = await cardflow.startKyc({
      provider: 'wasabi',
      customerRef,
      cardTypeId: CARD_TYPE,
      applicant: applicant('worker'),
      review: FAST,
    });
    const result = await kyc.result();
    assert.equal(result.outcome, 'PASSED');
    assert.equal((await kyc.state()).state, 'PASSED');
    const history = await kyc.handle.fetchHistory();
    const encodings = (history.events ?? []).flatMap((e) =>
      [
        ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
        ...(e.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
        ...(e.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
      ].map((p) => Buffer.from(p.metadata?.encoding ?? []).toString()),
    );
    assert.ok(encodings.length >= 3, 'input, activity results and the result are stored');
    assert.deepEqual([...new Set(encodings)], ['binary/encrypted']);
    const text = JSON.stringify(history);
    assert.ok(!text.includes('Lovelace'), 'no applicant name in the stored history');
  });

  test('/health reports the worker running; the Prometheus endpoint answers', async () => {
    const health = await fetch(`http://${worker.healthAddress}/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; worker: Record<string, unknown> };
    assert.equal(body.status, 'ok');
    assert.equal(body.worker.status, 'RUNNING');
    assert.equal(body.worker.taskQueue, 'card-lifecycle');
    assert.deepEqual(body.worker.providers, { kazepay: true, wasabi: true });
    assert.equal(body.worker.bundle, 'built');
    assert.equal((await fetch(`http://${worker.healthAddress}/other`)).status, 404);
    const metrics = await fetch(`http://${metricsAddress}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /temporal_/);
  });
});

/** A WasabiCard physical card (type 111200) awaiting activation, and the code its holder received. */
async function physicalCard(): Promise<{ cardNo: string; code: string }> {
  const person = applicant('physical');
  const { holderId } = await wasabiClient.createHolder({
    cardHolderModel: 'B2C',
    merchantOrderNo: `H${Date.now()}${++n}`.padEnd(24, '0'),
    cardTypeId: '111200',
    areaCode: '+60',
    mobile: person.mobile.number,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    birthday: person.dateOfBirth,
    country: 'MY',
    town: 'Kuala Lumpur',
    address: person.address.line,
    postCode: person.address.postCode,
    nationality: 'MY',
    gender: 'F',
    idType: 'PASSPORT',
    idNumber: 'A1234567',
    idNoExpiryDate: '2031-05-01',
  });
  wasabi.control.advance();
  const merchantOrderNo = `P${Date.now()}${++n}`.padEnd(20, '0');
  const order = await wasabiClient.createCard({
    merchantOrderNo,
    cardTypeId: '111200',
    amount: '50',
    holderId,
  });
  wasabi.control.advance({ merchantOrderNo });
  assert.ok(order.cardNo);
  const [code] = wasabi.control.inbox(order.cardNo);
  assert.ok(code, 'the activation code reached the cardholder');
  return { cardNo: order.cardNo, code };
}

describe('typed client', () => {
  test('activation messages: providePin, submitActivationCode and a provider notification by business key', async () => {
    const { cardNo, code } = await physicalCard();
    const key = { provider: 'wasabi' as const, customerRef: ref('act'), requestRef: ref('req') };
    const activation = await cardflow.startActivation({ ...key, cardRef: cardNo, activation: FAST });
    await eventually('the code awaited', async () =>
      (await activation.state()).state === 'WAITING_FOR_ACTIVATION_CODE' ? true : undefined,
    );
    // A notification only makes the flow look now: it changes no outcome.
    await cardflow.providerNotification(activation.workflowId, { event: 'card_activated', key: cardNo });
    const pinHandle = await secrets.put('739418', { purpose: 'pin' });
    assert.deepEqual(await cardflow.providePin(key, pinHandle), { accepted: true });
    assert.deepEqual(await cardflow.submitActivationCode(key, code), { accepted: true, attemptsLeft: 2 });
    const result = await cardflow.activation(key).result();
    assert.deepEqual([result.outcome, result.cardRef, result.pinSet], ['ACTIVE', cardNo, true]);
  });

  test('starting the same flow twice yields one workflow', async () => {
    const customerRef = ref('twice');
    const input = {
      provider: 'wasabi' as const,
      customerRef,
      cardTypeId: CARD_TYPE,
      applicant: applicant('twice'),
      review: FAST,
    };
    const [a, b] = await Promise.all([cardflow.startKyc(input), cardflow.startKyc(input)]);
    assert.equal(a.workflowId, b.workflowId);
    const [da, db] = await Promise.all([a.handle.describe(), b.handle.describe()]);
    assert.equal(da.runId, db.runId);
    assert.equal((await a.result()).outcome, 'PASSED');
    // Finished: a third start answers the same workflow, not a second one.
    const c = await cardflow.startKyc(input);
    assert.equal((await c.handle.describe()).runId, da.runId);
    const listed = await eventually('the KYC listed once', async () => {
      const flows = await cardflow.list({ customerRef, flow: 'kycVerification' });
      return flows.length > 0 && flows.every((f) => f.status === 'COMPLETED') ? flows : undefined;
    });
    assert.equal(listed.length, 1);
  });

  test('update-with-start creates the card account once, then acts on it', async () => {
    const cardRef = await openCard();
    const account = {
      provider: 'wasabi' as const,
      cardRef,
      customerRef: ref('acct'),
      currency: 'USD',
      settlement: FAST,
      completion: FAST,
    };
    const [d1, d2] = await Promise.all([
      cardflow.accountDeposit(account, { depositRef: ref('d'), amount: '20' }),
      cardflow.accountDeposit(account, { depositRef: ref('d'), amount: '25.5' }),
    ]);
    assert.deepEqual([d1.outcome, d2.outcome], ['SETTLED', 'SETTLED']);
    assert.deepEqual(await cardflow.accountFreeze(account), { state: 'FROZEN' });
    assert.deepEqual(await cardflow.accountUnfreeze(account), { state: 'ACTIVE' });
    const status = await cardflow.cardAccount({ provider: 'wasabi', cardRef }).state();
    assert.equal(status.depositsSettled, 2);
    const runs = await eventually('the account listed', async () => {
      const flows = await cardflow.list({ cardRef, flow: 'cardAccount' });
      return flows.length > 0 ? flows : undefined;
    });
    assert.equal(runs.length, 1, 'one account workflow');
    const closed = await cardflow.accountClose(account);
    assert.equal(closed.outcome, 'CLOSED');
    // Closed stays closed (REJECT_DUPLICATE): an update-with-start is refused, a start answers the
    // closed run, and no second account workflow exists.
    const accountHandle = cardflow.cardAccount({ provider: 'wasabi', cardRef }).handle;
    await accountHandle.result();
    const closedRun = (await accountHandle.describe()).runId;
    await assert.rejects(
      cardflow.accountDeposit(account, { depositRef: ref('late'), amount: '20' }),
      WorkflowExecutionAlreadyStartedError,
    );
    const again = await cardflow.startCardAccount(account);
    assert.equal((await again.handle.describe()).runId, closedRun);
    const after = [];
    for await (const info of cardflow.client.workflow.list({ query: `WorkflowId = '${again.workflowId}'` }))
      after.push(info.status.name);
    assert.deepEqual(after, ['COMPLETED']);
  });

  test('list finds flows by provider, state and customer reference', async () => {
    const customerRef = ref('list');
    const kyc = await cardflow.startKyc({
      provider: 'wasabi',
      customerRef,
      cardTypeId: CARD_TYPE,
      applicant: applicant('list'),
      review: FAST,
    });
    await kyc.result();
    const found = await eventually('PASSED in visibility', async () => {
      const flows = await cardflow.list({ provider: 'wasabi', state: 'PASSED', customerRef });
      return flows.length > 0 ? flows : undefined;
    });
    assert.deepEqual(
      found.map((f) => [f.workflowId, f.flow, f.provider, f.state, f.customerRef, f.status]),
      [[kyc.workflowId, 'kycVerification', 'wasabi', 'PASSED', customerRef, 'COMPLETED']],
    );
    assert.deepEqual(await cardflow.list({ provider: 'kazepay', customerRef }), []);
    assert.deepEqual(await cardflow.list({ provider: 'wasabi', state: 'REJECTED', customerRef }), []);
  });

  test('invalid input is refused before any call, naming fields and never values', async () => {
    let calls = 0;
    const spy = new Proxy(
      {},
      {
        get() {
          calls++;
          throw new Error('nothing may be sent');
        },
      },
    );
    const offline = createCardflowClient({ client: { workflow: spy } as unknown as Client });
    const refused = async (what: () => Promise<unknown>, field: RegExp) => {
      const error = await what().then(
        () => assert.fail('expected a refusal'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CardflowInputError, String(error));
      assert.ok(
        error.issues.some((i) => field.test(i.path)),
        JSON.stringify(error.issues),
      );
      return error;
    };
    const email = await refused(
      () =>
        offline.startKyc({
          provider: 'wasabi',
          customerRef: 'someone@example.com',
          cardTypeId: CARD_TYPE,
          applicant: applicant('bad'),
        }),
      /^customerRef$/,
    );
    assert.doesNotMatch(email.message, /someone@example\.com/);
    await refused(
      () =>
        offline.startDeposit({
          provider: 'wasabi',
          cardRef: 'c1',
          depositRef: 'd1',
          amount: '-5',
          currency: 'USD',
        }),
      /^amount$/,
    );
    await refused(
      () =>
        offline.accountDeposit(
          { provider: 'wasabi', cardRef: 'c1', customerRef: 'x1', currency: 'USD' },
          { depositRef: 'd 1', amount: '1' },
        ),
      /^depositRef$/,
    );
    await refused(
      () => offline.submitActivationCode({ provider: 'kazepay', customerRef: 'c', requestRef: 'r' }, '!'),
      /^code$/,
    );
    await refused(
      () => offline.providePin({ provider: 'kazepay', customerRef: 'c', requestRef: 'r' }, '1234'),
      /^pinHandle$/,
    );
    await refused(() => offline.list({ state: "PASSED' OR 1=1" }), /^state$/);
    assert.equal(calls, 0, 'nothing reached the Temporal client');
  });
});

describe('cardflow worker (the command)', () => {
  test('runs from the environment, answers /health, and exits 0 on SIGTERM within the grace period', async () => {
    const health = `127.0.0.1:${await freePort()}`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot(), 'src', 'cli', 'main.ts'), 'worker'],
      {
        cwd: projectRoot(),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...workerEnv,
          CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: health,
          CARDFLOW_METRICS_BIND_ADDRESS: 'off',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      await eventually(
        'the worker command healthy',
        async () => {
          const answer = await fetch(`http://${health}/health`).catch(() => undefined);
          return answer?.status === 200 ? true : undefined;
        },
        60_000,
      );
      // It polls the same task queue: a flow completes while both workers run.
      const kyc = await cardflow.startKyc({
        provider: 'wasabi',
        customerRef: ref('cmd'),
        cardTypeId: CARD_TYPE,
        applicant: applicant('cmd'),
        review: FAST,
      });
      assert.equal((await kyc.result()).outcome, 'PASSED');
      const started = Date.now();
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.ok(Date.now() - started < GRACE_MS + 3000, `exit took ${Date.now() - started} ms`);
      assert.doesNotMatch(stderr, /PRIVATE KEY|test-only-public:/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('shutdown', () => {
  test('a SIGTERM-style shutdown completes within the grace period and stops the health endpoint', async () => {
    const started = Date.now();
    await worker.shutdown();
    await worker.done;
    assert.ok(Date.now() - started < GRACE_MS + 2000, `shutdown took ${Date.now() - started} ms`);
    assert.equal(worker.state().status, 'STOPPED');
    await assert.rejects(fetch(`http://${worker.healthAddress}/health`));
  });
});
