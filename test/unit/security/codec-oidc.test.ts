// The codec server behind a Web UI with single sign-on: it accepts the operator's OIDC access
// token (a JWT of the configured issuer and audience, checked against the issuer's JWKS, found by
// its discovery document) and refuses anything else. The issuer here is a real HTTP server on
// loopback publishing a real key set; the tokens are signed with jose.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type * as jose from 'jose' with { 'resolution-mode': 'import' };
import type { FastifyInstance } from 'fastify';
import { loadCodecServerSetup } from '../../../src/cli/codec-server-command';
import { ConfigError } from '../../../src/config/env';
import { buildCodecServer } from '../../../src/security/codec-server';
import { oidcAccessTokenAuthorizer } from '../../../src/security/codec-oidc';

type Jose = typeof jose;
type Key = Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];

const AUDIENCE = 'cardflow-codec';
const STATIC_TOKEN = 'codec-static-token-0123456789abcdefghij';
const keysEnv = { CARDFLOW_CODEC_KEYS: `test-only:${Buffer.alloc(32, 9).toString('base64')}` };

/** An OIDC issuer on loopback: discovery document and JWKS, one signing key. */
async function startIssuer(jose: Jose) {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: `k-${Math.random()}`, alg: 'RS256', use: 'sig' };
  let jwksRequests = 0;
  const server: Server = createServer((request, response) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration')
      return response.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    if (request.url === '/jwks') {
      jwksRequests++;
      return response.end(JSON.stringify({ keys: [jwk] }));
    }
    response.statusCode = 404;
    response.end('{}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    privateKey,
    kid: jwk.kid,
    jwksRequests: () => jwksRequests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('codec server with OIDC access tokens', () => {
  let lib: Jose;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let other: Awaited<ReturnType<typeof startIssuer>>;
  let app: FastifyInstance;
  const refusals: string[] = [];

  const sign = async (
    claims: Record<string, unknown>,
    options: { key?: Key; kid?: string; iss?: string; aud?: string; exp?: string | number } = {},
  ) =>
    new lib.SignJWT({ scope: 'openid codec:decode', groups: ['ops'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? issuer.kid })
      .setIssuer(options.iss ?? issuer.url)
      .setAudience(options.aud ?? AUDIENCE)
      .setSubject('operator@example.com')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? issuer.privateKey);

  const plain = {
    metadata: {
      encoding: Buffer.from('json/plain').toString('base64'),
    },
    data: Buffer.from(JSON.stringify({ customerRef: 'c-1' })).toString('base64'),
  };
  let encrypted: unknown;

  const decode = (authorization?: string) =>
    app.inject({
      method: 'POST',
      url: '/decode',
      headers: authorization ? { authorization } : {},
      payload: { payloads: [encrypted] },
    });

  before(async () => {
    lib = await import('jose');
    issuer = await startIssuer(lib);
    other = await startIssuer(lib);
    const setup = loadCodecServerSetup(
      {
        ...keysEnv,
        CARDFLOW_CODEC_SERVER_TOKENS: STATIC_TOKEN,
        CARDFLOW_CODEC_OIDC_ISSUER: issuer.url,
        CARDFLOW_CODEC_OIDC_AUDIENCE: `${AUDIENCE},another-api`,
        CARDFLOW_CODEC_OIDC_REQUIRED_SCOPES: 'codec:decode',
        CARDFLOW_CODEC_OIDC_REQUIRED_GROUPS: 'ops,security',
      },
      false,
    );
    assert.ok(setup.oidc, 'the sign-on settings are read');
    assert.ok(setup.options.authorize, 'an authorize function is configured');
    app = buildCodecServer(setup.options);
    const encoded = await app.inject({
      method: 'POST',
      url: '/encode',
      headers: { authorization: `Bearer ${STATIC_TOKEN}` },
      payload: { payloads: [plain] },
    });
    assert.equal(encoded.statusCode, 200);
    encrypted = encoded.json<{ payloads: unknown[] }>().payloads[0];
    assert.notDeepEqual(encrypted, plain, 'stored encrypted');
  });
  after(async () => {
    await app?.close();
    await issuer?.close();
    await other?.close();
  });

  test("the issuer's access token of the right audience, scope and group decodes", async () => {
    const res = await decode(`Bearer ${await sign({})}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { payloads: [plain] });
    // The key set is fetched once and cached.
    assert.equal((await decode(`Bearer ${await sign({})}`)).statusCode, 200);
    assert.equal(issuer.jwksRequests(), 1);
  });

  test('static tokens are still accepted beside sign-on', async () => {
    assert.equal((await decode(`Bearer ${STATIC_TOKEN}`)).statusCode, 200);
  });

  test('no token, another issuer, another audience, expired, or a shared-secret token: 401', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-that-anyone-could-know-000');
    const cases: Record<string, string | undefined> = {
      'no token': undefined,
      'not a JWT': 'Bearer not-a-jwt',
      'another issuer (its own key)': `Bearer ${await sign({}, { key: other.privateKey, kid: other.kid, iss: other.url })}`,
      'another issuer name, our key': `Bearer ${await sign({}, { iss: 'https://elsewhere.example.com' })}`,
      'another audience': `Bearer ${await sign({}, { aud: 'some-other-api' })}`,
      expired: `Bearer ${await sign({}, { exp: Math.floor(Date.now() / 1000) - 600 })}`,
      'signed by a key the issuer does not publish': `Bearer ${await sign({}, { key: other.privateKey })}`,
      HS256: `Bearer ${await new lib.SignJWT({ scope: 'codec:decode', groups: ['ops'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer.url)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(secret)}`,
    };
    for (const [what, authorization] of Object.entries(cases)) {
      const res = await decode(authorization);
      assert.equal(res.statusCode, 401, `${what}: ${res.body}`);
      assert.equal(res.json<{ error: string }>().error, 'unauthorized', what);
      assert.ok(!res.body.includes('c-1'), `${what}: nothing decoded`);
    }
  });

  test('a valid token without the required scope or group: 403', async () => {
    for (const [what, claims] of Object.entries({
      'no codec scope': { scope: 'openid profile' },
      'in no required group': { groups: ['support'] },
    })) {
      const res = await decode(`Bearer ${await sign(claims)}`);
      assert.equal(res.statusCode, 403, `${what}: ${res.body}`);
      assert.equal(res.json<{ error: string }>().error, 'forbidden', what);
    }
  });

  test('a refusal is reported by the failed check, never with the token or its subject', async () => {
    const authorize = oidcAccessTokenAuthorizer({
      issuer: issuer.url,
      audience: [AUDIENCE],
      onRefused: (reason) => refusals.push(reason),
    });
    const token = await sign({}, { aud: 'some-other-api' });
    assert.equal(await authorize(`Bearer ${token}`), false);
    assert.equal(await authorize(undefined), false);
    assert.equal(await authorize(`Bearer ${await sign({})}`), true);
    assert.deepEqual(refusals, ['ERR_JWT_CLAIM_VALIDATION_FAILED (aud)', 'no bearer token']);
    for (const reason of refusals) {
      assert.ok(!reason.includes(token.split('.')[1]!), 'no token in the reason');
      assert.ok(!reason.includes('operator@example.com'), 'no subject in the reason');
    }
  });
});

test('codec server config: sign-on alone replaces static tokens; its settings are checked together', () => {
  const issuer = 'https://login.example.com/realms/ops';
  const alone = loadCodecServerSetup(
    { ...keysEnv, CARDFLOW_CODEC_OIDC_ISSUER: issuer, CARDFLOW_CODEC_OIDC_AUDIENCE: AUDIENCE },
    false,
  );
  assert.deepEqual(alone.options.tokens, []);
  assert.equal(alone.oidc?.issuer, issuer);
  assert.deepEqual(alone.oidc?.audience, [AUDIENCE]);
  assert.ok(alone.options.authorize);
  assert.match(alone.tokenSource, /access tokens of https:\/\/login\.example\.com\/realms\/ops only/);
  assert.throws(
    () => loadCodecServerSetup({ ...keysEnv, CARDFLOW_CODEC_OIDC_ISSUER: issuer }, false),
    (e: unknown) => e instanceof ConfigError && /CARDFLOW_CODEC_OIDC_AUDIENCE: required/.test(e.message),
  );
  assert.throws(
    () => loadCodecServerSetup({ ...keysEnv, CARDFLOW_CODEC_OIDC_AUDIENCE: AUDIENCE }, false),
    (e: unknown) =>
      e instanceof ConfigError &&
      /CARDFLOW_CODEC_OIDC_AUDIENCE: set without CARDFLOW_CODEC_OIDC_ISSUER/.test(e.message),
  );
  assert.throws(
    () => loadCodecServerSetup({ ...keysEnv, CARDFLOW_CODEC_OIDC_ISSUER: 'not a url' }, false),
    /CARDFLOW_CODEC_OIDC_ISSUER/,
  );
});

test("the UI's sign-on preflight (Authorization-Extras) passes; TLS is configured as a pair", async () => {
  const ui = 'https://temporal-ui.example.com';
  const setup = loadCodecServerSetup(
    {
      ...keysEnv,
      CARDFLOW_CODEC_SERVER_TOKENS: STATIC_TOKEN,
      CARDFLOW_CODEC_SERVER_CORS_ORIGINS: ui,
    },
    false,
  );
  const app = buildCodecServer(setup.options);
  try {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/decode?preserveStorageRefs=true',
      headers: {
        origin: ui,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,authorization-extras,content-type,x-namespace',
      },
    });
    assert.equal(preflight.statusCode, 204);
    const allowed = String(preflight.headers['access-control-allow-headers']).split(/,\s*/);
    for (const header of ['authorization', 'authorization-extras', 'content-type', 'x-namespace'])
      assert.ok(allowed.includes(header), `${header} in ${allowed.join(', ')}`);
  } finally {
    await app.close();
  }
  assert.throws(
    () =>
      loadCodecServerSetup(
        { ...keysEnv, CARDFLOW_CODEC_SERVER_TOKENS: STATIC_TOKEN, CARDFLOW_CODEC_SERVER_TLS_CERT: 'pem' },
        false,
      ),
    /CARDFLOW_CODEC_SERVER_TLS_CERT and CARDFLOW_CODEC_SERVER_TLS_KEY: set both/,
  );
  const tls = loadCodecServerSetup(
    {
      ...keysEnv,
      CARDFLOW_CODEC_SERVER_TOKENS: STATIC_TOKEN,
      CARDFLOW_CODEC_SERVER_TLS_CERT: 'cert-pem',
      CARDFLOW_CODEC_SERVER_TLS_KEY: 'key-pem',
    },
    false,
  );
  assert.deepEqual(tls.options.tls, { cert: 'cert-pem', key: 'key-pem' });
});

test('an unreachable issuer refuses with a reason naming the discovery, and is tried again', async () => {
  const reasons: string[] = [];
  const authorize = oidcAccessTokenAuthorizer({
    issuer: 'http://127.0.0.1:9',
    audience: [AUDIENCE],
    onRefused: (reason) => reasons.push(reason),
  });
  assert.equal(await authorize('Bearer a.b.c'), false);
  assert.equal(await authorize('Bearer a.b.c'), false);
  assert.equal(reasons.length, 2);
  for (const reason of reasons) assert.match(reason, /^issuer keys unavailable: /);
});
