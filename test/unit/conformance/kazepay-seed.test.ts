// KazePay U-Card against its own document (seed 000_7995e95af792985e.txt): every JSON example of
// the seed is a fixture named by its line. For each of the 15 operations:
//  1. request: the seed's request body, verbatim, in the seed's request envelope (its apiCode,
//     sysId and requestNo), sealed by openssl, is accepted by the sandbox's validation;
//  2. answer: the seed's answer body, verbatim, is parsed by the client's schema into the result
//     written below from the seed;
//  3. end to end: the client with default settings calls a stand-in HTTP server that checks the
//     request with openssl (decrypts, verifies, compares with the seed's request body) and answers
//     with the seed's answer envelope verbatim (its requestNo, sysId, apiCode), sealed by openssl.
// The seed's sign / keyEnc / body.encrypt values are truncated ("***") or made with KazePay's
// keys, so they are the only text replaced: by openssl's, over the seed's exact business bytes.
import assert from 'node:assert/strict';
import { prerequisite } from '../../helpers/prerequisites';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parse } from 'lossless-json';
import { KazepayClient } from '../../../src/providers/kazepay/client';
import { KAZEPAY_OPERATIONS, type OperationName } from '../../../src/providers/kazepay/operations';
import { parseProviderJson } from '../../../src/providers/json';
import { startKazepaySandbox } from '../../../tools/sandbox/kazepay/server';
import { OpensslEnvelope } from './openssl-envelope';
import {
  exampleAt,
  exampleStarts,
  KAZEPAY_SEED,
  replaceStringValue,
  seedLines,
  sharedSeedText,
  where,
} from './seed-text';
import { checkDocSection, renderTable, type Row } from './table';

const SEED = KAZEPAY_SEED;

interface Fixture {
  /** The client's operation name. */
  op: OperationName;
  label: string;
  /** Line of the "Request Body Example" (absent: the seed has none; `tableBody` is used). */
  requestBody?: number;
  /** The body written from the field table when the seed shows none. */
  tableBody?: string;
  /** Line of the request envelope example (absent for fileUpload: multipart, none shown). */
  requestEnvelope?: number;
  /** Line of the "Response Body Example" (absent: `tableAnswer` from the field table). */
  responseBody?: number;
  tableAnswer?: string;
  responseEnvelope: number;
  /** The client's typed result, written from the seed's answer. */
  expected: unknown;
}

const KYC_STATUS = { encrypt: 'SUCCESS', status: 'WAITING_KYC' };

