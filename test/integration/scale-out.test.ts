// Scale-out without Docker: one dev server, both sandboxes, a throw-away Redis, `cardflow api` and
// two separate `cardflow worker` processes configured only through environment variables (keys as
// *_FILE, the pre-built workflow bundle), as the compose file runs them. A batch of complete
// lifecycles goes through the API; in the middle, one KazePay recharge (a call KazePay cannot
// deduplicate) is applied by the sandbox but left unanswered, the worker running that activity
// (found from its lastWorkerIdentity) is killed with SIGKILL, and every lifecycle finishes on the
// other worker: the retry there must not send the recharge again but answer "ambiguous", and the
// flow reconciles by reading. The sandbox ledgers prove no provider effect happened twice.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowIds } from '../../src/contract';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { startKazepaySandbox, type KazepaySandbox } from '../../tools/sandbox/kazepay/server';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi';
import { formatKeyEntry, generateCodecKey } from '../../src/security/codec-keys';
import { applicant, JPEG, PNG, uniqueRef } from '../helpers/lifecycle-env';
import { prerequisite } from '../helpers/prerequisites';
import { startDevServerEnv } from '../helpers/temporal-env';
import { startTestRedis, type TestRedis } from '../../tools/dev/redis-server';

const root = join(__dirname, '..', '..');
// Missing redis-server fails the test (naming the install command) unless CARDFLOW_SKIP_REDIS=1.
const redisServer = prerequisite('redis');
const TOKEN = `scale-${randomBytes(24).toString('hex')}`;
const FAST = { pollInterval: '100ms' };
// A KazePay close or recharge in flight on the killed worker times out (30 s), is answered
// ambiguous on the survivor, and is reconciled: two reads 30 s apart by default would outlast the
// test's wait, so the settle before each read is shortened (the path stays the same).
const SETTLE_FAST = { settle: '2s' };
const WASABI_LIFECYCLES = 8;
const KAZEPAY_LIFECYCLES = 6;
/** The fault is armed once this many deposits have settled (work done before the kill). */
const DEPOSITS_BEFORE_KILL = 3;

interface Child {
  name: string;
  process: ChildProcess;
  /** `pid@hostname`: the SDK's default worker identity. */
  identity: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function spawnCardflow(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    stream?.on('data', (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      if (output.length > 200) output.splice(0, output.length - 200);
    });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() })),
  );
  return { name, process: child, identity: `${child.pid}@${hostname()}`, output, exited };
}

async function waitForLine(child: Child, pattern: RegExp, timeoutMs = 90_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let gone = false;
  void child.exited.then(() => (gone = true));
  for (;;) {
    const line = child.output.find((l) => pattern.test(l));
    if (line) return line;
    if (gone || Date.now() > until)
      assert.fail(`${child.name} never printed ${pattern}:\n${child.output.slice(-30).join('\n')}`);
    await sleep(100);
  }
}

const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

let dir: string;
let env: TestWorkflowEnvironment;
let redis: TestRedis;
let kazepay: KazepaySandbox;
let wasabi: WasabiSandbox;
let api: Child;
let workers: Child[] = [];
let apiUrl: string;
let setupMs = 0;

