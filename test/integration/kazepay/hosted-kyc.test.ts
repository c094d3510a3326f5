// The kycUrl that setUserKyc answers is a page a person can open in a browser: the applicant's
// status and Pass / Reject buttons (a form POST of decision=pass|reject to the same URL) that
// decide the KYC as KazePay's reviewer would: the status changes and kycStatusNotify goes out.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { KazepayClient } from '../../../src/providers/kazepay/client';
import type { KazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { clientFor, identity, startSandbox, uniqueEmail, waitFor } from './helpers';

let sandbox: KazepaySandbox;
let client: KazepayClient;
/** Where the sandbox sends its notifications (what was sent is read from the sandbox's record). */
let receiver: Server;

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // The timer is off: only the page decides (real-time timings besides). One send, at once.
  sandbox = await startSandbox({ hostedKycTimer: false, webhookScheduleMs: [0] });
  client = clientFor(sandbox);
  await client.setWebhookUrl({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
});
after(async () => {
  await sandbox.close();
  receiver.close();
});

async function hosted(tag: string) {
  const email = uniqueEmail(tag);
  const { kycUrl } = await client.setUserKyc(identity(email));
  return { email, kycUrl };
}

const decide = (kycUrl: string, decision: string) =>
  fetch(kycUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ decision }).toString(),
    redirect: 'manual',
  });

const kycNotices = (email: string) =>
  sandbox.control.webhooks
    .deliveries()
    .filter((d) => d.meta.event === 'kycStatusNotify' && d.meta.key === email.toLowerCase());

describe('the hosted KYC page', () => {
  test('GET answers 200 text/html: the status, Pass and Reject buttons posting to the same URL, no external asset', async () => {
    const { kycUrl } = await hosted('page');
    const response = await fetch(kycUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
    const html = await response.text();
    assert.match(html, /<form method="post" action="[^"]*">/);
    assert.match(html, /<button[^>]* name="decision" value="pass"[^>]*>Pass<\/button>/);
    assert.match(html, /<button[^>]* name="decision" value="reject"[^>]*>Reject<\/button>/);
    assert.match(html, /WAITING_KYC/);
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no external assets');
    assert.doesNotMatch(html, /Lovelace|A1234567|15659874544/, 'no identity data on the page');
  });

  test('without the timer nothing decides the KYC but the page', async () => {
    const { email } = await hosted('waits');
    await sandbox.control.advance();
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'WAITING_KYC');
  });

  test('Pass: the status becomes PASSED, kycStatusNotify goes out, the page shows it', async () => {
    const { email, kycUrl } = await hosted('pass');
    const response = await decide(kycUrl, 'pass');
    assert.equal(response.status, 303);
    assert.equal(new URL(response.headers.get('location') ?? '', kycUrl).href, kycUrl);
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
    // The notification is sent as for the timer: one kycStatusNotify, attempted over HTTP.
    await waitFor(() => kycNotices(email).some((d) => d.attempts.length > 0));
    assert.equal(kycNotices(email).length, 1);
    assert.match(await (await fetch(kycUrl)).text(), /PASSED/);
    // Decided once: a second decision is refused and changes nothing.
    assert.equal((await decide(kycUrl, 'reject')).status, 409);
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
  });

  test('Reject: the status becomes REJECTED', async () => {
    const { email, kycUrl } = await hosted('reject');
    assert.equal((await decide(kycUrl, 'reject')).status, 303);
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'REJECTED');
    assert.equal(kycNotices(email).length, 1);
  });

  test('an unknown token is 404; a decision other than pass or reject is 400', async () => {
    const { email, kycUrl } = await hosted('bad');
    const unknown = kycUrl.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    assert.equal((await fetch(unknown)).status, 404);
    assert.equal((await decide(unknown, 'pass')).status, 404);
    assert.equal((await decide(kycUrl, 'maybe')).status, 400);
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'WAITING_KYC');
  });

  test('a resubmission after a rejection gets a new page; the old URL is gone', async () => {
    const { email, kycUrl } = await hosted('again');
    await decide(kycUrl, 'reject');
    const again = await client.setUserKyc(identity(email));
    assert.notEqual(again.kycUrl, kycUrl);
    assert.equal((await fetch(kycUrl)).status, 404);
    assert.equal((await decide(again.kycUrl, 'pass')).status, 303);
    assert.equal((await client.queryUcardKycStatus({ email })).status, 'PASSED');
  });
});

describe('hostedKycTimer (default true)', () => {
  test('on: the hosted KYC also passes after kycReviewMs, as before', async () => {
    const timed = await startSandbox();
    try {
      const c = clientFor(timed);
      const email = uniqueEmail('timer');
      const { kycUrl } = await c.setUserKyc(identity(email));
      await timed.control.advance();
      assert.equal((await c.queryUcardKycStatus({ email })).status, 'PASSED');
      assert.equal((await decide(kycUrl, 'reject')).status, 409);
    } finally {
      await timed.close();
    }
  });
});
