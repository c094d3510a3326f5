// A real workflow round trip on the dev server with the encrypting data converter on client and
// worker; the raw (undecoded) history holds ciphertext only, failure messages included.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ActivityFailure, ApplicationFailure, Client, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { requireTemporalBinary } from '../../../src/runtime/temporal-binaries';
import { createKeyring } from '../../../src/security/codec-keys';
import { startCodecServer } from '../../../src/security/codec-server';
import { createDataConverter, workflowBundleConverterOptions } from '../../../src/security/data-converter';
import { ENCRYPTED_ENCODING, EncryptionCodec, payloadKeyId } from '../../../src/security/payload-codec';
import { createSecurityActivities } from '../../fixtures/security-activities';
import type { CanaryInput } from '../../fixtures/workflows/security-workflows';
import { testOnlyKeyring } from '../../helpers/test-data-converter';
import { startDevServerEnv } from '../../helpers/temporal-env';

// The SDK logs workflow and activity failures; these tests fail on purpose with canary messages.
Runtime.install({
  logger: new DefaultLogger('WARN', (entry) => {
    if (!/refused card|Activity failed|Activity task failed|Workflow failed/.test(entry.message))
      console.error(entry.message, entry.meta);
  }),
});

const PAN = '4000056655665556'; // Luhn-valid test card number
const HOLDER = 'Canary Holdername Zyx';
const TASK_QUEUE = 'security-encryption';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
before(async () => {
  [env, bundle] = await Promise.all([
    startDevServerEnv(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../fixtures/workflows/security-workflows'),
      ...workflowBundleConverterOptions,
      logger: new DefaultLogger('ERROR'),
    }),
  ]);
});
after(async () => {
  await env?.teardown();
});

/** Every payload in a history (JSON form), found by shape: an object with metadata.encoding. */
function payloadsIn(node: unknown, found: Array<{ metadata: Record<string, string>; data?: string }> = []) {
  if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata as object))
      found.push(o as { metadata: Record<string, string>; data?: string });
    else Object.values(o).forEach((v) => payloadsIn(v, found));
  }
  return found;
}

async function rawHistory(workflowId: string) {
  // fetchHistory returns the history as stored: payloads are not decoded.
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  const json = JSON.parse(historyToJSON(history)) as unknown;
  return { bytes, payloads: payloadsIn(json) };
}

function assertNoCanary(bytes: Buffer, label: string) {
  for (const canary of [PAN, HOLDER, 'refused card'])
    assert.equal(
      bytes.includes(Buffer.from(canary)),
      false,
      `${label}: "${canary}" found in the raw history`,
    );
}

test('inputs, results and failures travel encrypted; the raw history holds no plaintext canary', async () => {
  const dataConverter = createDataConverter(testOnlyKeyring());
  const client = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: createSecurityActivities(),
    dataConverter,
  });
  const run = (id: string, fail: CanaryInput['fail']) =>
    client.workflow.execute('securityCanary', {
      workflowId: id,
      taskQueue: TASK_QUEUE,
      args: [{ pan: PAN, holderName: HOLDER, fail } satisfies CanaryInput],
    });

  await worker.runUntil(async () => {
    assert.equal(await run('security-ok', 'none'), `card ${PAN} for ${HOLDER}`);

    const wfError = await run('security-wf-fail', 'workflow').then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(wfError instanceof WorkflowFailedError);
    assert.ok(wfError.cause instanceof ApplicationFailure);
    assert.equal(
      wfError.cause.message,
      `workflow refused card ${PAN}`,
      'decoded for a client with the codec',
    );
    assert.equal(wfError.cause.type, 'CanaryFailure');

    const actError = await run('security-act-fail', 'activity').then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(actError instanceof WorkflowFailedError);
    assert.ok(actError.cause instanceof ActivityFailure);
    assert.ok(actError.cause.cause instanceof ApplicationFailure);
    assert.equal(actError.cause.cause.message, `provider refused card ${PAN}`);
  });

  const rotated = new EncryptionCodec(
    createKeyring(
      [...testOnlyKeyring().keys]
        .map(([id, key]) => ({ id, key }))
        .concat({ id: 'next', key: randomBytes(32) }),
      'next',
    ),
  );
  for (const id of ['security-ok', 'security-wf-fail', 'security-act-fail']) {
    const { bytes, payloads } = await rawHistory(id);
    assertNoCanary(bytes, id);
    assert.ok(payloads.length >= 3, `${id}: payloads found`);
    for (const p of payloads) {
      assert.equal(
        Buffer.from(p.metadata.encoding!, 'base64').toString(),
        ENCRYPTED_ENCODING,
        `${id}: encrypted`,
      );
      assert.equal(Buffer.from(p.metadata['encryption-key-id']!, 'base64').toString(), 'test-only-public');
    }
    // After a rotation (new current key added), the recorded history still decodes.
    const decoded = await rotated.decode(
      payloads.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(p.data ?? '', 'base64'),
      })),
    );
    assert.ok(decoded.every((p) => payloadKeyId(p) === undefined));
  }
  // The failure message in clear text is the converter's headline only: the failure's type, what
  // the Web UI shows first, never the message (which quoted the card number).
  const { bytes } = await rawHistory('security-wf-fail');
  assert.ok(bytes.includes(Buffer.from('CanaryFailure (message encrypted')), 'the headline names the type');
  assert.ok(!bytes.includes(Buffer.from('Encoded failure')), 'no bare placeholder');
});

