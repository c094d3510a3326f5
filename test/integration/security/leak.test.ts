// The leak test (issue 7, "Done when"): complete lifecycles through the real HTTP API, on a
// file-backed dev server, with the payload codec on, fed with canary values: card numbers (one
// given to the API, one issued by the WasabiCard sandbox with its CVV and expiry), a PIN, activation
// codes, two applicants' names, emails, phones, addresses and passport numbers, and document images
// carrying a canary byte string. Then none of the canaries (nor their base64) may be found in any
// workflow's raw history, its description (search attributes, memo, summary), the dev server's
// SQLite files, the engine's logs (worker, SDK, core and API, at debug level, through the engine's
// own pino logger), the dev server's own output (info level), or any API answer, errors included
// (bad requests carry the canaries on purpose).
// Positive controls prove the search and each source would show a leak.
import { capturedLogLines, engineLogger } from './leak-log-capture'; // first: installs the runtime
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowIds } from '../../../src/contract';
import { luhnValid } from '../../../src/contract/luhn';
import { freePort } from '../../../tools/dev/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../../tools/dev/temporal-server';
import { productBundleOptions } from '../../../src/runtime/workflow-bundle';
import { base64Forms, decodedBase64Runs } from '../../../tools/chaos/canaries';
import { createKeyring } from '../../../src/security/codec-keys';
import { createDataConverter } from '../../../src/security/data-converter';
import { applicant, LifecycleEnv } from '../../helpers/lifecycle-env';
import { type ApiUnderTest, startApi } from '../api/helpers';

// ---- canaries ----------------------------------------------------------------------------------
/** Completes a digit prefix with its Luhn check digit. */
function luhnComplete(prefix: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error('unreachable');
}
const PAN = luhnComplete('492736195804317'); // the printed card given to the API (KazePay)
const PAN_FAILING = luhnComplete('455281640397215'); // the card of the activation that fails
const PIN = '580264';
const WRONG_CODE = 'Zq7WrongCanary';
const DOC_CANARY = 'DOCCANARY-Vyxqolm-8f3a1c';
const PERSON = {
  ...applicant('leak'),
  email: 'zyxcanary.quolb@leak-canary.example',
  firstName: 'Zyxcanary',
  lastName: 'Quolb',
  mobile: { prefix: '60', number: '739184620', country: 'MY' },
  address: {
    line: '41 Quolbstrasse Zyxcanary',
    city: 'Kuala Lumpur',
    state: 'Wilayah Persekutuan',
    postCode: '50450',
    country: 'MY',
  },
  identification: { type: 'PASSPORT' as const, number: 'ZQ7731946', expiryDate: '2031-05-01' },
};
const REJECTED_PERSON = {
  ...applicant('leak-rejected'),
  email: 'vebmorint.plimbo@leak-canary.example',
  firstName: 'Vebmorint',
  lastName: 'Plimbo',
  mobile: { prefix: '60', number: '618273940', country: 'MY' },
  identification: { type: 'PASSPORT' as const, number: 'VX5518203', expiryDate: '2030-02-01' },
};
const PNG_DOC = Buffer.concat([
  Buffer.from('89504e470d0a1a0a', 'hex'),
  Buffer.from(DOC_CANARY),
  Buffer.alloc(64, 7),
]);
const JPEG_DOC = Buffer.concat([
  Buffer.from('ffd8ffe0', 'hex'),
  Buffer.from(DOC_CANARY),
  Buffer.alloc(64, 9),
]);

interface Canary {
  label: string;
  value: string;
  /**
   * `text`: found anywhere, case-insensitive, and its base64 (any alignment) too.
   * `digits`: short numbers, found when not part of a longer run of letters or digits, and as base64.
   * `quoted`: very short values (a CVV), found as a JSON string `"123"`.
   */
  match: 'text' | 'digits' | 'quoted';
}

const canaries: Canary[] = [];
const addCanary = (label: string, value: string, match: Canary['match'] = 'text') =>
  canaries.push({ label, value, match });
