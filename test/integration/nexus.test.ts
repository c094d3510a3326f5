// The `cardflow` Nexus service on a dev server, called from another namespace (`onboarding`) by
// the onboarding example (tools/onboarding), against the WasabiCard sandbox. The caller holds its
// own keys and the exchange keyring, never cardflow's payload keys. Checks: the caller's workflow
// completes with cardflow's results; a repeated deposit ref moves money once (the sandbox's own
// order book); cancelling the caller cancels the KYC it waits on; a worker replaced on either side
// mid-flow loses nothing; no payload of either namespace's history is readable without the keys.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { createCardflowClient, type CardflowClient } from '../../src/client';
import { type DepositInput, TASK_QUEUE, workflowIds } from '../../src/contract';
import { ensureNexusEndpoint } from '../../src/nexus/endpoint';
import { cardflowExchangeScope } from '../../src/nexus/exchange-scope';
import { loadWorkerSettings, type RunningWorker, startWorker } from '../../src/runtime/worker';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import {
  type CodecKeyring,
  createKeyring,
  formatKeyEntry,
  generateCodecKey,
} from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import {
  ONBOARDING_NAMESPACE,
  ONBOARDING_TASK_QUEUE,
  type OnboardingInput,
  type OnboardingResult,
  type OnboardingWorker,
  onboardingClient,
  startOnboarding,
  startOnboardingWorker,
} from '../../tools/onboarding/worker';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyKeyring } from '../helpers/test-data-converter';

