// WasabiCard against its own document (seed 002_7092e48c419df6d6.txt, Card Management): every
// JSON example of the seed is a fixture named by its line. The seed shows answers only; each
// request is written from its operation's field table, with values taken from the seed's answers.
// For each of the 12 operations:
//  1. request: signed by openssl, sent to the sandbox with its api key, passes the sandbox's
//     validation (and the sandbox's answer signature verifies with openssl);
//  2. answer: the seed's example is parsed by the client's schema into the result written below;
//  3. end to end: the client with default settings calls a stand-in HTTP server that verifies
//     the request signature with openssl, checks the seed-required request fields, and answers
//     with the seed's example verbatim, signed by openssl over those exact bytes.
import assert from 'node:assert/strict';
import { prerequisite } from '../../helpers/prerequisites';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import { createWasabiActivities } from '../../../activities/wasabi/activities';
import { parseProviderJson } from '../../../src/providers/json';
import { WasabiClient } from '../../../src/providers/wasabi/client';
import { WASABI_PATHS } from '../../../src/providers/wasabi/paths';
import * as card from '../../../src/providers/wasabi/schemas/card';
import { page } from '../../../src/providers/wasabi/schemas/primitives';
import { startWasabiSandbox, type WasabiSandbox } from '../../../tools/sandbox/wasabi';
import { OpensslEnvelope } from './openssl-envelope';
import { exampleAt, exampleStarts, seedLines, sharedSeedText, WASABI_SEED, where } from './seed-text';
import { checkDocSection, renderTable, type Row } from './table';

const SEED = WASABI_SEED;
const ORDER_NO = 'T1852379826671345664'; // the seed's merchantOrderNo (20 characters)
const CARD = 'FC202408181555232422322004'; // card/info's cardNo
const CARD2 = '38928421021320391244'; // the v2 orders' cardNo
const AUTH_CARD = '1242352328671924231'; // authTransaction's and 3DS's cardNo

interface Fixture {
  label: string;
  path: string;
  /** Lines of the answer example(s). */
  answers: number[];
  /** The request, from the field table (seed values), as sent. */
  request: string;
  /** Request fields the field table marks `true`. */
  required: string[];
  call: (c: WasabiClient) => Promise<unknown>;
  /** The answer's `data` as the client's schema reads it. */
  schema: z.ZodType;
  /** Fields of the client's result, written from the seed's example. */
  expected: Record<string, unknown>;
}

const order = (type: string, extra: Record<string, unknown> = {}) => ({
  orderNo: '1852379830190366720',
  merchantOrderNo: ORDER_NO,
  currency: 'USD',
  fee: '0',
  receivedAmount: '0',
  receivedCurrency: 'USD',
  type,
  status: 'processing',
  ...extra,
});

