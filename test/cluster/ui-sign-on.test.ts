// The Web UI behind single sign-on, as production runs it: the pinned UI server (built from the Go
// module proxy by `cardflow cluster install`) with OIDC sign-on against a real issuer on loopback
// (oidc-provider), passing the operator's access token to the codec server, which verifies it
// (CARDFLOW_CODEC_OIDC_*). Headless Chromium signs in, opens a flow and reads its payloads and its
// summary decoded; the codec server refuses a request without a token, and refuses the same real
// token when it is configured for another audience or another issuer. Screenshots go to
// test-results/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium } from 'playwright-core';
import { loadCodecServerSetup } from '../../src/cli/codec-server-command';
import { startOptions } from '../../src/client/start-options';
import { depositInputSchema } from '../../src/contract';
import { loadCodecKeyring } from '../../src/security/codec-keys';
import { type RunningCodecServer, startCodecServer } from '../../src/security/codec-server';
import { createDataConverter } from '../../src/security/data-converter';
import { ensureUiServer, type RunningUiServer, startUiServer } from '../../tools/dev/cluster/ui-server';
import { freePort } from '../../tools/dev/ports';
import { type RunningOidcIssuer, startOidcIssuer } from '../helpers/oidc-issuer';
import { prerequisite } from '../helpers/prerequisites';
import { startDevServerEnv, TEST_NAMESPACE } from '../helpers/temporal-env';

const root = join(__dirname, '..', '..');
const artifacts = join(root, 'test-results');
const AUDIENCE = 'urn:cardflow:codec-server';
const SCOPE = 'codec:decode';
const CLIENT_ID = 'temporal-ui';
const run = randomBytes(4).toString('hex');
const codecEnv = {
  CARDFLOW_CODEC_KEYS: `ui-sign-on-${run}:${randomBytes(32).toString('base64')}`,
  CARDFLOW_CODEC_SERVER_BIND_ADDRESS: '127.0.0.1:0',
};
const input = depositInputSchema.parse({
  provider: 'wasabi',
  cardRef: `card-sso-${run}`,
  depositRef: `dep-sso-${run}`,
  amount: '25.00',
  currency: 'USD',
});

let env: TestWorkflowEnvironment;
let issuer: RunningOidcIssuer;
let codec: RunningCodecServer;
let ui: RunningUiServer;
let workflowId: string;
const stops: Array<() => Promise<unknown>> = [];

// The UI passes access tokens to an https:// codec endpoint only: a certificate for 127.0.0.1.
const tlsDir = mkdtempSync(join(tmpdir(), 'cardflow-ui-sign-on-tls-'));
function makeCertificate(): {
  CARDFLOW_CODEC_SERVER_TLS_CERT_FILE: string;
  CARDFLOW_CODEC_SERVER_TLS_KEY_FILE: string;
} {
  const cert = join(tlsDir, 'codec.crt');
  const key = join(tlsDir, 'codec.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { CARDFLOW_CODEC_SERVER_TLS_CERT_FILE: cert, CARDFLOW_CODEC_SERVER_TLS_KEY_FILE: key };
}

const tls = makeCertificate();
const ca = readFileSync(tls.CARDFLOW_CODEC_SERVER_TLS_CERT_FILE);

/** POST over HTTPS trusting the test certificate (fetch has no per-call CA). */
function postJson(url: string, body: string, headers: Record<string, string>, ca: Buffer) {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = httpsRequest(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.once('error', fail);
    req.end(body);
  });
}

/** A codec server for this keyring that accepts the sign-on's tokens only (no static token). */
async function codecServerFor(settings: { issuer: string; audience: string; origin: string }) {
  const setup = loadCodecServerSetup(
    {
      ...codecEnv,
      ...tls,
      CARDFLOW_CODEC_OIDC_ISSUER: settings.issuer,
      CARDFLOW_CODEC_OIDC_AUDIENCE: settings.audience,
      CARDFLOW_CODEC_OIDC_REQUIRED_SCOPES: SCOPE,
      CARDFLOW_CODEC_SERVER_CORS_ORIGINS: settings.origin,
    },
    false,
  );
  assert.deepEqual(setup.options.tokens, [], 'no static token: sign-on only');
  assert.ok(setup.options.tls, 'served over HTTPS');
  const server = await startCodecServer(setup.options);
  stops.push(() => server.close());
  return server;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const install = await ensureUiServer({ onProgress: (line) => console.log(line) });
  env = await startDevServerEnv();
  stops.push(() => env.teardown());
  const uiPort = await freePort();
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const clientSecret = randomBytes(24).toString('base64url');
  issuer = await startOidcIssuer({
    clientId: CLIENT_ID,
    clientSecret,
    redirectUris: [`${uiUrl}/auth/sso/callback`],
    audience: AUDIENCE,
    resourceScopes: [SCOPE],
  });
  stops.push(() => issuer.close());
  codec = await codecServerFor({ issuer: issuer.url, audience: AUDIENCE, origin: uiUrl });
  const logDir = mkdtempSync(join(tmpdir(), 'cardflow-ui-sign-on-'));
  ui = await startUiServer({
    install,
    host: '127.0.0.1',
    port: uiPort,
    temporalAddress: env.address,
    namespace: TEST_NAMESPACE,
    codecEndpoint: codec.url,
    logFile: join(logDir, 'ui-server.log'),
    signOn: {
      providerUrl: issuer.url,
      clientId: CLIENT_ID,
      clientSecret,
      scopes: ['openid', 'profile', 'email', SCOPE],
    },
  });
  stops.push(() => ui.stop());

  // A flow that waits for a worker that never comes: its input and summary stay in history,
  // encrypted with this run's key.
  const { keyring } = loadCodecKeyring({ env: codecEnv });
  const client = new Client({
    connection: env.connection,
    namespace: TEST_NAMESPACE,
    dataConverter: createDataConverter(keyring),
  });
  const options = startOptions('cardDeposit', input, `ui-sign-on-${run}`, keyring);
  workflowId = (await client.workflow.start('cardDeposit', options)).workflowId;
});

