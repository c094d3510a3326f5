// The WasabiCard sandbox reads requests by its own rules (seed-rules.ts, written from seed 002's
// request field tables; request-rules.ts for the operations outside the seed): a request that
// breaks a rule is refused with code 400 and a message naming the field; requests built from the
// field tables with the seed's own values are accepted. Bodies are sent as raw text so that JSON
// types (a number where the table says String) reach the sandbox exactly as written.
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parse } from 'lossless-json';
import { startWasabiSandbox, type WasabiSandbox } from '../../../tools/sandbox/wasabi';
import { SANDBOX_PATHS as P } from '../../../tools/sandbox/wasabi/paths';
import { exampleAt, WASABI_SEED } from '../conformance/seed-text';

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
let sandbox: WasabiSandbox;

/** A value of a seed answer example (starting on `line`), as its exact JSON text. */
function seedValue(line: number, ...path: Array<string | number>): string {
  let node: unknown = parse(exampleAt(WASABI_SEED, line));
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return typeof node === 'string' ? JSON.stringify(node) : String(node);
}
const ORDER_NO = () => seedValue(502, 'data', 0, 'merchantOrderNo'); // "T1852379826671345664"
const CARD = () => seedValue(675, 'data', 'cardNo');
const CARD_TYPE = () => seedValue(294, 'data', 0, 'cardTypeId'); // 111002, a JSON number
const DEPOSIT_CARD = () => seedValue(1351, 'data', 'cardNo');

async function send(path: string, body: string): Promise<{ code: number; msg: string | null }> {
  const signature = createSign('RSA-SHA256').update(body).sign(merchant.privateKey, 'base64');
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-WSB-API-KEY': sandbox.apiKey,
      'X-WSB-SIGNATURE': signature,
    },
    body,
  });
  return (await response.json()) as { code: number; msg: string | null };
}

async function refused(path: string, body: string, field: string, rule?: RegExp): Promise<void> {
  const answer = await send(path, body);
  assert.equal(
    answer.code,
    400,
    `${path} ${body}: expected a parameter error, got ${answer.code} ${answer.msg}`,
  );
  assert.match(answer.msg ?? '', new RegExp(`^Parameter error: ${field}\\b`), `${body}`);
  if (rule) assert.match(answer.msg ?? '', rule);
}

/** Passed validation: any answer but a parameter error (an unknown card is 404, not 400). */
async function accepted(path: string, body: string): Promise<void> {
  const answer = await send(path, body);
  assert.ok(
    !(answer.code === 400 && /^Parameter error/.test(answer.msg ?? '')) && answer.code !== 401,
    `${path} ${body} refused: ${answer.code} ${answer.msg}`,
  );
}

before(async () => {
  sandbox = await startWasabiSandbox({
    merchantPublicKey: merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    platformKeyBits: 1024,
    autoAdvance: false,
  });
});
after(() => sandbox.close());

describe('requests built from the seed field tables with the seed values are accepted', () => {
  test('openCard, card/info, balanceInfo, v1 and v2 freeze, deposit, the three logs', async () => {
    await accepted(P.openCard, `{"merchantOrderNo":${ORDER_NO()},"cardTypeId":${CARD_TYPE()},"amount":15}`);
    await accepted(P.cardInfo, `{"cardNo":${CARD()},"onlySimpleInfo":false}`);
    await accepted(P.balance, `{"cardNo":${CARD()}}`);
    await accepted(P.freezeV1, `{"cardNo":${DEPOSIT_CARD()}}`);
    await accepted(P.freezeV2, `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":"T18523798266713456641"}`);
    await accepted(
      P.deposit,
      `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":"T18523798266713456642","amount":"15.00"}`,
    );
    await accepted(
      P.transactionV1,
      `{"pageNum":1,"pageSize":10,"type":"create","merchantOrderNo":${ORDER_NO()}}`,
    );
    await accepted(P.transactionV1, `{"type":"UnFreeze"}`);
    await accepted(P.authTransaction, `{"pageNum":"1","pageSize":100,"type":"Void"}`);
    await accepted(P.third3dsTransaction, `{"pageNum":1,"pageSize":10,"type":"auth_url"}`);
  });

  test('a Long may be a JSON integer beyond 2^53 or a digit string, a BigDecimal a number or a string', async () => {
    await accepted(
      P.openCard,
      `{"merchantOrderNo":"T18523798266713456643","cardTypeId":"111002","holderId":1979009257233215490,"amount":15.10}`,
    );
    await accepted(
      P.withdraw,
      `{"cardNo":${CARD()},"merchantOrderNo":"T18523798266713456644","amount":0.01}`,
    );
  });
});