test('a flow started by a client without the codec still runs on a worker with it (pass-through)', async () => {
  const dataConverter = createDataConverter(testOnlyKeyring());
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue: `${TASK_QUEUE}-foreign`,
    workflowBundle: bundle,
    activities: createSecurityActivities(),
    dataConverter,
  });
  const codecClient = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  const result = await worker.runUntil(async () => {
    // Started by the SDK's default client: the input is stored as plain JSON.
    await env.client.workflow.start('securityCanary', {
      workflowId: 'security-foreign',
      taskQueue: `${TASK_QUEUE}-foreign`,
      args: [{ pan: 'plain', holderName: 'input', fail: 'none' } satisfies CanaryInput],
    });
    // What the worker wrote back is encrypted: a reader needs the codec.
    return codecClient.workflow.getHandle('security-foreign').result();
  });
  assert.equal(result, 'card plain for input');
  const { payloads } = await rawHistory('security-foreign');
  const encodings = payloads.map((p) => Buffer.from(p.metadata.encoding!, 'base64').toString());
  assert.equal(encodings[0], 'json/plain', 'the foreign input is stored as sent');
  assert.ok(
    encodings.slice(1).every((e) => e === ENCRYPTED_ENCODING),
    'what the worker wrote is encrypted',
  );
});

test('the codec server decodes a recorded history for a caller with a token, refuses one without', async () => {
  const token = randomBytes(32).toString('base64url');
  const ui = 'http://localhost:8233';
  const server = await startCodecServer({
    codec: new EncryptionCodec(testOnlyKeyring()),
    tokens: [token],
    allowedOrigins: [ui],
  });
  try {
    const { payloads } = await rawHistory('security-ok');
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
        body: JSON.stringify({ payloads }),
      });
    const refused = await post({});
    assert.equal(refused.status, 401);
    assert.equal((await refused.text()).includes(PAN), false);

    const decoded = await post({ authorization: `Bearer ${token}`, origin: ui });
    assert.equal(decoded.status, 200);
    assert.equal(decoded.headers.get('access-control-allow-origin'), ui);
    const body = (await decoded.json()) as { payloads: Array<{ data: string }> };
    const texts = body.payloads.map((p) => Buffer.from(p.data, 'base64').toString());
    assert.ok(
      texts.some((t) => t.includes(PAN) && t.includes(HOLDER)),
      'the input decodes',
    );

    const foreign = await post({ authorization: `Bearer ${token}`, origin: 'https://unknown.example' });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);

    // The Temporal CLI reads the history through the codec server (--codec-endpoint, --codec-auth).
    // Asynchronously: the codec server answering the CLI runs in this very process.
    const show = await promisify(execFile)(
      requireTemporalBinary('cli'),
      [
        'workflow',
        'show',
        '--workflow-id',
        'security-wf-fail',
        '--output',
        'json',
        '--address',
        env.address,
        '--namespace',
        env.namespace ?? 'default',
        '--codec-endpoint',
        server.url,
        '--codec-auth',
        `Bearer ${token}`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    const encryptedMarker = Buffer.from(ENCRYPTED_ENCODING).toString('base64');
    const inputJson = Buffer.from(JSON.stringify({ pan: PAN, holderName: HOLDER, fail: 'workflow' }));
    assert.equal(show.stdout.includes(encryptedMarker), false, 'every payload shown decoded');
    assert.ok(show.stdout.includes(inputJson.toString('base64')), 'the CLI shows the decoded input');
  } finally {
    await server.close();
  }
});