after(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(tlsDir, { recursive: true, force: true });
});

let accessToken = '';

test(
  'Chromium signs in through the UI, which passes the access token: the flow decodes',
  { timeout: 120_000 },
  async () => {
    const executablePath = prerequisite('chromium').require();
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    try {
      // The codec server's certificate is the test's own.
      const context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        ignoreHTTPSErrors: true,
      });
      const page = await context.newPage();
      const codecAuthorizations: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith(`${codec.url}/decode`) && request.method() === 'POST')
          codecAuthorizations.push(request.headers().authorization ?? '');
      });
      await page.goto(`${ui.url}/namespaces/${TEST_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`);
      // The issuer's login page (oidc-provider's development interaction: any user signs in).
      await page.waitForURL((url) => url.href.startsWith(issuer.url), { timeout: 30_000 });
      await page.locator('input[name="login"]').fill('operator-1');
      await page.locator('input[name="password"]').fill('any');
      await page.locator('button[type="submit"]').click();
      // Consent to the UI's request (openid, profile, email and the codec server's scope).
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.href.startsWith(ui.url), { timeout: 30_000 });
      await page.goto(`${ui.url}/namespaces/${TEST_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`);
      await page
        .getByText(`"depositRef": "${input.depositRef}"`)
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(async (error: unknown) => {
          await page.screenshot({ path: join(artifacts, 'temporal-ui-sign-on-failed.png'), fullPage: true });
          throw new Error(
            `${(error as Error).message}\ncodec calls: ${JSON.stringify(codecAuthorizations.map((a) => a.slice(0, 12)))}`,
          );
        });
      await page.screenshot({ path: join(artifacts, 'temporal-ui-sign-on-decoded.png'), fullPage: true });

      const sent = codecAuthorizations.find((a) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(a));
      assert.ok(sent, `the UI sent a JWT to the codec server: ${codecAuthorizations.length} decode calls`);
      accessToken = sent.slice('Bearer '.length);
      const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString());
      assert.equal(claims.iss, issuer.url);
      assert.equal(claims.aud, AUDIENCE);
      assert.match(claims.scope, new RegExp(`(^| )${SCOPE}( |$)`));

      // The flow's summary, stored encrypted as user metadata, reads decoded too.
      await page.getByText('User Metadata', { exact: true }).first().click();
      const summary = `Deposit ${input.depositRef} of 25.00 USD to card ${input.cardRef} (wasabi)`;
      // The UI renders metadata (markdown) in a sandboxed frame: the text is looked for in every frame.
      const shown = async () => {
        for (const frame of page.frames()) {
          const text = await frame
            .locator('body')
            .innerText({ timeout: 1_000 })
            .catch(() => '');
          if (text.replace(/\s+/g, ' ').includes(summary)) return true;
        }
        return false;
      };
      const until = Date.now() + 30_000;
      while (!(await shown())) {
        if (Date.now() > until) {
          await page.screenshot({ path: join(artifacts, 'temporal-ui-sign-on-failed.png'), fullPage: true });
          assert.fail(`the summary "${summary}" is not shown decoded`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await page.screenshot({ path: join(artifacts, 'temporal-ui-sign-on-summary.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  },
);

test(
  'the codec server refuses no token, and the same token for another audience or issuer',
  { timeout: 60_000 },
  async () => {
    assert.ok(accessToken, 'the browser test captured the access token');
    const client = new Client({ connection: env.connection, namespace: TEST_NAMESPACE });
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const payload = started?.input?.payloads?.[0];
    assert.ok(payload, 'the stored input');
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data ?? []).toString('base64'),
        },
      ],
    });
    assert.ok(
      !Buffer.from(payload.data ?? [])
        .toString()
        .includes(input.depositRef),
      'stored encrypted',
    );
    const decode = (server: RunningCodecServer, authorization?: string) =>
      postJson(`${server.url}/decode`, body, authorization ? { authorization } : {}, ca);

    const granted = await decode(codec, `Bearer ${accessToken}`);
    assert.equal(granted.status, 200, granted.body);
    const decoded = JSON.parse(granted.body) as { payloads: Array<{ data: string }> };
    assert.match(Buffer.from(decoded.payloads[0]!.data, 'base64').toString(), new RegExp(input.depositRef));

    assert.equal((await decode(codec)).status, 401, 'no token');
    assert.equal((await decode(codec, 'Bearer not.a.jwt')).status, 401, 'not a token of the issuer');
    const otherAudience = await codecServerFor({
      issuer: issuer.url,
      audience: 'urn:cardflow:another-api',
      origin: ui.url,
    });
    assert.equal((await decode(otherAudience, `Bearer ${accessToken}`)).status, 401, 'another audience');
    const otherIssuer = await startOidcIssuer({
      clientId: CLIENT_ID,
      clientSecret: randomBytes(24).toString('base64url'),
      redirectUris: [`${ui.url}/auth/sso/callback`],
      audience: AUDIENCE,
      resourceScopes: [SCOPE],
    });
    stops.push(() => otherIssuer.close());
    const forOtherIssuer = await codecServerFor({
      issuer: otherIssuer.url,
      audience: AUDIENCE,
      origin: ui.url,
    });
    assert.equal((await decode(forOtherIssuer, `Bearer ${accessToken}`)).status, 401, 'another issuer');
  },
);