const FIXTURES: Fixture[] = [
  {
    op: 'setUcardKycBase64',
    label: 'setUcardKyc (base64 images, deprecated)',
    requestBody: 21,
    requestEnvelope: 40,
    responseBody: 57,
    responseEnvelope: 61,
    expected: KYC_STATUS,
  },
  {
    op: 'fileUpload',
    label: 'fileUpload',
    requestBody: 84,
    responseBody: 93,
    responseEnvelope: 97,
    expected: { encrypt: 'SUCCESS', fileId: '004a0d62-c901-459d-b32b-1f992a451ba1' },
  },
  {
    op: 'setUcardKyc',
    label: 'setUcardKyc (file ids)',
    requestBody: 132,
    requestEnvelope: 151,
    responseBody: 168,
    responseEnvelope: 172,
    expected: KYC_STATUS,
  },
  {
    op: 'setUserKyc',
    label: 'setUserKyc',
    requestBody: 204,
    requestEnvelope: 221,
    responseBody: 238,
    responseEnvelope: 242,
    expected: { encrypt: 'SUCCESS', kycUrl: 'https://' },
  },
  {
    op: 'queryUcardKycStatus',
    label: 'queryUcardKycStatus',
    requestBody: 262,
    requestEnvelope: 265,
    responseBody: 282,
    responseEnvelope: 286,
    expected: { encrypt: 'SUCCESS', status: 'PASSED' },
  },
  {
    op: 'ucardAssign',
    label: 'ucardAssign',
    requestBody: 307,
    requestEnvelope: 312,
    responseBody: 329,
    responseEnvelope: 333,
    expected: { encrypt: 'SUCCESS', cardID: '3377' },
  },
  {
    op: 'ucardActive',
    label: 'ucardActive',
    requestBody: 353,
    requestEnvelope: 357,
    responseBody: 375,
    responseEnvelope: 380,
    expected: { encrypt: 'SUCCESS', cardID: '3295', status: 'ACTIVE_PROCESSING' },
  },
  {
    op: 'cardSetPin',
    label: 'cardSetPin',
    requestBody: 400,
    requestEnvelope: 404,
    // The seed gives the field table (encrypt: SUCCESS | FAILED) but no answer body example.
    tableAnswer: '{"encrypt":"SUCCESS"}',
    responseEnvelope: 420,
    expected: { encrypt: 'SUCCESS' },
  },
  {
    op: 'queryCard',
    label: 'queryCard',
    // No request body example: the field table's one field, with the answer's card id.
    tableBody: '{"cardID":"19181"}',
    requestEnvelope: 438,
    responseBody: 467,
    responseEnvelope: 483,
    expected: {
      cardID: '19181',
      cardNo: '2229298088662389',
      cardCvv: '195',
      expiryDate: '2707',
      currency: 'USD',
      userBankCardStatus: 'ACTIVE',
      cardHolderEmail: 'kazepay@kazepay.io',
      cardHolderMobileNumber: '108248888',
      cardHolderMobilePrefix: '60',
      countryCode: 'HONG KONG',
      billingState: 'HONG KONG',
      billingCity: 'HONG KONG',
      billingAddress: '17/F FWD FINANCIAL CTR 308 DES VOEUX RD CENTRAL HK',
      billingZipCode: '000000',
    },
  },
  {
    op: 'cardBalance',
    label: 'cardBalance',
    requestBody: 503,
    requestEnvelope: 507,
    responseBody: 526,
    responseEnvelope: 532,
    expected: { cardID: '19181', currency: 'USD', avaBalance: '18506.25', blockBalance: '2020.00' },
  },
  {
    op: 'cardRecharge',
    label: 'cardRecharge',
    requestBody: 553,
    requestEnvelope: 558,
    responseBody: 578,
    responseEnvelope: 585,
    expected: {
      cardID: '19181',
      currency: 'USD',
      transactionId: 'LM2312151602393234580',
      transactionStatus: 'PENDING',
      sendAmount: '5000.00',
    },
  },
  {
    op: 'queryTransactions',
    label: 'queryTransactions',
    requestBody: 610,
    requestEnvelope: 614,
    responseBody: 643,
    responseEnvelope: 661,
    expected: [
      {
        cardID: '19181',
        transactionId: '57724528-78b6-4ae2-919f-1efff348f460',
        transactionTime: '2024-02-08 13:17:02',
        cardCurrency: 'USD',
        cardCurrencyAmt: '-13.09',
        transCurrency: 'EUR',
        transCurrencyAmt: '-11.90',
        feeCurrency: 'USD',
        fee: '-0.250000',
        transStatus: 'PENDING',
        transType: 'Expenditure',
        merchantName: 'MEITUAN FOOD BEIJING CHN',
        respCode: '000000',
        respCodeDesc: 'SUCCESS',
      },
    ],
  },
  {
    op: 'updCardStatus',
    label: 'updCardStatus',
    requestBody: 681,
    requestEnvelope: 685,
    responseBody: 702,
    responseEnvelope: 706,
    expected: { cardID: '19181', status: 'INACTIVE' },
  },
  {
    op: 'closeCard',
    label: 'closeCard',
    tableBody: '{"cardID":"19181"}',
    requestEnvelope: 725,
    responseBody: 745,
    responseEnvelope: 752,
    expected: {
      cardID: '19181',
      status: 'CLOSE_PROCESSING',
      refundAmt: '65.22',
      currency: 'USD',
      txnId: '2412111444075320115',
    },
  },
  {
    op: 'getCardId',
    label: 'getCardId',
    requestBody: 771,
    requestEnvelope: 774,
    responseBody: 791,
    responseEnvelope: 795,
    expected: { cardID: '19181', cardNo: '123456123456' },
  },
];

