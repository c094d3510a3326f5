import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError } from '../../../src/config/env';
import {
  DEV_TOKEN_FILE,
  codecServerCommand,
  loadCodecServerSetup,
} from '../../../src/cli/codec-server-command';
import {
  buildCodecServer,
  bearerTokenAuthorizer,
  startCodecServer,
} from '../../../src/security/codec-server';
import { EncryptionCodec } from '../../../src/security/payload-codec';
import { testOnlyKeyring } from '../../helpers/test-data-converter';

const TOKEN = 'codec-test-token-0123456789abcdefghijkl';
const UI = 'http://localhost:8233';
const codec = new EncryptionCodec(testOnlyKeyring());
const app = buildCodecServer({ codec, tokens: [TOKEN], allowedOrigins: [UI], bodyLimitBytes: 64 * 1024 });
after(() => app.close());

const asJson = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const auth = { authorization: `Bearer ${TOKEN}`, 'x-namespace': 'default' };

test('codec server: /encode then /decode round-trips payloads in the UI JSON shape', async () => {
  const plain = asJson(defaultPayloadConverter.toPayload({ pan: '4111111111111111' }));
  const encoded = await app.inject({
    method: 'POST',
    url: '/encode',
    headers: auth,
    payload: { payloads: [plain] },
  });
  assert.equal(encoded.statusCode, 200);
  const body = encoded.json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>();
  assert.equal(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString(), 'binary/encrypted');
  assert.equal(encoded.body.includes(plain.data), false);

  const decoded = await app.inject({ method: 'POST', url: '/decode', headers: auth, payload: body });
  assert.equal(decoded.statusCode, 200);
  assert.deepEqual(decoded.json(), { payloads: [plain] });
});

test('codec server: no token, a wrong token or another scheme is 401', async () => {
  const payload = { payloads: [] };
  for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }]) {
    const res = await app.inject({ method: 'POST', url: '/decode', headers, payload });
    assert.equal(res.statusCode, 401, JSON.stringify(headers));
    assert.equal(res.json<{ error: string }>().error, 'unauthorized');
  }
  assert.equal(bearerTokenAuthorizer([TOKEN, 'other-token'])(`Bearer other-token`), true);
  assert.equal(bearerTokenAuthorizer([])(`Bearer ${TOKEN}`), false);
});

test('codec server: CORS preflight and grant for the configured origin only', async () => {
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/decode',
    headers: {
      origin: UI,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-namespace',
    },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], UI);
  assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
  assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);

  const granted = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: { ...auth, origin: UI },
    payload: { payloads: [] },
  });
  assert.equal(granted.statusCode, 200);
  assert.equal(granted.headers['access-control-allow-origin'], UI);

  for (const method of ['OPTIONS', 'POST'] as const) {
    const refused = await app.inject({
      method,
      url: '/decode',
      headers: { ...auth, origin: 'https://evil.example' },
      payload: method === 'POST' ? { payloads: [] } : undefined,
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
  }
});

test('codec server: body limit, bad JSON, bad base64, unknown key and unknown route are JSON errors without stacks', async () => {
  const big = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(70 * 1024) }] }),
  });
  assert.equal(big.statusCode, 413);
  const badJson = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: { ...auth, 'content-type': 'application/json' },
    payload: '{nope',
  });
  assert.equal(badJson.statusCode, 400);
  const badShape = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: auth,
    payload: { payloads: 'x' },
  });
  assert.equal(badShape.statusCode, 400);
  const badB64 = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: auth,
    payload: { payloads: [{ metadata: {}, data: '***' }] },
  });
  assert.equal(badB64.statusCode, 400);
  const unknownKey = await app.inject({
    method: 'POST',
    url: '/decode',
    headers: auth,
    payload: {
      payloads: [
        {
          metadata: {
            encoding: Buffer.from('binary/encrypted').toString('base64'),
            'encryption-key-id': Buffer.from('retired').toString('base64'),
          },
          data: Buffer.alloc(40).toString('base64'),
        },
      ],
    },
  });
  assert.equal(unknownKey.statusCode, 422);
  assert.equal(unknownKey.json<{ reason: string }>().reason, 'unknown-key');
  const missing = await app.inject({ method: 'GET', url: '/nowhere' });
  assert.equal(missing.statusCode, 404);
  for (const res of [big, badJson, badShape, badB64, unknownKey, missing]) {
    assert.equal(typeof res.json<{ error: string }>().error, 'string');
    assert.doesNotMatch(res.body, /\s+at\s|stack/);
  }
});

test('codec server: /health needs no token', async () => {
  const res = await app.inject({ method: 'GET', url: '/health' });
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('codec server: namespaces, when configured, are enforced from X-Namespace', async () => {
  const scoped = buildCodecServer({ codec, tokens: [TOKEN], allowedOrigins: [], namespaces: ['cards'] });
  const wrong = await scoped.inject({
    method: 'POST',
    url: '/decode',
    headers: auth,
    payload: { payloads: [] },
  });
  assert.equal(wrong.statusCode, 403);
  const right = await scoped.inject({
    method: 'POST',
    url: '/decode',
    headers: { ...auth, 'x-namespace': 'cards' },
    payload: { payloads: [] },
  });
  assert.equal(right.statusCode, 200);
  await scoped.close();
});

test('codec server: starts on a free loopback port and stops', async () => {
  const server = await startCodecServer({ codec, tokens: [TOKEN], allowedOrigins: [UI] });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
  await server.close();
});

test('codec server config: tokens required outside --dev; --dev generates a 0600 token; bad values all listed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-codec-server-'));
  const keys = { CARDFLOW_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
  assert.throws(
    () => loadCodecServerSetup({ ...keys, CARDFLOW_DATA_DIR: dir }, false),
    /CARDFLOW_CODEC_SERVER_TOKENS: required/,
  );
  const dev = loadCodecServerSetup({ CARDFLOW_DATA_DIR: dir }, true);
  assert.equal(dev.tokenSource, join(dir, DEV_TOKEN_FILE));
  assert.equal(statSync(join(dir, DEV_TOKEN_FILE)).mode & 0o777, 0o600);
  assert.deepEqual(dev.options.allowedOrigins, ['http://localhost:8233', 'http://127.0.0.1:8233']);
  assert.equal(dev.options.port, 8234);
  assert.throws(
    () =>
      loadCodecServerSetup(
        {
          ...keys,
          CARDFLOW_CODEC_SERVER_TOKENS: 'short',
          CARDFLOW_CODEC_SERVER_CORS_ORIGINS: 'localhost:8233/path',
          CARDFLOW_CODEC_SERVER_BIND_ADDRESS: 'nowhere',
        },
        false,
      ),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.length === 3 &&
      ['TOKENS', 'CORS_ORIGINS', 'BIND_ADDRESS'].every((n) =>
        e.message.includes(`CARDFLOW_CODEC_SERVER_${n}`),
      ) &&
      !e.message.includes('short'),
  );
});

test('cardflow codec-server --new-key / --new-token print fresh values', async () => {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  assert.equal(await codecServerCommand.run(['--new-key', 'prod'], io), 0);
  assert.match(out[0]!, /^prod-\d{8}-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=$/);
  assert.equal(await codecServerCommand.run(['--new-token'], io), 0);
  assert.match(out[1]!, /^[A-Za-z0-9_-]{43}$/);
});

test('cardflow codec-server: an unknown option is a usage error (exit 2)', async () => {
  const err: string[] = [];
  assert.equal(
    await codecServerCommand.run(['--nope'], { out: () => undefined, err: (l) => err.push(l) }),
    2,
  );
  assert.match(err[0]!, /unknown option --nope/);
});