before(async () => {
  if (!redisServer.path) return;
  const setupStarted = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'cardflow-scale-out-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const pair = (bits: number) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    return {
      privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  };
  const kazepayMerchant = pair(2048);
  const wasabiMerchant = pair(1024);
  const bundle = bundleWorkflowCode(productBundleOptions({ logger: quietBundler }));
  [env, redis, kazepay, wasabi] = await Promise.all([
    startDevServerEnv(),
    startTestRedis(redisServer.path),
    startKazepaySandbox({
      merchantPublicKey: kazepayMerchant.publicPem,
      dataDir: dir,
      timeScale: 0.01,
      // The unanswered call's socket is dropped after 20 s, as below.
      hangMs: 20_000,
    }),
    startWasabiSandbox({
      merchantPublicKey: wasabiMerchant.publicPem,
      // The unanswered call's socket is dropped after 20 s (the default minute would hold the
      // test process open after the test).
      hangMs: 20_000,
      platformKeyBits: 1024,
      timeScale: 0.01,
      webhookTimeScale: 0.00001,
    }),
  ]);
  mkdirSync(join(dir, 'documents'));
  // Every process gets the same settings, secrets as files: what docker-compose.yml gives them.
  const shared: NodeJS.ProcessEnv = {
    CARDFLOW_LOG_LEVEL: 'info',
    CARDFLOW_DATA_DIR: join(dir, 'data'),
    CARDFLOW_DOCUMENTS_DIR: join(dir, 'documents'),
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    CARDFLOW_CODEC_KEYS_FILE: file('codec_keys', formatKeyEntry(generateCodecKey('scale'))),
    CARDFLOW_SECRET_STORE: 'redis',
    CARDFLOW_REDIS_URL: redis.url,
    CARDFLOW_SECRET_STORE_KEY_FILE: file('secret_store_key', randomBytes(32).toString('base64')),
    KAZEPAY_BASE_URL: `${kazepay.url}/api/gateway`,
    KAZEPAY_SYS_ID: kazepay.sysId,
    KAZEPAY_MERCHANT_PRIVATE_KEY_FILE: file('kazepay-merchant.pem', kazepayMerchant.privatePem),
    KAZEPAY_PLATFORM_PUBLIC_KEY_FILE: file('kazepay-platform.pub', kazepay.platformPublicKeyBase64),
    KAZEPAY_TIMEOUT: '10s',
    WASABI_BASE_URL: wasabi.url,
    WASABI_API_KEY_FILE: file('wasabi-api-key', wasabi.apiKey),
    WASABI_MERCHANT_PRIVATE_KEY_FILE: file('wasabi-merchant.pem', wasabiMerchant.privatePem),
    WASABI_PLATFORM_PUBLIC_KEY_FILE: file('wasabi-platform.pub', wasabi.platformPublicKeyDer),
    // Long enough that the unanswered deposit call is still waiting when its worker is killed.
    WASABI_TIMEOUT: '25s',
  };
  api = spawnCardflow('api', ['api'], {
    ...shared,
    CARDFLOW_API_BIND_ADDRESS: '127.0.0.1:0',
    CARDFLOW_API_TOKENS_FILE: file('api_tokens', TOKEN),
  });
  const bundlePath = file('workflow-bundle.js', (await bundle).code);
  workers = ['worker-a', 'worker-b'].map((name) =>
    spawnCardflow(name, ['worker'], {
      ...shared,
      CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: '127.0.0.1:0',
      CARDFLOW_METRICS_BIND_ADDRESS: 'off',
      CARDFLOW_WORKFLOW_BUNDLE: 'prebuilt',
      CARDFLOW_WORKFLOW_BUNDLE_PATH: bundlePath,
      CARDFLOW_WORKER_MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: 'off',
      CARDFLOW_WORKER_SHUTDOWN_GRACE: '2s',
    }),
  );
  const listening = await waitForLine(api, /cardflow API on (http:\/\/\S+)/);
  apiUrl = (/cardflow API on (http:\/\/\S+?) /.exec(listening) as RegExpExecArray)[1] as string;
  await Promise.all(workers.map((w) => waitForLine(w, /worker running/)));
  wasabi.control.webhookUrl = `${apiUrl}/webhooks/wasabi`;
  setupMs = Date.now() - setupStarted;
});