/**
 * The one edit that makes a seed example JSON: the queryTransactions answer (line 643) ends its
 * array with a line `...` ("more rows"). That line and the comma before it are dropped.
 */
function answerText(f: Fixture): string {
  if (f.responseBody === undefined) return f.tableAnswer!;
  const text = exampleAt(SEED, f.responseBody);
  return f.op === 'queryTransactions' ? text.replace(/,\n\.\.\.\n\]$/, '\n]') : text;
}

function requestText(f: Fixture): string {
  return f.requestBody === undefined ? f.tableBody! : exampleAt(SEED, f.requestBody);
}

/** JSON with numbers kept as their text and marked as numbers (so "5000.00" ≠ 5000.00). */
const exact = (text: string) => parse(text, null, (n: string) => ({ number: n }));

/** The client input for an operation, from the seed's request body (numbers as their text). */
function clientInput(f: Fixture): Record<string, unknown> {
  const input = parse(requestText(f), null, (n: string) => n) as Record<string, unknown>;
  if (f.op === 'fileUpload') input.file = { fileName: 'front.png', content: PNG };
  return input;
}

/** A 1x1 PNG: fileUpload's image (the seed shows only the form's text fields). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** The validation refusals of the sandbox: anything else means the request passed validation. */
const VALIDATION_CODES = new Set([
  'PARAM_ERROR',
  'SIGN_ERROR',
  'DECRYPT_ERROR',
  'INVALID_SYS_ID',
  'DUPLICATE_REQUEST_NO',
  'API_CODE_NOT_SUPPORTED',
]);

const ssl = new OpensslEnvelope();
let merchant: ReturnType<OpensslEnvelope['keyPair']>;
let platform: ReturnType<OpensslEnvelope['keyPair']>;
const rows = new Map<string, Row>();
const row = (f: Fixture) => {
  let r = rows.get(f.label);
  if (!r) {
    const req =
      f.requestBody !== undefined
        ? `${f.requestBody}`
        : f.requestEnvelope !== undefined
          ? `${f.requestEnvelope} (body: field table)`
          : '-';
    const res =
      f.responseBody !== undefined ? `${f.responseBody}` : `${f.responseEnvelope} (body: field table)`;
    r = { operation: f.label, seed: `${req} / ${res}`, request: 'FAIL', response: 'FAIL', endToEnd: 'FAIL' };
    rows.set(f.label, r);
  }
  return r;
};

before(() => {
  merchant = ssl.keyPair('merchant');
  platform = ssl.keyPair('platform');
});
after(() => ssl.cleanup());

const sharedSeeds = prerequisite('sharedSeeds');

describe('KazePay seed 000: the fixtures are the seed', () => {
  test('the vendored seed is byte-for-byte ../shared/seeds', { skip: sharedSeeds.skip }, () => {
    sharedSeeds.require();
    const shared = sharedSeedText(SEED);
    assert.equal(seedLines(SEED).join('\n'), shared);
  });

  test('every JSON example of the seed is a fixture, and every fixture line starts one', () => {
    const used = FIXTURES.flatMap((f) =>
      [f.requestBody, f.requestEnvelope, f.responseBody, f.responseEnvelope].filter(
        (l): l is number => l !== undefined,
      ),
    ).sort((a, b) => a - b);
    assert.deepEqual(used, exampleStarts(SEED));
    assert.equal(FIXTURES.length, 15);
  });

  test('12 of the 14 request/answer envelope pairs carry different requestNos (why the default warns)', () => {
    const pairs = FIXTURES.filter((f) => f.requestEnvelope !== undefined);
    const differ = pairs.filter(
      (f) =>
        (exact(exampleAt(SEED, f.requestEnvelope!)) as { head: { requestNo: string } }).head.requestNo !==
        (exact(exampleAt(SEED, f.responseEnvelope)) as { head: { requestNo: string } }).head.requestNo,
    );
    assert.equal(pairs.length, 14);
    assert.equal(differ.length, 12);
  });
});

