// The operator commands end to end: `cardflow sandbox kazepay` standalone (keys in the data
// folder, settings printed) and `cardflow provider kazepay <apiCode>` against it, masked output.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../../tools/cli/main';
import { runKazepayProviderCommand } from '../../../src/cli/providers/kazepay';
import { runKazepaySandboxCommand } from '../../../tools/sandbox/kazepay/cli';
import { PNG, waitFor } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'kazepay-cli-'));
const sandboxOut: string[] = [];
let stop: () => void;
let sandboxDone: Promise<number>;
let env: NodeJS.ProcessEnv;
let url: string;

before(async () => {
  const until = new Promise<void>((resolve) => (stop = resolve));
  sandboxDone = runKazepaySandboxCommand(
    ['--port', '0', '--data-dir', dataDir],
    { out: (l) => sandboxOut.push(l), err: (l) => sandboxOut.push(l) },
    { CARDFLOW_LOG_LEVEL: 'silent' },
    until,
  );
  await waitFor(() => sandboxOut.some((l) => l.includes('KAZEPAY_MERCHANT_PRIVATE_KEY_FILE')));
  env = { CARDFLOW_LOG_LEVEL: 'silent' };
  for (const line of sandboxOut) {
    const match = /^\s+(KAZEPAY_[A-Z_]+)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  url = env.KAZEPAY_BASE_URL!.replace(/\/$/, '');
});

after(async () => {
  stop();
  assert.equal(await sandboxDone, 0);
  rmSync(dataDir, { recursive: true, force: true });
});

async function ops(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKazepayProviderCommand(
    args,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    env,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('the standalone sandbox prints its URL, platform key and the client settings', () => {
  const text = sandboxOut.join('\n');
  assert.match(text, /KazePay sandbox listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(text, /-----BEGIN PUBLIC KEY-----/);
  assert.ok(
    env.KAZEPAY_SYS_ID && env.KAZEPAY_PLATFORM_PUBLIC_KEY_FILE && env.KAZEPAY_MERCHANT_PRIVATE_KEY_FILE,
  );
  assert.ok(env.KAZEPAY_PLATFORM_PUBLIC_KEY_FILE.startsWith(dataDir));
});

test('one signed call: the verified answer is printed', async () => {
  const result = await ops('setWebhookUrl', '--body', '{"url":"https://merchant.example/hook"}');
  assert.equal(result.code, 0, result.err);
  const printed = JSON.parse(result.out) as { head: { code: string; requestNo: string }; body: unknown };
  assert.equal(printed.head.code, 'SUCCESS');
  assert.match(printed.head.requestNo, /^\d{24}$/);
  assert.deepEqual(printed.body, { encrypt: 'SUCCESS', url: 'https://merchant.example/hook' });
});

test('a card journey through the ops command; card data masked unless --reveal', async () => {
  const email = 'ops.user@example.com';
  const contact = `"email":"${email}","mobileNumber":"15659874544","mobilePrefix":"60"`;
  const image = join(dataDir, 'front.png');
  writeFileSync(image, PNG);
  const upload = await ops('fileUpload', '--body', `{${contact}}`, '--file', image, '--reveal');
  assert.equal(upload.code, 0, upload.err);
  const fileId = (JSON.parse(upload.out) as { body: { fileId: string } }).body.fileId;

  const kyc = await ops(
    'setUcardKyc',
    '--body',
    JSON.stringify({
      email,
      mobileNumber: '15659874544',
      mobilePrefix: '60',
      mobilePrefixCountry: 'MY',
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '1985-12-10',
      addressLine: '12 Jalan Ampang',
      city: 'Kuala Lumpur',
      countryCode: 'MY',
      postCode: '50450',
      state: 'Wilayah Persekutuan',
      identificationType: 'PASSPORT',
      identificationNumber: 'A1234567',
      identificationExpiryDate: '2031-05-01',
      frontImgFileId: fileId,
      handheldImgFileId: fileId,
    }),
  );
  assert.equal(kyc.code, 0, kyc.err);
  await fetch(`${url}/_sandbox/advance`, { method: 'POST' });
  const [cardNumber] = (await (await fetch(`${url}/_sandbox/cards/stock`)).json()) as string[];
  const assign = await ops(
    'ucardAssign',
    '--body',
    `{"email":"${email}","cardNumber":"${cardNumber}","autoActive":true}`,
  );
  assert.equal(assign.code, 0, assign.err);
  const cardID = (JSON.parse(assign.out) as { body: { cardID: string } }).body.cardID;
  await fetch(`${url}/_sandbox/advance`, { method: 'POST' });

  const masked = await ops('queryCard', '--body', `{"cardID":"${cardID}"}`);
  assert.equal(masked.code, 0, masked.err);
  const body = (JSON.parse(masked.out) as { body: Record<string, string> }).body;
  assert.equal(body.cardNo, `****${cardNumber!.slice(-4)}`);
  assert.equal(body.cardHolderEmail, '[REDACTED]');
  assert.equal(body.userBankCardStatus, 'ACTIVE');
  assert.ok(!masked.out.includes(cardNumber!));
  assert.ok(!masked.out.includes(email));
  assert.match(masked.err, /masked/);

  const revealed = await ops('queryCard', '--body', `{"cardID":"${cardID}"}`, '--reveal');
  assert.equal((JSON.parse(revealed.out) as { body: Record<string, string> }).body.cardNo, cardNumber);

  const balance = await ops(
    'cardRecharge',
    '--body',
    `{"cardID":"${cardID}","currency":"USD","amount":12.50}`,
  );
  assert.equal(balance.code, 0, balance.err);
  assert.equal((JSON.parse(balance.out) as { body: { sendAmount: string } }).body.sendAmount, '12.50');
});

test('bad input is refused before sending, naming the field and the rule', async () => {
  const result = await ops('cardSetPin', '--body', '{"cardID":"3377","pin":"12"}');
  assert.equal(result.code, 2);
  assert.match(result.err, /pin: must be exactly six digits/);
});

test('a business refusal prints the provider code and detail', async () => {
  const result = await ops('queryCard', '--body', '{"cardID":"424242"}');
  assert.equal(result.code, 1);
  assert.match(result.err, /ProviderRejectedError: code=CARD_NOT_FOUND detail=no such card/);
});

test('missing credentials: one message naming every variable', async () => {
  const err: string[] = [];
  const code = await runCli(['provider', 'kazepay', 'getWebhookUrl'], {
    out: () => undefined,
    err: (l) => err.push(l),
  });
  // process.env has no KAZEPAY_* settings in the test run.
  assert.equal(code, 1);
  for (const name of [
    'KAZEPAY_BASE_URL',
    'KAZEPAY_SYS_ID',
    'KAZEPAY_MERCHANT_PRIVATE_KEY',
    'KAZEPAY_PLATFORM_PUBLIC_KEY',
  ])
    assert.match(err.join('\n'), new RegExp(name));
});

test('the CLI lists the commands and refuses an unknown provider', async () => {
  const out: string[] = [];
  assert.equal(await runCli(['help'], { out: (l) => out.push(l), err: () => undefined }), 0);
  assert.match(out.join('\n'), /sandbox/);
  assert.match(out.join('\n'), /provider/);
  const err: string[] = [];
  assert.equal(await runCli(['sandbox', 'nowhere'], { out: () => undefined, err: (l) => err.push(l) }), 2);
  assert.match(err.join('\n'), /unknown sandbox nowhere/);
});