after(async () => {
  for (const child of [...workers, api].filter(Boolean)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
    await child.exited;
    clearTimeout(timer);
  }
  await Promise.all([kazepay?.close(), wasabi?.close(), redis?.stop()]);
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const enc = encodeURIComponent;
let transient503 = 0;

// JSON answers are read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Json> {
  const { status, text } = await send(method, path, body, contentType);
  if (status >= 300) assert.fail(`${method} ${path}: ${status} ${text}`);
  return JSON.parse(text);
}

async function send(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** GET /flows/:id until the flow has ended (a lifecycle may wait out a killed worker's timeout). */
async function finished(workflowId: string, timeoutMs = 90_000): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // A deposit or closure followed after a 202 may not have started yet: 404 until it has. A
    // running flow's state query may find no worker for a moment after the kill (its sticky worker
    // is gone): 503, retry, as the API asks.
    const { status, text } = await send('GET', `/flows/${enc(workflowId)}`);
    if (status === 503) transient503 += 1;
    else if (status !== 200 && status !== 404) assert.fail(`GET /flows/${workflowId}: ${status} ${text}`);
    const flow = status === 200 ? JSON.parse(text) : undefined;
    if (flow && flow.status !== 'RUNNING') return flow;
    if (Date.now() > until) assert.fail(`${workflowId} still running`);
    await sleep(150);
  }
}

/** Settles once the fault is armed: a KazePay lifecycle deposits only then, and gets it. */
let armFault!: () => void;
const faultArmed = new Promise<void>((resolve) => (armFault = resolve));
/** Settles once a worker is killed: the last lifecycles deposit and close only then. */
let markKilled!: () => void;
const killDone = new Promise<void>((resolve) => (markKilled = resolve));
async function awaitOr(gate: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      gate,
      new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(`${what} never happened`)), 90_000))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
let depositsSettled = 0;
const onDepositSettled = () => {
  depositsSettled += 1;
  if (depositsSettled === DEPOSITS_BEFORE_KILL) {
    kazepay.control.faults.script('cardRecharge', 'applied-no-answer');
    armFault();
  }
};

/** KazePay deposit flows in flight (their ids from the API's 202), where the kill looks. */
const kazepayDepositsInFlight = new Set<string>();

async function accountUpdate(provider: string, cardRef: string, action: string, body: object) {
  const accepted = await call('POST', `/card-accounts/${provider}/${cardRef}/${action}?wait=false`, body);
  const follow = accepted.follow as string;
  const tracked = provider === 'kazepay' && action === 'deposit';
  if (tracked) kazepayDepositsInFlight.add(follow);
  try {
    return await finished(follow);
  } finally {
    if (tracked) kazepayDepositsInFlight.delete(follow);
  }
}

async function wasabiLifecycle(i: number) {
  const customerRef = uniqueRef(`so-w${i}`);
  const kyc = await call('POST', '/flows/kyc', {
    provider: 'wasabi',
    customerRef,
    cardTypeId: '111065',
    applicant: applicant(`so-w${i}`),
    review: FAST,
  });
  const passed = await finished(kyc.workflowId);
  assert.equal(passed.result?.outcome, 'PASSED', JSON.stringify(passed));
  const issuance = await call('POST', '/flows/issuance', {
    provider: 'wasabi',
    customerRef,
    requestRef: uniqueRef('iss'),
    cardTypeId: '111065',
    initialDeposit: '50',
    holderId: passed.result.holderId,
    order: FAST,
  });
  const issued = await finished(issuance.workflowId);
  assert.equal(issued.result?.outcome, 'ISSUED', JSON.stringify(issued));
  // The card id as the CardRef search attribute (never redacted; `result` goes through redaction).
  const cardNo = issued.cardRef as string;
  if (i >= WASABI_LIFECYCLES - 2) await awaitOr(killDone, 'the kill');
  else if (i >= WASABI_LIFECYCLES - 4) await awaitOr(faultArmed, 'arming the fault');
  const depositRef = uniqueRef('dep');
  const deposit = await accountUpdate('wasabi', cardNo, 'deposit', {
    depositRef,
    amount: '100',
    account: { customerRef, currency: 'USD', settlement: FAST, completion: FAST },
  });
  assert.equal(deposit.result?.outcome, 'SETTLED', JSON.stringify(deposit));
  onDepositSettled();
  const closed = await accountUpdate('wasabi', cardNo, 'close', {});
  assert.equal(closed.result?.outcome, 'CLOSED', JSON.stringify(closed));
  assert.equal((await finished(workflowIds.cardAccount('wasabi', cardNo))).status, 'COMPLETED');
  return { provider: 'wasabi' as const, cardRef: cardNo, depositWorkflowId: deposit.workflowId as string };
}