const addCardNumber = (label: string, pan: string) => {
  addCanary(label, pan);
  // The same digits grouped as printed.
  addCanary(`${label} (spaced)`, pan.replace(/(\d{4})(?=\d)/g, '$1 '));
  addCanary(`${label} (dashed)`, pan.replace(/(\d{4})(?=\d)/g, '$1-'));
};
addCardNumber('card number', PAN);
addCardNumber('failing card number', PAN_FAILING);
addCanary('PIN', PIN, 'digits');
addCanary('wrong activation code', WRONG_CODE);
addCanary('document bytes', DOC_CANARY);
for (const [tag, person] of [
  ['applicant', PERSON],
  ['rejected applicant', REJECTED_PERSON],
] as const) {
  addCanary(`${tag} first name`, person.firstName);
  addCanary(`${tag} last name`, person.lastName);
  addCanary(`${tag} email`, person.email);
  addCanary(`${tag} phone`, person.mobile.number, 'digits');
  addCanary(`${tag} passport number`, person.identification.number);
}
addCanary('applicant address', PERSON.address.line);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The canaries found in some bytes (read as latin1, so binary files are searched byte for byte). */
function findCanaries(bytes: Buffer | string): string[] {
  const raw = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const lower = raw.toLowerCase();
  const found: string[] = [];
  for (const c of canaries) {
    let hit = false;
    if (c.match === 'text')
      hit = lower.includes(c.value.toLowerCase()) || base64Forms(c.value).some((f) => raw.includes(f));
    else if (c.match === 'digits') {
      // In base64 only as a whole number of a decoded run: the digits inside a longer number (a
      // local activity marker's timestamps) are no leak.
      const number = new RegExp(`(?<![A-Za-z0-9])${escape(c.value)}(?![A-Za-z0-9])`);
      hit = number.test(raw) || decodedBase64Runs(raw).some((decoded) => number.test(decoded));
    } else hit = raw.includes(`"${c.value}"`);
    if (hit) found.push(c.label);
  }
  return found;
}

const scanned = { sources: 0, bytes: 0 };
function assertClean(label: string, bytes: Buffer | string) {
  scanned.sources++;
  scanned.bytes += typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  const found = findCanaries(bytes);
  assert.deepEqual(found, [], `${label}: canaries found: ${found.join(', ')}`);
}

// ---- the world ---------------------------------------------------------------------------------
const FAST = { pollInterval: '100ms' };
const CARD_TYPE = '111065';
const enc = encodeURIComponent;
const dir = mkdtempSync(join(tmpdir(), 'cardflow-leak-'));
const DB = join(dir, 'temporal.db');

let devServer: TemporalDevServer;
/** Every line the dev server printed. */
const serverOutput: string[] = [];
let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
/** Every API answer (status and body), errors and successes. */
const answers: Array<{ what: string; status: number; text: string }> = [];

before(async () => {
  // A fresh random key, as a deployment has: nothing in the database can be read without it.
  const dataConverter = createDataConverter(
    createKeyring([{ id: 'leak-test', key: randomBytes(32) }], 'leak-test'),
  );
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  // The project's own dev server launcher, so the server's output is captured and scanned too.
  const [server, bundle] = await Promise.all([
    startTemporalDevServer({
      port: await freePort(),
      uiPort: false,
      dbFile: DB,
      logLevel: 'info',
      onOutput: (line) => serverOutput.push(line),
    }),
    bundleWorkflowCode(productBundleOptions({ logger: quiet })),
  ]);
  devServer = server;
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: server.address,
    client: { dataConverter },
  });
  life = await LifecycleEnv.start(env, { dataConverter, workflowBundle: bundle });
  api = await startApi(life, { logger: engineLogger.child({ component: 'api' }) });
  life.wasabi.control.webhookUrl = `${api.url}/webhooks/wasabi`;
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
  await devServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(what: string, method: string, path: string, body?: unknown, contentType?: string) {
  const answer = await api.call(method, path, body, contentType ? { contentType } : {});
  answers.push({ what, status: answer.status, text: answer.text });
  return answer;
}