describe('KazePay seed 000: each request is accepted by the sandbox', () => {
  for (const f of FIXTURES) {
    test(`${f.label} (${where(SEED, f.requestBody ?? f.requestEnvelope!)})`, async () => {
      const envelopeText = f.requestEnvelope === undefined ? undefined : exampleAt(SEED, f.requestEnvelope);
      const head = envelopeText
        ? (JSON.parse(envelopeText) as { head: Record<string, string> }).head
        : { apiCode: 'fileUpload', sysId: '202402271432298822660001', requestNo: '2025061308514612345678' };
      const sandbox = await startKazepaySandbox({
        merchantPublicKey: merchant.publicPem,
        platformPrivateKey: platform.privatePem,
        sysId: head.sysId!,
      });
      try {
        const sealed = ssl.seal(requestText(f), merchant.key, platform.pub);
        let response: Response;
        if (envelopeText) {
          // The seed's envelope text, only its three crypto values replaced.
          let wire = replaceStringValue(envelopeText, 'sign', sealed.sign);
          wire = replaceStringValue(wire, 'keyEnc', sealed.keyEnc);
          wire = replaceStringValue(wire, 'encrypt', sealed.encrypt);
          response = await fetch(sandbox.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: wire,
          });
        } else {
          // fileUpload: multipart (the layout is UNCONFIRMED: head, body, file).
          const form = new FormData();
          form.set(
            'head',
            JSON.stringify({ ...head, version: '1.0', sign: sealed.sign, keyEnc: sealed.keyEnc }),
          );
          form.set('body', JSON.stringify({ encrypt: sealed.encrypt }));
          form.set('file', new Blob([PNG], { type: 'image/png' }), 'front.png');
          response = await fetch(sandbox.url, { method: 'POST', body: form });
        }
        const answer = JSON.parse(await response.text()) as {
          head: Record<string, string>;
          body?: { encrypt: string };
        };
        const code = answer.head.code ?? `HTTP ${response.status}`;
        assert.ok(!VALIDATION_CODES.has(code), `refused by validation: ${code} ${answer.head.detail ?? ''}`);
        assert.equal(answer.head.requestNo, head.requestNo);
        if (code === 'SUCCESS') {
          // The sandbox's answer, opened by openssl with the merchant key and the platform key.
          const opened = ssl.open(
            { ...answer.head, encrypt: answer.body!.encrypt } as never,
            merchant.key,
            platform.pub,
          );
          assert.equal(opened.verdict, 'Verified OK');
          assert.equal((JSON.parse(opened.business) as { encrypt?: string }).encrypt ?? 'SUCCESS', 'SUCCESS');
        }
        row(f).request = code === 'SUCCESS' ? 'yes (SUCCESS)' : `yes (answers ${code})`;
      } finally {
        await sandbox.close();
      }
    });
  }
});

describe('KazePay seed 000: each answer is parsed by the client', () => {
  for (const f of FIXTURES) {
    test(`${f.label} (${where(SEED, f.responseBody ?? f.responseEnvelope)})`, () => {
      const parsed = KAZEPAY_OPERATIONS[f.op].response.safeParse(parseProviderJson(answerText(f)));
      assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
      assert.deepEqual(parsed.data, f.expected);
      row(f).response = f.responseBody === undefined ? 'yes (field-table body)' : 'yes';
    });
  }
});