async function kazepayLifecycle(i: number) {
  const customerRef = uniqueRef(`so-k${i}`);
  const person = applicant(`so-k${i}`);
  // Uploaded to the API process, read by whichever worker process runs the KYC.
  const front = await call('POST', '/documents', PNG, 'image/png');
  const selfie = await call('POST', '/documents', JPEG, 'image/jpeg');
  const kyc = await call('POST', '/flows/kyc', {
    provider: 'kazepay',
    customerRef,
    applicant: person,
    documents: { front: { ref: front.ref }, selfie: { ref: selfie.ref } },
    review: FAST,
  });
  assert.equal((await finished(kyc.workflowId)).result?.outcome, 'PASSED');
  const activation = await call('POST', '/flows/activation', {
    provider: 'kazepay',
    customerRef,
    requestRef: uniqueRef('act'),
    email: person.email,
    cardNumber: kazepay.control.addPhysicalCard(),
    activation: FAST,
  });
  let cardId: string | undefined;
  for (let n = 0; !cardId; n++) {
    const flow = await call('GET', `/flows/${enc(activation.workflowId)}`);
    if (flow.state?.state === 'WAITING_FOR_ACTIVATION_CODE' && flow.cardRef) cardId = flow.cardRef as string;
    else if (n > 600)
      assert.fail(`${activation.workflowId} never waited for the code: ${JSON.stringify(flow)}`);
    else await sleep(100);
  }
  // The PIN goes into Redis in the API process and is redeemed by a worker process.
  const pin = String(100000 + i * 7919).slice(0, 6);
  const code = kazepay.control.takeActivationCode(cardId) as string;
  const sent = await call('POST', `/flows/${enc(activation.workflowId)}/activation-code`, { code, pin });
  assert.equal(sent.accepted, true);
  const active = await finished(activation.workflowId);
  assert.deepEqual([active.result?.outcome, active.result?.pinSet], ['ACTIVE', true]);
  assert.ok(kazepay.control.pinMatches(cardId, pin), 'the PIN set is the one given to the API');
  if (i >= KAZEPAY_LIFECYCLES / 2) await awaitOr(killDone, 'the kill');
  else if (i === KAZEPAY_LIFECYCLES / 2 - 1) await awaitOr(faultArmed, 'arming the fault');
  const deposit = await accountUpdate('kazepay', cardId, 'deposit', {
    depositRef: uniqueRef('kdep'),
    amount: '40.00',
    account: { customerRef, currency: 'USD', settlement: FAST, completion: FAST, reconcile: SETTLE_FAST },
  });
  assert.equal(deposit.result?.outcome, 'SETTLED', JSON.stringify(deposit));
  onDepositSettled();
  const closed = await accountUpdate('kazepay', cardId, 'close', {});
  assert.equal(closed.result?.outcome, 'CLOSED', JSON.stringify(closed));
  return { provider: 'kazepay' as const, cardRef: cardId, depositWorkflowId: deposit.workflowId as string };
}