describe('a request breaking a seed rule is refused, naming the field', () => {
  test('a seed-required field missing', async () => {
    await refused(P.openCard, `{"cardTypeId":111002}`, 'merchantOrderNo', /required/);
    await refused(P.openCard, `{"merchantOrderNo":${ORDER_NO()}}`, 'cardTypeId');
    await refused(P.deposit, `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":${ORDER_NO()}}`, 'amount');
    await refused(P.transactionV1, `{"pageNum":1,"pageSize":10}`, 'type');
    await refused(P.cardInfo, `{}`, 'cardNo');
    await refused(P.freezeV2, `{"cardNo":${DEPOSIT_CARD()}}`, 'merchantOrderNo');
  });

  test('a wrong JSON type: a number where the table says String, text where it says Boolean or Long', async () => {
    // 22 digits as a JSON number: once read as a string of the right length by the shared parser.
    await refused(
      P.openCard,
      `{"merchantOrderNo":1852379826671345664123,"cardTypeId":111002}`,
      'merchantOrderNo',
      /String/,
    );
    await refused(P.cardInfo, `{"cardNo":12345678901234567890}`, 'cardNo', /String/);
    await refused(P.balance, `{"cardNo":42}`, 'cardNo', /String/);
    await refused(P.cardInfo, `{"cardNo":${CARD()},"onlySimpleInfo":"false"}`, 'onlySimpleInfo', /Boolean/);
    await refused(P.openCard, `{"merchantOrderNo":${ORDER_NO()},"cardTypeId":"1e5"}`, 'cardTypeId', /Long/);
    await refused(
      P.deposit,
      `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":${ORDER_NO()},"amount":"15 USD"}`,
      'amount',
      /BigDecimal/,
    );
    await refused(P.authTransaction, `{"pageNum":1.5}`, 'pageNum', /Integer/);
  });

  test('lengths and enumerations as the seed states them', async () => {
    const n = (length: number) => `"T${'1'.repeat(length - 1)}"`;
    await refused(
      P.openCard,
      `{"merchantOrderNo":${n(41)},"cardTypeId":111002}`,
      'merchantOrderNo',
      /length\[20\.\.\.40\]/,
    );
    await refused(
      P.openCard,
      `{"merchantOrderNo":${n(19)},"cardTypeId":111002}`,
      'merchantOrderNo',
      /length\[20\.\.\.40\]/,
    );
    await refused(
      P.deposit,
      `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":${n(36)},"amount":15}`,
      'merchantOrderNo',
      /length\[20\.\.\.35\]/,
    );
    await accepted(P.deposit, `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":${n(35)},"amount":15}`);
    await refused(
      P.unfreezeV2,
      `{"cardNo":${DEPOSIT_CARD()},"merchantOrderNo":${n(20)},"clientRemark":"${'r'.repeat(51)}"}`,
      'clientRemark',
      /length\[0\.\.\.50\]/,
    );
    await refused(
      P.transactionV1,
      `{"type":"withdraw"}`,
      'type',
      /one of create, deposit, cancel, freeze, UnFreeze/,
    );
    await refused(P.third3dsTransaction, `{"type":"auth"}`, 'type');
    await refused(P.authTransaction, `{"pageSize":101}`, 'pageSize', /maximum 100/);
  });

  test('operations outside the seed follow the spec tables (§1.2, §1.7)', async () => {
    await refused(P.cancel, `{"cardNo":${CARD()}}`, 'merchantOrderNo', /required/);
    await refused(
      P.updatePin,
      `{"cardNo":${CARD()},"merchantOrderNo":${ORDER_NO()},"pin":"123456"}`,
      'pin',
      /straight run/,
    );
    await refused(
      P.withdraw,
      `{"cardNo":${CARD()},"merchantOrderNo":${ORDER_NO()},"amount":"0.001"}`,
      'amount',
      /at least 0\.01/,
    );
    await refused(
      P.simulateAuth,
      `{"cardNo":${CARD()},"type":"refund","amount":1,"currency":"USD"}`,
      'originSerialNumber',
    );
  });
});