async function finished(workflowId: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await call(`state of ${workflowId}`, 'GET', `/flows/${enc(workflowId)}`);
    assert.equal(status, 200, JSON.stringify(body));
    if (body.status !== 'RUNNING') return body;
    if (Date.now() > until) assert.fail(`${workflowId} still running`);
    await sleep(50);
  }
}

async function untilState(workflowId: string, state: string) {
  for (let i = 0; i < 400; i++) {
    const { body } = await call(`state of ${workflowId}`, 'GET', `/flows/${enc(workflowId)}`);
    if (body.state?.state === state && body.cardRef) return body;
    await sleep(50);
  }
  return assert.fail(`${workflowId} never reached ${state}`);
}

async function upload(bytes: Buffer, contentType: string): Promise<{ ref: string }> {
  const answer = await call('document upload', 'POST', '/documents', bytes, contentType);
  assert.equal(answer.status, 201, answer.text);
  return { ref: answer.body.ref as string };
}

// ---- the lifecycles ----------------------------------------------------------------------------
test('complete lifecycles with canary values leave no canary in histories, descriptions, the database, logs or API answers', async () => {
  const started = Date.now();
  const expectStatus = (answer: { status: number; text: string }, status: number) =>
    assert.equal(answer.status, status, answer.text);

  // KazePay: KYC with documents, activation (a wrong code first, then the code and the PIN).
  const front = await upload(PNG_DOC, 'image/png');
  const selfie = await upload(JPEG_DOC, 'image/jpeg');
  const customerRef = `leak-kz-${Date.now().toString(36)}`;
  const kyc = await call('kazepay kyc', 'POST', '/flows/kyc', {
    provider: 'kazepay',
    customerRef,
    applicant: PERSON,
    documents: { front, selfie },
    review: FAST,
  });
  expectStatus(kyc, 201);
  const kycDone = await finished(kyc.body.workflowId);
  assert.equal(kycDone.result?.outcome, 'PASSED', JSON.stringify(kycDone));

  life.kazepay.control.addPhysicalCard(PAN);
  const activation = await call('kazepay activation', 'POST', '/flows/activation', {
    provider: 'kazepay',
    customerRef,
    requestRef: 'first-card',
    email: PERSON.email,
    cardNumber: PAN,
    activation: FAST,
  });
  expectStatus(activation, 201);
  const activationId = activation.body.workflowId as string;
  const cardId = (await untilState(activationId, 'WAITING_FOR_ACTIVATION_CODE')).cardRef as string;
  const code = life.kazepay.control.takeActivationCode(cardId) as string;
  assert.match(code, /^\d{8}$/);
  addCanary('activation code', code, 'digits');
  const wrong = await call('wrong code', 'POST', `/flows/${enc(activationId)}/activation-code`, {
    code: WRONG_CODE,
  });
  expectStatus(wrong, 200);
  assert.equal(wrong.body.accepted, false, wrong.text);
  await untilState(activationId, 'WAITING_FOR_ACTIVATION_CODE');
  const right = await call('code and PIN', 'POST', `/flows/${enc(activationId)}/activation-code`, {
    code,
    pin: PIN,
  });
  expectStatus(right, 200);
  assert.equal(right.body.accepted, true, right.text);
  const active = await finished(activationId);
  assert.deepEqual([active.result.outcome, active.result.pinSet], ['ACTIVE', true]);
  assert.ok(life.kazepay.control.pinMatches(cardId, PIN), 'the PIN reached the provider');

  // KazePay failing paths: a KYC rejected; an activation that fails after a wrong code. The
  // passed KYC deleted its documents: each applicant uploads their own.
  life.kazepay.control.scriptKyc(REJECTED_PERSON.email, 'REJECTED');
  const rejected = await call('kazepay kyc rejected', 'POST', '/flows/kyc', {
    provider: 'kazepay',
    customerRef: `${customerRef}-r`,
    applicant: REJECTED_PERSON,
    documents: { front: await upload(PNG_DOC, 'image/png'), selfie: await upload(JPEG_DOC, 'image/jpeg') },
    review: FAST,
  });
  expectStatus(rejected, 201);
  const rejectedDone = await finished(rejected.body.workflowId);
  assert.equal(rejectedDone.result?.outcome, 'REJECTED', JSON.stringify(rejectedDone));

  life.kazepay.control.addPhysicalCard(PAN_FAILING);
  const failing = await call('kazepay failing activation', 'POST', '/flows/activation', {
    provider: 'kazepay',
    customerRef,
    requestRef: 'second-card',
    email: PERSON.email,
    cardNumber: PAN_FAILING,
    pin: PIN,
    maxCodeAttempts: 1,
    activation: FAST,
  });
  expectStatus(failing, 201);
  await untilState(failing.body.workflowId, 'WAITING_FOR_ACTIVATION_CODE');
  await call('wrong code, last attempt', 'POST', `/flows/${enc(failing.body.workflowId)}/activation-code`, {
    code: WRONG_CODE,
  });
  const failed = await finished(failing.body.workflowId);
  assert.equal(failed.status, 'FAILED', JSON.stringify(failed));

  // WasabiCard: cardholder KYC with a document, a virtual card for the holder, deposit, close.
  const wasabiCustomer = `leak-wc-${Date.now().toString(36)}`;
  const holderKyc = await call('wasabi kyc', 'POST', '/flows/kyc', {
    provider: 'wasabi',
    customerRef: wasabiCustomer,
    cardTypeId: CARD_TYPE,
    applicant: PERSON,
    documents: { front: await upload(PNG_DOC, 'image/png') },
    review: FAST,
  });
  expectStatus(holderKyc, 201);
  const holder = await finished(holderKyc.body.workflowId);
  assert.equal(holder.result.outcome, 'PASSED', JSON.stringify(holder));
  const issue = await call('wasabi issuance', 'POST', '/flows/issuance', {
    provider: 'wasabi',
    customerRef: wasabiCustomer,
    requestRef: 'virtual-1',
    cardTypeId: CARD_TYPE,
    initialDeposit: '50',
    holderId: holder.result.holderId,
    order: FAST,
  });
  expectStatus(issue, 201);
  const issued = await finished(issue.body.workflowId);
  assert.equal(issued.result.outcome, 'ISSUED', JSON.stringify(issued));
  const cardNo = issued.result.cardRef as string;
  // The card's secrets as the sandbox issued them: canaries too.
  const sensitive = await life.wasabiClient.sensitive({ cardNo });
  assert.ok(sensitive.cardNumber && sensitive.cvv && sensitive.expireDate);
  addCardNumber('issued card number', sensitive.cardNumber);
  addCanary('issued CVV', sensitive.cvv, 'quoted');
  addCanary('issued expiry', sensitive.expireDate);
  const account = { customerRef: wasabiCustomer, currency: 'USD', settlement: FAST, completion: FAST };
  const deposit = await call('wasabi deposit', 'POST', `/card-accounts/wasabi/${cardNo}/deposit`, {
    depositRef: 'dep-1',
    amount: '25',
    account,
  });
  expectStatus(deposit, 200);
  assert.equal(deposit.body.outcome, 'SETTLED', deposit.text);
  const closed = await call('wasabi close', 'POST', `/card-accounts/wasabi/${cardNo}/close`, {});
  expectStatus(closed, 200);
  assert.equal(closed.body.outcome, 'CLOSED', closed.text);
  await finished(workflowIds.cardAccount('wasabi', cardNo));

  // ---- bad requests carrying the canaries --------------------------------------------------------
  const bad: Array<[string, string, string, unknown, number, string?]> = [
    ['card number as a PIN', 'POST', `/flows/${enc(activationId)}/pin`, { pin: PAN }, 400],
    [
      'malformed PIN and card number at start',
      'POST',
      '/flows/activation',
      {
        provider: 'kazepay',
        customerRef,
        requestRef: 'bad',
        email: PERSON.email,
        cardNumber: `${PAN}x`,
        pin: `${PIN}${PIN}${PIN}`,
      },
      400,
    ],
    [
      'invalid applicant',
      'POST',
      '/flows/kyc',
      {
        provider: 'wasabi',
        customerRef: PERSON.email,
        cardTypeId: CARD_TYPE,
        applicant: {
          ...PERSON,
          email: `${PERSON.firstName} ${PERSON.lastName}`,
          firstName: `${PERSON.firstName} ${PERSON.lastName} `.repeat(8),
          mobile: { ...PERSON.mobile, number: `${PERSON.mobile.number}${PAN}` },
          dateOfBirth: PAN,
        },
      },
      400,
    ],
    [
      'a name as an activation code',
      'POST',
      `/flows/${enc(activationId)}/activation-code`,
      { code: `${PERSON.firstName} ${PERSON.lastName}` },
      400,
    ],
    [
      'a code when none is awaited',
      'POST',
      `/flows/${enc(activationId)}/activation-code`,
      { code: WRONG_CODE },
      409,
    ],
    [
      'malformed JSON',
      'POST',
      '/flows/kyc',
      `{"applicant":{"firstName":"${PERSON.firstName}","pan":"${PAN}"`,
      400,
    ],
    [
      'a card number as a card ref',
      'POST',
      `/card-accounts/wasabi/${PAN}/deposit`,
      { depositRef: 'x', amount: '1' },
      400,
    ],
    ['a card number in a flow id', 'GET', `/flows/${enc(`kyc:kazepay:${PAN}`)}`, undefined, 404],
    ['a document of the wrong type', 'POST', '/documents', `${DOC_CANARY} ${PAN}`, 415, 'text/plain'],
    [
      'an untrusted KazePay webhook',
      'POST',
      '/webhooks/kazepay',
      { email: PERSON.email, cardNumber: PAN },
      401,
    ],
    [
      'a resubmission after the flow ended',
      'POST',
      `/flows/${enc(holderKyc.body.workflowId)}/kyc-resubmission`,
      { applicant: { firstName: PERSON.firstName, email: PERSON.email } },
      409,
    ],
  ];
  for (const [what, method, path, body, status, contentType] of bad) {
    const answer = await call(what, method, path, body, contentType);
    assert.equal(answer.status, status, `${what}: ${answer.text}`);
  }

  // ---- the search finds what is there (positive controls) -------------------------------------------
  const plain = Buffer.from(
    JSON.stringify({ firstName: PERSON.firstName, cardNumber: PAN, cvv: sensitive.cvv, pin: PIN }),
  );
  assert.deepEqual(
    findCanaries(plain).sort(),
    ['applicant first name', 'card number', 'issued CVV', 'PIN'].sort(),
    'the search finds plain canaries',
  );
  const uploaded = Buffer.from(
    `{"frontImgBase64":"${Buffer.concat([Buffer.from('x'), PNG_DOC]).toString('base64')}"}`,
  );
  assert.deepEqual(findCanaries(uploaded), ['document bytes'], 'the search finds base64 at any alignment');
  assert.deepEqual(findCanaries(`{"n":"${code}"}`), ['activation code']);
  const phonePayload = Buffer.from(`{"mobile":"${PERSON.mobile.number}"}`).toString('base64');
  assert.ok(
    findCanaries(`{"data":"${phonePayload}"}`).includes('applicant phone'),
    'the search finds a number inside an unencrypted payload',
  );

  // ---- every workflow: raw history, raw and decoded description -----------------------------------
  // Visibility may trail the flows by a moment: list until every flow started above is there.
  const expectedIds = [
    ...[kyc, activation, rejected, failing, holderKyc, issue].map((a) => a.body.workflowId as string),
    workflowIds.cardAccount('wasabi', cardNo),
  ];
  let executions: Array<{ workflowId: string; runId: string }> = [];
  for (let attempt = 0; ; attempt++) {
    executions = [];
    for await (const wf of life.client.workflow.list())
      executions.push({ workflowId: wf.workflowId, runId: wf.runId });
    const missing = expectedIds.filter((id) => !executions.some((e) => e.workflowId === id));
    if (missing.length === 0) break;
    if (attempt >= 50) assert.fail(`not listed: ${missing.join(', ')}`);
    await sleep(100);
  }
  const types = new Set<string>();
  for (const { workflowId, runId } of executions) {
    const handle = life.client.workflow.getHandle(workflowId, runId);
    const history = await handle.fetchHistory();
    const json = historyToJSON(history);
    assertClean(`${workflowId} history (JSON)`, json);
    assertClean(
      `${workflowId} history (bytes)`,
      Buffer.from(temporal.api.history.v1.History.encode(history).finish()),
    );
    const raw = await life.client.workflowService.describeWorkflowExecution({
      namespace: env.namespace ?? 'default',
      execution: { workflowId, runId },
    });
    const rawJson = JSON.stringify(
      temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.toObject(
        raw as temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse,
        { bytes: String },
      ),
    );
    assertClean(`${workflowId} description (raw)`, rawJson);
    const described = await handle.describe();
    types.add(described.type);
    // Control: the history is the real one (it names its workflow type in clear).
    assert.match(
      json,
      new RegExp(`"workflowType":\\s*\\{\\s*"name":\\s*"${described.type}"`),
      `${workflowId}: history read`,
    );
    assertClean(
      `${workflowId} search attributes and memo (decoded)`,
      JSON.stringify({
        sa: described.searchAttributes,
        memo: await described.memo,
        summary: await described.staticSummary,
      }),
    );
    // Control: the description carries the flow's opaque references in clear.
    assert.ok(rawJson.includes(workflowId), `${workflowId}: the raw description names the workflow`);
  }
  for (const type of [
    'kycVerification',
    'physicalCardActivation',
    'virtualCardIssuance',
    'cardAccount',
    'cardDeposit',
    'cardClosure',
  ])
    assert.ok(types.has(type), `a ${type} workflow was scanned`);

  // ---- the dev server's SQLite files (database and write-ahead log) ---------------------------------
  const dbFiles = readdirSync(dir).filter((f) => f.startsWith('temporal.db'));
  assert.ok(dbFiles.includes('temporal.db'), dbFiles.join());
  let dbBytes = 0;
  let namesKyc = false;
  for (const file of dbFiles) {
    const bytes = readFileSync(join(dir, file));
    dbBytes += bytes.length;
    namesKyc ||= bytes.includes(Buffer.from(kyc.body.workflowId as string));
    assertClean(`SQLite ${file}`, bytes);
  }
  assert.ok(namesKyc, 'control: the SQLite files hold the plain workflow id, so they are read for real');

  // ---- the engine's logs ---------------------------------------------------------------------------
  const logs = capturedLogLines.join('');
  assert.ok(logs.includes(`"workflowId":"${kyc.body.workflowId}"`), 'control: the API logged the flow start');
  assert.ok(/"component":"temporal"/.test(logs), 'control: SDK and core logs are captured');
  assertClean(`engine logs (${capturedLogLines.length} lines)`, logs);

  // ---- the dev server's output ---------------------------------------------------------------------
  const serverText = serverOutput.join('\n');
  assert.ok(/\blevel=INFO\b/.test(serverText), "control: the dev server's info-level log lines are captured");
  assertClean(`dev server output (${serverOutput.length} lines)`, serverText);

  // ---- API answers -----------------------------------------------------------------------------------
  assert.ok(answers.filter((a) => a.status >= 400).length >= bad.length);
  for (const a of answers) assertClean(`API answer to "${a.what}" (${a.status})`, a.text);

  console.log(
    `leak test: ${executions.length} workflows (${[...types].join(', ')}), ${dbFiles.length} SQLite files ` +
      `(${dbBytes} bytes), ${capturedLogLines.length} log lines, ${serverOutput.length} dev server lines, ` +
      `${answers.length} API answers; ` +
      `${scanned.sources} sources, ${scanned.bytes} bytes scanned for ${canaries.length} canaries in ` +
      `${Date.now() - started} ms`,
  );
});