/** Kills the worker running the unanswered deposit call; answers what happened. */
async function killTheWorkerInTheMiddle() {
  await faultArmed;
  const pending = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  const until = Date.now() + 60_000;
  for (;;) {
    const hung = kazepay.control.faults.history.find(
      (f) => f.operation === 'cardRecharge' && f.kind === 'applied-no-answer',
    );
    // The unanswered call is the KazePay recharge activity still running a second after the
    // sandbox took it (status polls last milliseconds; the client gives up after 10 s).
    if (hung && Date.now() > Date.parse(hung.at) + 1000) {
      for (const workflowId of kazepayDepositsInFlight) {
        const info = { workflowId };
        const described = await env.client.workflow
          .getHandle(workflowId)
          .describe()
          .catch(() => undefined);
        if (!described) continue; // not started yet (the account starts it a moment after the 202)
        for (const activity of described.raw.pendingActivities ?? []) {
          const victim = workers.find((w) => w.identity === activity.lastWorkerIdentity);
          const startedAt = Number(activity.lastStartedTime?.seconds ?? 0) * 1000;
          if (activity.state === pending && victim && startedAt <= Date.parse(hung.at)) {
            const at = Date.now();
            victim.process.kill('SIGKILL');
            markKilled();
            return {
              victim,
              survivor: workers.find((w) => w !== victim) as Child,
              at,
              workflowId: info.workflowId,
              activityType: activity.activityType?.name ?? '',
              depositsSettledBefore: depositsSettled,
            };
          }
        }
      }
    }
    if (Date.now() > until) assert.fail('the unanswered recharge never showed as a started activity');
    await sleep(200);
  }
}