const CARD_TYPE = '111065';
const FAST = { pollInterval: '100ms' };
/** A name only this run's applicants carry (letters only, as WasabiCard wants): found in clear, the test fails. */
const CANARY = `Canary${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;

let n = 0;
const ref = (tag: string) => `${tag}-${Date.now().toString(36)}-${++n}`;
const applicant = () => ({
  email: `nexus.${Date.now()}.${++n}@example.com`,
  mobile: { prefix: '60', number: '123456789', country: 'MY' },
  firstName: 'Ada',
  lastName: CANARY,
  dateOfBirth: '1985-12-10',
  address: { line: '12 Jalan Ampang', city: 'Kuala Lumpur', state: 'WP', postCode: '50450', country: 'MY' },
  identification: { type: 'PASSPORT' as const, number: 'A1234567', expiryDate: '2031-05-01' },
  nationality: 'MY',
});
const onboardingInput = (customerRef = ref('onb')): OnboardingInput => ({
  customerRef,
  applicant: applicant(),
  cardTypeId: CARD_TYPE,
  initialDeposit: '50',
  firstDeposit: { depositRef: ref('first'), amount: '30', currency: 'USD' },
  waits: FAST,
});
const keyringOf = (prefix: string): CodecKeyring => {
  const key = generateCodecKey(prefix);
  return createKeyring([key], key.id);
};

const quietBundler = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let env: TestWorkflowEnvironment;
let wasabi: WasabiSandbox;
let dataDir: string;
let secrets: MemorySecretStore;
let workerEnv: Record<string, string>;
let cardflowWorker: RunningWorker;
let callerConnection: NativeConnection;
let callerWorker: OnboardingWorker;
let caller: Client;
let cardflow: CardflowClient;
const cardflowKeys = testOnlyKeyring();
const exchangeKeys = keyringOf('exchange');
const onboardingKeys = keyringOf('onboarding');
const callerKeys = { own: onboardingKeys, exchange: exchangeKeys };

let workflowBundle: { code: string };
const startCardflowWorker = () => startWorker(loadWorkerSettings(workerEnv), { secrets, workflowBundle });
const startCallerWorker = () => startOnboardingWorker(callerConnection, callerKeys);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cardflow-nexus-'));
  // cardflow's own side holds its keys and the exchange keyring.
  env = await startDevServerEnv(['--namespace', ONBOARDING_NAMESPACE], {
    dataConverter: createDataConverter(cardflowKeys, cardflowExchangeScope(exchangeKeys)),
  });
  cardflow = createCardflowClient({ client: env.client });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  wasabi = await startWasabiSandbox({
    merchantPublicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformKeyBits: 1024,
    timeScale: 0.01,
    webhookTimeScale: 0.00001,
  });
  const entries = (k: CodecKeyring) => [...k.keys].map(([id, key]) => formatKeyEntry({ id, key })).join(',');
  workerEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    CARDFLOW_LOG_LEVEL: 'warn',
    CARDFLOW_DATA_DIR: dataDir,
    CARDFLOW_METRICS_BIND_ADDRESS: 'off',
    CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: 'off',
    CARDFLOW_WORKER_SHUTDOWN_GRACE: '2s',
    CARDFLOW_CODEC_KEYS: entries(cardflowKeys),
    CARDFLOW_CODEC_CURRENT_KEY_ID: cardflowKeys.currentKeyId,
    CARDFLOW_NEXUS_EXCHANGE_KEYS: entries(exchangeKeys),
    WASABI_BASE_URL: wasabi.url,
    WASABI_API_KEY: wasabi.apiKey,
    WASABI_MERCHANT_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    WASABI_PLATFORM_PUBLIC_KEY: wasabi.platformPublicKeyDer,
    WASABI_TIMEOUT: '2s',
  };
  secrets = new MemorySecretStore();
  // Bundled once: a replacement worker starts in a second, as a deployed one loads its pre-built bundle.
  workflowBundle = await bundleWorkflowCode(productBundleOptions({ logger: quietBundler }));
  assert.equal(
    await ensureNexusEndpoint(env.connection, { namespace: 'default', taskQueue: TASK_QUEUE }),
    'created',
  );
  assert.equal(
    await ensureNexusEndpoint(env.connection, { namespace: 'default', taskQueue: TASK_QUEUE }),
    'unchanged',
  );
  callerConnection = await NativeConnection.connect({ address: env.address });
  [cardflowWorker, callerWorker] = await Promise.all([startCardflowWorker(), startCallerWorker()]);
  caller = onboardingClient(env.connection, callerKeys);
});

after(async () => {
  await Promise.all([cardflowWorker?.shutdown(), callerWorker?.shutdown()]);
  await callerConnection?.close();
  await Promise.all([wasabi?.close(), secrets?.close()]);
  await env?.teardown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The sandbox's own deposit orders on a card. */
const depositOrders = (cardNo: string) =>
  (
    wasabi.control.state().orders as Array<{ type: string; cardNo: string | null; merchantOrderNo: string }>
  ).filter((o) => o.type === 'deposit' && o.cardNo === cardNo);

/** Every payload of a history, read raw (undecoded) from the server. */
async function rawPayloads(namespace: string, workflowId: string) {
  const payloads: Array<{
    path: string;
    metadata?: Record<string, Uint8Array> | null;
    data?: Uint8Array | null;
  }> = [];
  const bytes: Buffer[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await env.connection.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    const walk = (value: unknown, path: string): void => {
      if (value instanceof Uint8Array) bytes.push(Buffer.from(value));
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`));
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if ('metadata' in record && 'data' in record && record.data instanceof Uint8Array)
          payloads.push({ ...(record as Omit<(typeof payloads)[number], 'path'>), path });
        Object.entries(record).forEach(([k, v]) => walk(v, `${path}.${k}`));
      } else if (typeof value === 'string') bytes.push(Buffer.from(value));
    };
    walk(page.history?.events ?? [], '');
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { payloads, text: Buffer.concat(bytes).toString('latin1') };
}

const meta = (p: { metadata?: Record<string, Uint8Array> | null }, key: string) =>
  Buffer.from(p.metadata?.[key] ?? []).toString();

let completed: { input: OnboardingInput; result: OnboardingResult };