const FIXTURES: Fixture[] = [
  {
    label: 'v2/cardTypes',
    path: WASABI_PATHS.cardTypesV2,
    answers: [294],
    request: '{}',
    required: [],
    call: (c) => c.cardTypes(),
    schema: card.cardTypeV2Schema.array(),
    expected: {
      0: {
        cardTypeId: '111002',
        bankCardBin: '4866',
        cardPrice: '10',
        depositAmountMinQuotaForActiveCard: '10',
        depositAmountMaxQuotaForActiveCard: '100000',
        rechargeMinQuota: '20',
        rechargeMaxQuota: '100000',
        rechargeFeeRate: '1',
        rechargeDigital: 2,
        needCardHolder: false,
        status: 'online',
      },
    },
  },
  {
    label: 'openCard',
    path: WASABI_PATHS.openCard,
    answers: [502],
    request: `{"merchantOrderNo":"${ORDER_NO}","cardTypeId":111002,"amount":15}`,
    required: ['merchantOrderNo', 'cardTypeId'],
    call: (c) => c.openCard({ merchantOrderNo: ORDER_NO, cardTypeId: '111002', amount: '15' }),
    schema: card.openCardDataSchema,
    expected: order('create', { cardNo: null, amount: '15', remark: null, transactionTime: 1730476741729 }),
  },
  {
    label: 'card/info',
    path: WASABI_PATHS.cardInfo,
    answers: [675],
    request: `{"cardNo":"${CARD}","onlySimpleInfo":false}`,
    required: ['cardNo'],
    call: (c) => c.cardInfo({ cardNo: CARD, onlySimpleInfo: false }),
    schema: card.cardInfoSchema,
    expected: {
      holderId: '10090',
      cardNo: CARD,
      cardNumber: '202404000000000083',
      status: 'cancel',
      statusStr: 'Canceled',
      bindTime: 1723997214000,
      balanceInfo: { cardNo: CARD, amount: '10', usedAmount: '1', currency: 'USD' },
    },
  },
  {
    label: 'balanceInfo',
    path: WASABI_PATHS.balance,
    answers: [760],
    request: `{"cardNo":"${CARD}"}`,
    required: ['cardNo'],
    call: (c) => c.balance({ cardNo: CARD }),
    schema: card.balanceSchema,
    expected: { cardNo: CARD, amount: '10', usedAmount: '1', currency: 'USD' },
  },
  {
    label: 'freeze (v1)',
    path: WASABI_PATHS.freezeV1,
    answers: [819],
    request: `{"cardNo":"${CARD2}"}`,
    required: ['cardNo'],
    call: (c) => c.freezeV1({ cardNo: CARD2 }),
    schema: card.v1StatusSchema,
    expected: { status: 'success', statusStr: '成功' },
  },
  {
    label: 'v2/freeze',
    path: WASABI_PATHS.freezeV2,
    answers: [970],
    request: `{"cardNo":"${CARD2}","merchantOrderNo":"${ORDER_NO}"}`,
    required: ['cardNo', 'merchantOrderNo'],
    call: (c) => c.freeze({ cardNo: CARD2, merchantOrderNo: ORDER_NO }),
    schema: card.orderSchema,
    expected: order('Freeze', {
      cardNo: CARD2,
      amount: '0',
      remark: 'Freeze',
      transactionTime: 1730476742000,
    }),
  },
  {
    label: 'unfreeze (v1)',
    path: WASABI_PATHS.unfreezeV1,
    answers: [1037],
    request: `{"cardNo":"${CARD2}"}`,
    required: ['cardNo'],
    call: (c) => c.unfreezeV1({ cardNo: CARD2 }),
    schema: card.v1StatusSchema,
    expected: { status: 'success', statusStr: '成功' },
  },
  {
    label: 'v2/unfreeze',
    path: WASABI_PATHS.unfreezeV2,
    answers: [1188],
    request: `{"cardNo":"${CARD2}","merchantOrderNo":"${ORDER_NO}"}`,
    required: ['cardNo', 'merchantOrderNo'],
    call: (c) => c.unfreeze({ cardNo: CARD2, merchantOrderNo: ORDER_NO }),
    schema: card.orderSchema,
    expected: order('UnFreeze', {
      cardNo: CARD2,
      amount: '0',
      remark: 'UnFreeze',
      transactionTime: 1730476742000,
    }),
  },
  {
    label: 'deposit',
    path: WASABI_PATHS.deposit,
    answers: [1351],
    request: `{"cardNo":"${CARD2}","merchantOrderNo":"${ORDER_NO}","amount":15}`,
    required: ['cardNo', 'merchantOrderNo', 'amount'],
    call: (c) => c.deposit({ cardNo: CARD2, merchantOrderNo: ORDER_NO, amount: '15' }),
    schema: card.orderSchema,
    expected: order('deposit', {
      cardNo: CARD2,
      amount: '15',
      remark: 'Card Deposit',
      transactionTime: 1730476742000,
    }),
  },
  {
    label: 'card/transaction',
    path: WASABI_PATHS.transactionV1,
    answers: [1564],
    request: `{"pageNum":1,"pageSize":10,"type":"create","merchantOrderNo":"${ORDER_NO}"}`,
    required: ['pageNum', 'pageSize', 'type'],
    call: (c) => c.transactionsV1({ pageNum: 1, pageSize: 10, type: 'create', merchantOrderNo: ORDER_NO }),
    schema: card.orderPageSchema,
    expected: {
      total: 1,
      records: [
        order('create', { cardNo: null, amount: '15', remark: null, transactionTime: 1730476742000 }),
      ],
    },
  },
  {
    label: 'authTransaction',
    path: WASABI_PATHS.authTransaction,
    answers: [1835],
    request: `{"pageNum":1,"pageSize":10,"cardNo":"${AUTH_CARD}"}`,
    required: ['pageNum', 'pageSize'],
    call: (c) => c.authTransactions({ pageNum: 1, pageSize: 10, cardNo: AUTH_CARD }),
    schema: page(card.authTransactionSchema),
    expected: {
      total: 1563,
      records: [
        {
          cardNo: AUTH_CARD,
          tradeNo: 'trans1232435363435463432',
          originTradeNo: null,
          currency: 'CNY',
          amount: '16.96',
          authorizedAmount: '2.45',
          authorizedCurrency: 'USD',
          fee: '0.5',
          feeCurrency: 'USD',
          crossBoardFee: '0',
          crossBoardFeeCurrency: null,
          settleAmount: '0',
          settleCurrency: null,
          settleDate: null,
          merchantName: 'ALP*Mr Rice 1223',
          type: 'auth',
          typeStr: '授权',
          status: 'authorized',
          statusStr: '已授权',
          transactionTime: 1729422898000,
          description: 'Auth',
        },
      ],
    },
  },
  {
    label: 'third3dsTransaction',
    path: WASABI_PATHS.third3dsTransaction,
    answers: [2043, 2055],
    request: `{"pageNum":1,"pageSize":10,"cardNo":"${AUTH_CARD}"}`,
    required: ['pageNum', 'pageSize'],
    call: (c) => c.threeDsTransactions({ pageNum: 1, pageSize: 10, cardNo: AUTH_CARD }),
    schema: page(card.threeDsRecordSchema),
    // The seed's `values` are placeholders, not ciphertext for any key: each record is kept,
    // marked undecryptable, and the page is not lost.
    expected: {
      total: 2,
      records: [
        { tradeNo: 'trans1232435363435463432', type: 'third_3ds_otp', values: null, undecryptable: true },
        {
          tradeNo: 'trans1232435363435463432',
          type: 'auth_url',
          values: null,
          undecryptable: true,
          expirationTime: 1729422899000,
        },
      ],
    },
  },
];