test(
  'two worker processes and the API: one worker SIGKILLed mid-batch, every lifecycle finishes on the other, no provider effect twice',
  {
    skip: redisServer.skip,
    timeout: 170_000,
  },
  async () => {
    redisServer.require();
    const started = Date.now();
    const kazepayMerchantStart = kazepay.control.merchantBalance();
    const killing = killTheWorkerInTheMiddle();
    killing.catch(() => undefined);
    const runs = [
      ...Array.from({ length: WASABI_LIFECYCLES }, (_, i) => sleep(i * 200).then(() => wasabiLifecycle(i))),
      ...Array.from({ length: KAZEPAY_LIFECYCLES }, (_, i) =>
        sleep(i * 200 + 100).then(() => kazepayLifecycle(i)),
      ),
    ];
    const settled = await Promise.allSettled(runs);
    const failures = settled.flatMap((s, i) =>
      s.status === 'rejected' ? [`#${i}: ${String(s.reason)}`] : [],
    );
    assert.deepEqual(failures, [], failures.join('\n'));
    const lifecycles = settled.map(
      (s) => (s as PromiseFulfilledResult<Awaited<(typeof runs)[number]>>).value,
    );
    const kill = await killing;
    const elapsed = Date.now() - started;

    // The killed worker died of the SIGKILL; the other one is still polling.
    const death = await kill.victim.exited;
    assert.equal(death.signal, 'SIGKILL');
    assert.equal(kill.survivor.process.exitCode, null, 'the surviving worker still runs');
    assert.ok(kill.activityType.length > 0);

    // Who ran what, from the histories: tasks completed per worker identity before and after the
    // kill. Both workers completed work before it; after it only the survivor completes anything.
    // (A task the server handed to the dead worker's last polls is recorded as started by it, then
    // times out and runs again on the survivor: counted as `lost`.)
    const completed = new Map<string, { before: number; after: number }>();
    const lost = new Map<string, number>();
    let retriedOnSurvivor = false;
    let ambiguousRetry = false;
    const timeOf = (event: temporal.api.history.v1.IHistoryEvent) =>
      Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
    for await (const info of env.client.workflow.list({ query: 'ExecutionStatus!="Running"' })) {
      const history = await env.client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const identity =
          event.workflowTaskCompletedEventAttributes?.identity ??
          event.activityTaskCompletedEventAttributes?.identity ??
          event.activityTaskFailedEventAttributes?.identity;
        if (identity) {
          const counts = completed.get(identity) ?? { before: 0, after: 0 };
          // A completion the worker had sent before it died may reach the server just after.
          counts[timeOf(event) < death.at + 500 ? 'before' : 'after'] += 1;
          completed.set(identity, counts);
        }
        const startedBy =
          event.workflowTaskStartedEventAttributes?.identity ??
          event.activityTaskStartedEventAttributes?.identity;
        if (startedBy && timeOf(event) >= kill.at) lost.set(startedBy, (lost.get(startedBy) ?? 0) + 1);
        // The flow whose recharge was left unanswered: finished by the survivor. Its retry of the
        // recharge found no "not applied" mark from the dead attempt, so it did not send but
        // answered ProviderAmbiguousError, and the flow reconciled by reading the transactions.
        if (info.workflowId === kill.workflowId) {
          const failed = event.activityTaskFailedEventAttributes;
          if (
            (failed?.identity ?? event.workflowTaskCompletedEventAttributes?.identity) ===
            kill.survivor.identity
          )
            retriedOnSurvivor = true;
          if (
            failed?.identity === kill.survivor.identity &&
            failed.failure?.applicationFailureInfo?.type === 'ProviderAmbiguousError'
          )
            ambiguousRetry = true;
        }
      }
    }
    const victim = completed.get(kill.victim.identity) ?? { before: 0, after: 0 };
    const survivor = completed.get(kill.survivor.identity) ?? { before: 0, after: 0 };
    // No provider effect twice: per card, exactly the expected movements, each order once.
    const duplicates: string[] = [];
    const wasabiEntries = wasabi.control.ledgerSnapshot().entries;
    const kazepayEntries = kazepay.control.ledger.snapshot().entries;
    for (const life of lifecycles) {
      const account = `card:${life.cardRef}`;
      const entries = life.provider === 'wasabi' ? wasabiEntries : kazepayEntries;
      const into = entries.filter((e) => e.to === account);
      const outOf = entries.filter((e) => e.from === account);
      // WasabiCard: the initial deposit and the deposit settle into the card; KazePay: the deposit.
      const expectedIn = life.provider === 'wasabi' ? 2 : 1;
      const refsIn = new Set(into.map((e) => e.ref));
      if (into.length !== expectedIn || refsIn.size !== into.length)
        duplicates.push(
          `${life.provider} ${life.cardRef}: ${into.length} credits (${[...refsIn].join(', ')})`,
        );
      // Closure: the card's whole balance leaves once.
      if (outOf.filter((e) => /cancel|close/.test(e.kind)).length !== 1)
        duplicates.push(
          `${life.provider} ${life.cardRef}: ${outOf.map((e) => e.kind).join(', ')} out of the card`,
        );
    }

    console.log(
      `scale-out: set-up ${setupMs} ms; ${lifecycles.length} lifecycles (${WASABI_LIFECYCLES} WasabiCard, ${KAZEPAY_LIFECYCLES} KazePay) in ${elapsed} ms; ` +
        `${kill.victim.name} SIGKILLed ${kill.at - started} ms in, after ${kill.depositsSettledBefore} deposits settled, ` +
        `while running ${kill.activityType} of ${kill.workflowId}; tasks completed before/after the kill: ` +
        `${kill.victim.name} ${victim.before}/${victim.after}, ${kill.survivor.name} ${survivor.before}/${survivor.after} ` +
        `(tasks handed to the dead worker and redone: ${lost.get(kill.victim.identity) ?? 0}); ` +
        `duplicate provider effects: ${duplicates.length}; transient 503 answers while polling: ${transient503}`,
    );
    assert.ok(victim.before > 0, 'the killed worker had completed tasks');
    assert.equal(victim.after, 0, 'nothing completed by the killed worker after the kill');
    assert.ok(survivor.before > 0 && survivor.after > 0, 'the survivor worked before and after the kill');
    assert.ok(retriedOnSurvivor, 'the flow of the unanswered recharge was finished by the surviving worker');
    assert.ok(
      ambiguousRetry,
      "the survivor's retry answered ambiguous instead of sending the recharge again",
    );

    assert.deepEqual(duplicates, [], 'every provider effect applied once');
    assert.equal(wasabi.control.ledgerSnapshot().balanced, true);
    assert.equal(kazepay.control.ledger.snapshot().balanced, true);
    assert.equal(kazepay.control.merchantBalance(), kazepayMerchantStart, 'every KazePay cent came back');
  },
);