describe('cardflow through Nexus', () => {
  test('the onboarding workflow completes: KYC, a virtual card, a first deposit', async () => {
    const input = onboardingInput();
    const handle = await startOnboarding(caller, input);
    const result = (await handle.result()) as OnboardingResult;
    assert.equal(result.kyc.outcome, 'PASSED');
    assert.equal(result.card?.outcome, 'ISSUED');
    assert.ok(result.card?.cardRef);
    assert.equal(result.deposit?.outcome, 'SETTLED');
    assert.deepEqual([result.deposit?.amount, result.deposit?.currency], ['30', 'USD']);
    assert.equal(result.deposit?.depositRef, input.firstDeposit.depositRef);
    // The flows are cardflow's own, under the ids every door uses.
    const deposit = cardflow.deposit(
      { provider: 'wasabi', cardRef: result.card.cardRef },
      input.firstDeposit.depositRef,
    );
    assert.deepEqual(await deposit.result(), result.deposit);
    assert.equal(depositOrders(result.card.cardRef).length, 1);
    completed = { input, result };
  });

  test('payloads stay encrypted in both namespaces; the caller never sees a cardflow key', async () => {
    const { input, result } = completed;
    const cardRef = result.card?.cardRef as string;
    const cardflowFlows = [
      workflowIds.kycVerification('wasabi', input.customerRef),
      workflowIds.virtualCardIssuance('wasabi', input.customerRef, `onboarding-${input.customerRef}`),
      workflowIds.cardDeposit('wasabi', cardRef, input.firstDeposit.depositRef),
    ];
    const callerSide = await rawPayloads(ONBOARDING_NAMESPACE, `onboarding:${input.customerRef}`);
    assert.ok(callerSide.payloads.length >= 7, 'input, three operations in and out, the result');
    for (const p of callerSide.payloads) {
      assert.equal(meta(p, 'encoding'), 'binary/encrypted');
      assert.ok(
        [...exchangeKeys.keys.keys(), ...onboardingKeys.keys.keys()].includes(meta(p, 'encryption-key-id')),
        `caller payload under ${meta(p, 'encryption-key-id')}`,
      );
    }
    assert.ok(!callerSide.text.includes(CANARY), 'no applicant name in the caller history');
    const cardflowKeyIds = new Set<string>();
    for (const workflowId of cardflowFlows) {
      const side = await rawPayloads('default', workflowId);
      // Search attributes are opaque references, readable by design (visibility needs them). A
      // patch marker's data is written by the SDK's core, past the codec: it holds the patch id only.
      const patchData = side.payloads.filter((p) => p.path.includes('.patch-data.'));
      for (const p of patchData) {
        assert.match(
          Buffer.from(p.data ?? []).toString(),
          /^\{"id":"[a-z0-9-]+","deprecated":(true|false)\}$/,
          `${workflowId}: ${p.path}`,
        );
      }
      const coded = side.payloads.filter(
        (p) => !p.path.includes('.searchAttributes.') && !patchData.includes(p),
      );
      for (const p of coded) {
        assert.equal(meta(p, 'encoding'), 'binary/encrypted', `${workflowId}: ${p.path}`);
        cardflowKeyIds.add(meta(p, 'encryption-key-id'));
      }
      assert.ok(!side.text.includes(CANARY), `no applicant name in ${workflowId}`);
    }
    // What the providers answered (activity payloads) stays under cardflow's own key.
    assert.deepEqual(
      [...cardflowKeyIds].sort(),
      [cardflowKeys.currentKeyId, exchangeKeys.currentKeyId].sort(),
    );
  });

  test('a repeated deposit ref moves money once, ended or running; other terms are refused', async () => {
    const { input, result } = completed;
    const cardRef = result.card?.cardRef as string;
    const deposit = (depositRef: string, amount = '10'): DepositInput => ({
      provider: 'wasabi',
      cardRef,
      depositRef,
      amount,
      currency: 'USD',
      settlement: FAST,
    });
    const topUp = (args: DepositInput, id: string) =>
      caller.workflow.execute('topUp', { workflowId: id, taskQueue: ONBOARDING_TASK_QUEUE, args: [args] });
    // The onboarding's deposit ended: a repeat answers it.
    const again = await topUp(deposit(input.firstDeposit.depositRef, '30'), ref('again'));
    assert.deepEqual(again, result.deposit);
    // A new ref asked twice at once: one flow, one order.
    const fresh = ref('fresh');
    const before = depositOrders(cardRef).length;
    const [a, b] = await Promise.all([topUp(deposit(fresh), ref('a')), topUp(deposit(fresh), ref('b'))]);
    assert.deepEqual(a, b);
    assert.equal(a.outcome, 'SETTLED');
    assert.equal(depositOrders(cardRef).length, before + 1, 'the fresh deposit, once');
    // The same ref with another amount: a failed operation, nothing sent.
    await assert.rejects(topUp(deposit(fresh, '11'), ref('other')), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      const operation = error.cause as Error & { cause?: Error };
      assert.match(String(operation.cause?.message ?? operation.message), /already made for 10 USD/);
      return true;
    });
    assert.equal(depositOrders(cardRef).length, before + 1);
  });

  test('sync operations: the card account freezes and unfreezes, a flow is read; a bad input is BAD_REQUEST', async () => {
    const { input, result } = completed;
    const call = (operation: string, args: unknown) =>
      caller.workflow.execute('callCardflow', {
        workflowId: ref('call'),
        taskQueue: ONBOARDING_TASK_QUEUE,
        args: [operation, args],
      });
    const account = {
      provider: 'wasabi',
      cardRef: result.card?.cardRef,
      customerRef: input.customerRef,
      currency: 'USD',
      freezeOrder: FAST,
      settlement: FAST,
    };
    assert.deepEqual(await call('accountFreeze', account), { state: 'FROZEN' });
    assert.deepEqual(await call('accountUnfreeze', account), { state: 'ACTIVE' });
    const topUp = { depositRef: ref('acct'), amount: '10' };
    const viaAccount = (await call('accountDeposit', { account, deposit: topUp })) as { outcome: string };
    assert.equal(viaAccount.outcome, 'SETTLED');
    assert.deepEqual(await call('accountDeposit', { account, deposit: topUp }), viaAccount);
    const kyc = (await call('flowState', {
      workflowId: workflowIds.kycVerification('wasabi', input.customerRef),
    })) as { state: string };
    assert.equal(kyc.state, 'PASSED');
    const badRef = 'ada@example.com';
    await assert.rejects(
      call('kycVerification', {
        ...onboardingInput(),
        provider: 'wasabi',
        customerRef: badRef,
        cardTypeId: CARD_TYPE,
      }),
      (error: unknown) => {
        const chain: string[] = [];
        for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
          chain.push(`${(e as object).constructor.name}: ${e.message}`);
        const text = chain.join(' <- ');
        assert.match(text, /BAD_REQUEST|customerRef/, text);
        assert.ok(!text.includes(badRef), `no input value in the error: ${text}`);
        return true;
      },
    );
  });

  test('cancelling the caller cancels the KYC it waits on', async () => {
    wasabi.control.setTimings({ holderReviewStepMs: 600_000 });
    try {
      const input = onboardingInput();
      const handle = await startOnboarding(caller, input);
      const kyc = cardflow.kyc('wasabi', input.customerRef);
      await eventually('the KYC waiting for review', async () =>
        (await kyc.state()).state === 'WAITING_FOR_REVIEW' ? true : undefined,
      );
      await handle.cancel();
      await assert.rejects(handle.result(), (error: unknown) => {
        assert.ok(
          error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
          String(error),
        );
        return true;
      });
      const status = await eventually('the KYC cancelled', async () => {
        const { status } = await kyc.handle.describe();
        return status.name === 'RUNNING' ? undefined : status.name;
      });
      assert.equal(status, 'CANCELLED');
    } finally {
      wasabi.control.setTimings({ holderReviewStepMs: 2000 });
    }
  });

  test('a worker replaced on either side mid-flow loses nothing', async () => {
    wasabi.control.setTimings({ holderReviewStepMs: 200_000 });
    try {
      const input = onboardingInput();
      const handle = await startOnboarding(caller, input);
      const kyc = cardflow.kyc('wasabi', input.customerRef);
      await eventually('the KYC waiting for review', async () =>
        (await kyc.state()).state === 'WAITING_FOR_REVIEW' ? true : undefined,
      );
      // cardflow's worker goes while its KYC waits; a new one takes over.
      await cardflowWorker.shutdown();
      cardflowWorker = await startCardflowWorker();
      // The caller's worker goes while it waits on the card.
      const issuance = cardflow.issuance(input.customerRef, `onboarding-${input.customerRef}`);
      // The KYC must pass on the new worker first; on CI's loaded two cores that took over 30 s once.
      await eventually(
        'the card being opened',
        async () => ((await issuance.state()).state ? true : undefined),
        90_000,
      );
      await callerWorker.shutdown();
      callerWorker = await startCallerWorker();
      const result = (await handle.result()) as OnboardingResult;
      assert.deepEqual(
        [result.kyc.outcome, result.card?.outcome, result.deposit?.outcome],
        ['PASSED', 'ISSUED', 'SETTLED'],
      );
      assert.equal(depositOrders(result.card?.cardRef as string).length, 1);
    } finally {
      wasabi.control.setTimings({ holderReviewStepMs: 2000 });
    }
  });
});