/**
 * The 3DS examples (lines 2043, 2055) are records, not whole answers, and carry a
 * `//Plain text example: …` comment after `values` (not JSON). The comment is dropped and the two
 * records are wrapped in the answer envelope and page of every paged endpoint
 * (`{success, code, msg, data: {total, records}}`, as in the other examples). Every other example
 * is used exactly as printed.
 */
const PLAINTEXTS = ['204566', 'https://www.google.com'];
function answerText(f: Fixture, values?: string[]): string {
  if (f.answers.length === 1) return exampleAt(SEED, f.answers[0]!);
  const records = f.answers.map((line, i) => {
    let text = exampleAt(SEED, line);
    const comment = /,\s*\/\/Plain text example: (.*)$/m.exec(text);
    assert.equal(comment?.[1], PLAINTEXTS[i], 'the comment names the plaintext');
    text = text.replace(/,\s*\/\/Plain text example: .*$/m, ',');
    if (values) text = text.replace(/"values": "[^"]*"/, `"values": "${values[i]}"`);
    return text;
  });
  return `{"success":true,"code":200,"msg":"Success","data":{"total":${records.length},"records":[${records.join(',')}]}}`;
}

/** Every key of `expected` is in `actual` with a deeply equal value. */
function assertIncludes(actual: unknown, expected: Record<string, unknown>, at = 'result'): void {
  assert.ok(actual !== null && typeof actual === 'object', `${at} is not an object`);
  for (const [key, value] of Object.entries(expected)) {
    const got: unknown = (actual as Record<string, unknown>)[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      assertIncludes(got, value as Record<string, unknown>, `${at}.${key}`);
    else if (Array.isArray(value)) {
      assert.ok(Array.isArray(got), `${at}.${key} is not an array`);
      const list = got as unknown[];
      assert.equal(list.length, value.length, `${at}.${key}.length`);
      value.forEach((v, i) => assertIncludes(list[i], v as Record<string, unknown>, `${at}.${key}[${i}]`));
    } else assert.deepEqual(got, value, `${at}.${key}`);
  }
}

const ssl = new OpensslEnvelope();
let merchant: ReturnType<OpensslEnvelope['keyPair']>;
let platform: ReturnType<OpensslEnvelope['keyPair']>;
const rows = new Map<string, Row>();
const row = (f: Fixture) => {
  let r = rows.get(f.label);
  if (!r) {
    r = {
      operation: f.label,
      seed: `field table / ${f.answers.join(', ')}`,
      request: 'FAIL',
      response: 'FAIL',
      endToEnd: 'FAIL',
    };
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

describe('WasabiCard seed 002: the fixtures are the seed', () => {
  test('the vendored seed is byte-for-byte ../shared/seeds', { skip: sharedSeeds.skip }, () => {
    sharedSeeds.require();
    const shared = sharedSeedText(SEED);
    assert.equal(seedLines(SEED).join('\n'), shared);
  });

  test('every JSON example of the seed is a fixture, and every fixture line starts one', () => {
    assert.deepEqual(
      FIXTURES.flatMap((f) => f.answers),
      exampleStarts(SEED),
    );
    assert.equal(FIXTURES.length, 12);
  });
});

describe('WasabiCard seed 002: each request is accepted by the sandbox', () => {
  let sandbox: WasabiSandbox;
  before(async () => {
    sandbox = await startWasabiSandbox({
      merchantPublicKey: merchant.publicPem,
      platformPrivateKey: platform.privatePem,
      autoAdvance: false,
    });
  });
  after(() => sandbox.close());

  for (const f of FIXTURES) {
    test(`${f.label} (field table)`, async () => {
      const response = await fetch(`${sandbox.url}${f.path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-WSB-API-KEY': sandbox.apiKey,
          'X-WSB-SIGNATURE': ssl.signBase64(merchant.key, f.request),
        },
        body: f.request,
      });
      const raw = Buffer.from(await response.arrayBuffer());
      assert.ok(
        ssl.verifyBase64(platform.pub, raw, response.headers.get('x-wsb-signature') ?? ''),
        'openssl verifies the sandbox answer',
      );
      const answer = JSON.parse(raw.toString('utf8')) as { code: number; msg: string | null };
      assert.ok(
        answer.code !== 401 && !(answer.code === 400 && /^Parameter error/.test(answer.msg ?? '')),
        `refused by validation: ${answer.code} ${answer.msg}`,
      );
      row(f).request = answer.code === 200 ? 'yes (200)' : `yes (answers ${answer.code} ${answer.msg})`;
    });
  }

  test('without the type the seed requires, card/transaction is refused', async () => {
    const body = `{"pageNum":1,"pageSize":10,"merchantOrderNo":"${ORDER_NO}"}`;
    const response = await fetch(`${sandbox.url}${WASABI_PATHS.transactionV1}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-WSB-API-KEY': sandbox.apiKey,
        'X-WSB-SIGNATURE': ssl.signBase64(merchant.key, body),
      },
      body,
    });
    const answer = (await response.json()) as { code: number; msg: string };
    assert.equal(answer.code, 400);
    assert.match(answer.msg, /type/);
  });

  test('an order number beyond the seed lengths is refused (deposit 20..35, freeze 20..40)', async () => {
    for (const [path, body] of [
      [WASABI_PATHS.deposit, `{"cardNo":"${CARD2}","merchantOrderNo":"T${'1'.repeat(35)}","amount":15}`],
      [WASABI_PATHS.freezeV2, `{"cardNo":"${CARD2}","merchantOrderNo":"T${'1'.repeat(18)}"}`],
    ] as const) {
      const response = await fetch(`${sandbox.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-WSB-API-KEY': sandbox.apiKey,
          'X-WSB-SIGNATURE': ssl.signBase64(merchant.key, body),
        },
        body,
      });
      const answer = (await response.json()) as { code: number; msg: string };
      assert.equal(answer.code, 400, path);
      assert.match(answer.msg, /merchantOrderNo/);
    }
  });

  test('card/info carries cardNumber, and cvv and validPeriod encrypted to the merchant key (openssl decrypts)', async () => {
    const client = new WasabiClient({
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      merchantPrivateKey: merchant.privatePem,
      platformPublicKey: platform.publicPem,
    });
    const created = await client.createCard({
      merchantOrderNo: 'C1852379826671345664',
      cardTypeId: '111002',
      amount: '30',
    });
    sandbox.control.advance();
    const info = await client.cardInfo({ cardNo: created.cardNo! });
    assert.match(info.cardNumber ?? '', /^\d{16}$/);
    assert.match(ssl.decryptBase64(merchant.key, info.cvv!, 256), /^\d{3}$/);
    assert.match(ssl.decryptBase64(merchant.key, info.validPeriod!, 256), /^\d{2}\/\d{4}$/);
  });
});

describe('WasabiCard seed 002: each answer is parsed by the client', () => {
  for (const f of FIXTURES) {
    test(`${f.label} (${f.answers.map((l) => where(SEED, l)).join(', ')})`, () => {
      const envelope = parseProviderJson(answerText(f)) as { success: boolean; code: number; data: unknown };
      assert.equal(envelope.code, 200);
      const parsed = f.schema.safeParse(envelope.data);
      assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
      // The schema's reading: 3DS values stay encrypted here (the client call decrypts them,
      // end to end below); openCard's data is the array holding the order.
      const expected =
        f.path === WASABI_PATHS.third3dsTransaction
          ? {
              total: 2,
              records: (f.expected.records as Array<Record<string, unknown>>).map(
                ({ values: _values, undecryptable: _undecryptable, ...r }) => r,
              ),
            }
          : f.path === WASABI_PATHS.openCard
            ? { 0: f.expected }
            : f.expected;
      assertIncludes(parsed.data, expected);
      row(f).response = 'yes';
    });
  }
});

describe('WasabiCard seed 002: the client (default settings) end to end against the seed answers', () => {
  let server: Server;
  let url = '';
  /** What the stand-in answers on a path: the seed-required fields and the answer text. */
  let respond: (path: string) => { required: string[]; text: string } = () => ({ required: [], text: '' });
  const use = (f: Fixture, text = answerText(f)) => {
    respond = () => ({ required: f.required, text });
  };
  const seen: Array<{ path: string; body: string; verified: boolean }> = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const verified = ssl.verifyBase64(merchant.pub, body, String(req.headers['x-wsb-signature'] ?? ''));
        seen.push({ path: req.url ?? '', body: body.toString('utf8'), verified });
        const params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        const route = respond(req.url ?? '');
        const missing = route.required.filter((field) => params[field] === undefined);
        const text = missing.length
          ? JSON.stringify({ success: false, code: 400, msg: `missing ${missing.join(', ')}`, data: null })
          : route.text;
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'X-WSB-SIGNATURE': ssl.signBase64(platform.key, text),
          })
          .end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new WasabiClient({
      baseUrl: url,
      apiKey: 'seed-conformance',
      merchantPrivateKey: merchant.privatePem,
      platformPublicKey: platform.publicPem,
    });

  for (const f of FIXTURES) {
    test(`${f.label} (${f.answers.map((l) => where(SEED, l)).join(', ')})`, async () => {
      use(f);
      const result = await f.call(client());
      const request = seen.at(-1)!;
      assert.equal(request.path, f.path);
      assert.ok(request.verified, 'openssl verifies the client signature');
      for (const field of f.required)
        assert.ok(field in (JSON.parse(request.body) as object), `sent ${field} (required by the seed)`);
      assertIncludes(result, f.expected);
      row(f).endToEnd = 'yes';
    });
  }

  test('3DS values encrypted by openssl to the merchant key decrypt to the seed plaintexts', async () => {
    const threeDs = FIXTURES.find((f) => f.path === WASABI_PATHS.third3dsTransaction)!;
    use(
      threeDs,
      answerText(
        threeDs,
        PLAINTEXTS.map((p) => ssl.encryptBase64(merchant.pub, p)),
      ),
    );
    const found = await client().threeDsTransactions({ pageNum: 1, pageSize: 10, cardNo: AUTH_CARD });
    assert.deepEqual(
      found.records.map((r) => r.values),
      PLAINTEXTS,
    );
  });

  test('one undecryptable 3DS record does not hide the others', async () => {
    const threeDs = FIXTURES.find((f) => f.path === WASABI_PATHS.third3dsTransaction)!;
    use(
      threeDs,
      answerText(threeDs, [
        ssl.encryptBase64(merchant.pub, PLAINTEXTS[0]!),
        'ajfon34nNOIN24nafaiw4onnfn0iw32ngfn0IF0Q34NFQFOFAW',
      ]),
    );
    const found = await client().threeDsTransactions({ pageNum: 1, pageSize: 10, cardNo: AUTH_CARD });
    assert.deepEqual(
      found.records.map((r) => [r.values, r.undecryptable ?? false]),
      [
        ['204566', false],
        [null, true],
      ],
    );
  });

  test('the deposit precondition (wasabiCardStatus, wasabiDepositPreconditions) works on the seed card/info answer, which has no cardTypeId', async () => {
    const info = FIXTURES.find((f) => f.path === WASABI_PATHS.cardInfo)!;
    const types = FIXTURES.find((f) => f.path === WASABI_PATHS.cardTypesV2)!;
    const answers: Record<string, string> = {
      [info.path]: answerText(info),
      [types.path]: answerText(types),
    };
    assert.ok(!/cardTypeId/.test(answers[info.path]!), 'the seed answer has no cardTypeId');
    respond = (path) =>
      path === types.path
        ? { required: types.required, text: answers[types.path]! }
        : { required: info.required, text: answers[info.path]! };
    const activities = createWasabiActivities({
      client: client(),
      documents: undefined as never,
      secrets: undefined as never,
    });
    assert.deepEqual(await activities.wasabiCardStatus({ cardNo: CARD }), {
      status: 'cancel',
      cardTypeId: '111002',
    });
    // The deposit's reads in one activity (precondition-reads-together): the same card, then its type.
    const { card, cardType } = await activities.wasabiDepositPreconditions({ cardNo: CARD });
    assert.deepEqual(card, { status: 'cancel', cardTypeId: '111002' });
    assert.equal(cardType.cardTypeId, '111002');
  });

  test('reconciliation by merchantOrderNo reaches the v1 log (the seed card/transaction) with its required type', async () => {
    const log = FIXTURES.find((f) => f.path === WASABI_PATHS.transactionV1)!;
    const emptyPage = '{"success":true,"code":200,"msg":"Success","data":{"total":0,"records":[]}}';
    respond = (path) =>
      path === WASABI_PATHS.transactionV2
        ? { required: [], text: emptyPage }
        : { required: log.required, text: answerText(log) };
    const before = seen.length;
    const found = await client().findOrders(ORDER_NO, { includeV1: true, v1Types: ['create'] });
    assert.deepEqual(
      found.map((o) => [o.orderNo, o.type, o.status]),
      [['1852379830190366720', 'create', 'processing']],
    );
    const v1 = seen.slice(before).filter((r) => r.path === WASABI_PATHS.transactionV1);
    assert.equal(v1.length, 1);
    assert.equal((JSON.parse(v1[0]!.body) as { type?: string }).type, 'create');
  });
});

describe('WasabiCard seed 002: the table', () => {
  test('printed, and the same in docs/providers/seed-conformance.md', () => {
    const table = renderTable(FIXTURES.map(row));
    console.log(`\nWasabiCard, seed ${SEED}\n${table}\n`);
    const { ok, documented } = checkDocSection('wasabi', table);
    assert.ok(ok, `the document's table differs (UPDATE_SEED_CONFORMANCE=1 rewrites it):\n${documented}`);
    assert.ok(
      FIXTURES.every((f) => !Object.values(row(f)).includes('FAIL')),
      'every operation passes all three checks',
    );
  });
});