describe('KazePay seed 000: the client (default settings) end to end against the seed answers', () => {
  let server: Server;
  let url = '';
  let current: Fixture;
  const seen: Array<{ apiCode: string; business: string; verdict: string; requestNo: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const raw = Buffer.concat(chunks);
          let head: Record<string, string>;
          let encrypt: string;
          const type = req.headers['content-type'] ?? '';
          if (type.startsWith('multipart/form-data')) {
            const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
            head = JSON.parse(String(form.get('head'))) as Record<string, string>;
            encrypt = (JSON.parse(String(form.get('body'))) as { encrypt: string }).encrypt;
          } else {
            const envelope = JSON.parse(raw.toString('utf8')) as {
              head: Record<string, string>;
              body: { encrypt: string };
            };
            head = envelope.head;
            encrypt = envelope.body.encrypt;
          }
          const opened = ssl.open(
            { sign: head.sign!, keyEnc: head.keyEnc!, encrypt },
            platform.key,
            merchant.pub,
          );
          seen.push({
            apiCode: head.apiCode!,
            business: opened.business,
            verdict: opened.verdict,
            requestNo: head.requestNo!,
          });
          // The seed's answer envelope verbatim; sign / keyEnc / encrypt made by openssl over the
          // seed's answer body bytes.
          const sealed = ssl.seal(answerText(current), platform.key, merchant.pub);
          let wire = replaceStringValue(exampleAt(SEED, current.responseEnvelope), 'sign', sealed.sign);
          wire = replaceStringValue(wire, 'keyEnc', sealed.keyEnc);
          wire = replaceStringValue(wire, 'encrypt', sealed.encrypt);
          res.writeHead(200, { 'content-type': 'application/json' }).end(wire);
        })().catch((error: unknown) => res.writeHead(500).end(String(error)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const f of FIXTURES) {
    test(`${f.label} (${where(SEED, f.responseEnvelope)})`, async () => {
      current = f;
      // Default settings: only the gateway, the merchant id and the two keys.
      const client = new KazepayClient({
        baseUrl: url,
        sysId: '202402271432298822660001',
        merchantPrivateKey: merchant.privatePem,
        platformPublicKey: platform.publicPem,
      });
      const result = await client.call(f.op, clientInput(f) as never);
      assert.deepEqual(result, f.expected);
      const request = seen.at(-1)!;
      assert.equal(request.verdict, 'Verified OK', 'openssl verifies the client signature');
      assert.equal(request.apiCode, KAZEPAY_OPERATIONS[f.op].apiCode);
      // What the client sent is the seed's request body (same fields, values and JSON types).
      assert.deepEqual(exact(request.business), exact(requestText(f)));
      const answerNo = (JSON.parse(exampleAt(SEED, f.responseEnvelope)) as { head: { requestNo: string } })
        .head.requestNo;
      row(f).endToEnd = answerNo === request.requestNo ? 'yes' : 'yes (answer requestNo differs: warned)';
    });
  }

  test('derived from the seed (not its text): 1.0E7 amounts and a numeric cardID are read', async () => {
    current = {
      ...FIXTURES.find((f) => f.op === 'cardBalance')!,
      responseBody: undefined,
      tableAnswer: '{"cardID":19181,"currency":"USD","avaBalance":1.0E7,"blockBalance":2.5E-1}',
    };
    const client = new KazepayClient({
      baseUrl: url,
      sysId: '202402271432298822660001',
      merchantPrivateKey: merchant.privatePem,
      platformPublicKey: platform.publicPem,
    });
    assert.deepEqual(await client.cardBalance({ cardID: '19181', currency: 'USD' }), {
      cardID: '19181',
      currency: 'USD',
      avaBalance: '10000000',
      blockBalance: '0.25',
    });
  });
});

describe('KazePay seed 000: the table', () => {
  test('printed, and the same in docs/providers/seed-conformance.md', () => {
    const table = renderTable(FIXTURES.map(row));
    console.log(`\nKazePay U-Card, seed ${SEED}\n${table}\n`);
    const { ok, documented } = checkDocSection('kazepay', table);
    assert.ok(ok, `the document's table differs (UPDATE_SEED_CONFORMANCE=1 rewrites it):\n${documented}`);
    assert.ok(
      FIXTURES.every((f) => !Object.values(row(f)).includes('FAIL')),
      'every operation passes all three checks',
    );
  });
});
