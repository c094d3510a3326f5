import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ProviderValidationError } from '../../../src/providers/errors';
import { parseProviderJson } from '../../../src/providers/json';
import { validateRequest } from '../../../src/providers/wasabi/client';
import * as card from '../../../src/providers/wasabi/schemas/card';
import { envelopeSchema } from '../../../src/providers/wasabi/schemas/primitives';
import * as req from '../../../src/providers/wasabi/schemas/requests';
import * as seed from '../../fixtures/wasabi/seed-examples';

const data = <T extends z.ZodType>(text: string, schema: T): z.output<T> => {
  const envelope = envelopeSchema.parse(parseProviderJson(text));
  assert.equal(envelope.code, 200);
  return schema.parse(envelope.data);
};

describe('the seed document examples parse with the schemas', () => {
  test('v2 cardTypes: amounts as strings and as numbers both become decimal text', () => {
    const [type] = data(seed.cardTypesV2, z.array(card.cardTypeV2Schema));
    assert.equal(type?.cardTypeId, '111002');
    assert.equal(type?.cardPrice, '10');
    assert.equal(type?.rechargeMinQuota, '20'); // a JSON number in the example
    assert.equal(type?.rechargeFeeRate, '1');
    assert.equal(type?.depositAmountMaxQuotaForActiveCard, '100000');
    assert.equal(type?.rechargeDigital, 2);
    assert.deepEqual(type?.supportHolderAreaCode, ['+60', '+1']);
  });

  test('openCard: the array with one create order; 19-digit orderNo stays a string', () => {
    const [order] = data(seed.openCard, card.openCardDataSchema);
    assert.equal(order?.orderNo, '1852379830190366720');
    assert.equal(order?.type, 'create');
    assert.equal(order?.status, 'processing');
    assert.equal(order?.cardNo, null);
    assert.equal(order?.amount, '15');
    assert.equal(order?.transactionTime, 1730476741729);
  });

  test('card info, balance, v1 and v2 freeze/unfreeze, deposit, transaction page', () => {
    const info = data(seed.cardInfo, card.cardInfoSchema);
    assert.equal(info.holderId, '10090');
    assert.equal(info.status, 'cancel');
    assert.equal(info.balanceInfo?.usedAmount, '1');
    assert.equal(data(seed.balance, card.balanceSchema).amount, '10');
    assert.equal(data(seed.freezeV1, card.v1StatusSchema).status, 'success');
    assert.equal(data(seed.unfreezeV1, card.v1StatusSchema).status, 'success');
    assert.equal(data(seed.freezeV2, card.orderSchema).type, 'Freeze');
    assert.equal(data(seed.unfreezeV2, card.orderSchema).type, 'UnFreeze');
    const deposit = data(seed.deposit, card.orderSchema);
    assert.equal(deposit.cardNo, '38928421021320391244');
    assert.equal(deposit.remark, 'Card Deposit');
    const page = data(seed.transaction, card.orderPageSchema);
    assert.equal(page.total, 1);
    assert.equal(page.records[0]?.merchantOrderNo, 'T1852379826671345664');
  });

  test('auth transactions: decimals stay exact, settleAmount 0 as a number', () => {
    const page = data(
      seed.authTransaction,
      z.object({ total: z.number(), records: z.array(card.authTransactionSchema) }),
    );
    const [auth] = page.records;
    assert.equal(page.total, 1563);
    assert.equal(auth?.amount, '16.96');
    assert.equal(auth?.authorizedAmount, '2.45');
    assert.equal(auth?.fee, '0.5');
    assert.equal(auth?.settleAmount, '0');
    assert.equal(auth?.status, 'authorized');
  });

  test('3DS records (bare records in the document)', () => {
    const otp = card.threeDsRecordSchema.parse(parseProviderJson(seed.threeDsOtp));
    const url = card.threeDsRecordSchema.parse(parseProviderJson(seed.threeDsAuthUrl));
    assert.equal(otp.type, 'third_3ds_otp');
    assert.equal(url.type, 'auth_url');
    assert.equal(url.expirationTime, 1729422899000);
  });
});

describe('ids, amounts and statuses', () => {
  test('19-digit ids stay exact strings; amounts stay decimal text', () => {
    const text =
      '{"orderNo":1979009257233215490,"cardNo":"C1","amount":0.1,"fee":"0.30","type":"deposit","status":"SUCCESS"}';
    const order = card.orderSchema.parse(parseProviderJson(text));
    assert.equal(order.orderNo, '1979009257233215490');
    assert.equal(order.amount, '0.1');
    assert.equal(order.fee, '0.30');
    assert.equal(order.status, 'success', 'status compared case-insensitively and canonicalised');
  });

  test('card statuses canonicalised whatever their case; unknown values kept', () => {
    assert.equal(card.cardStatus.parse('normal'), 'Normal');
    assert.equal(card.cardStatus.parse('FREEZE'), 'Freeze');
    assert.equal(card.cardStatus.parse('blocked_by_bank'), 'blocked_by_bank');
  });
});

describe('field rules are enforced before sending, naming field and rule', () => {
  const issues = (schema: z.ZodType, input: unknown) => {
    try {
      validateRequest(schema, input, 'op');
      return [];
    } catch (error) {
      assert.ok(error instanceof ProviderValidationError);
      return error.issues.map((i) => `${i.field}: ${i.rule}`);
    }
  };

  test('merchantOrderNo: the seed lengths (deposit 20..35, openCard and v2 freeze 20..40), otherwise 15..65; letters and digits', () => {
    assert.deepEqual(issues(req.depositRequest, { cardNo: 'C1', merchantOrderNo: 'T123', amount: '10' }), [
      'merchantOrderNo: length 20..35',
    ]);
    assert.deepEqual(
      issues(req.depositRequest, { cardNo: 'C1', merchantOrderNo: `T${'1'.repeat(35)}`, amount: '10' }),
      ['merchantOrderNo: length 20..35'],
    );
    assert.deepEqual(
      issues(req.depositRequest, { cardNo: 'C1', merchantOrderNo: 'T1234567890123456789-45', amount: '10' }),
      ['merchantOrderNo: letters and digits only'],
    );
    assert.deepEqual(
      issues(req.depositRequest, { cardNo: 'C1', merchantOrderNo: 'T1852379826671345664', amount: 10 }),
      [],
    );
    assert.deepEqual(issues(req.openCardRequest, { merchantOrderNo: `T${'1'.repeat(40)}`, cardTypeId: 1 }), [
      'merchantOrderNo: length 20..40',
    ]);
    assert.deepEqual(issues(req.freezeOrderRequest, { cardNo: 'C1', merchantOrderNo: 'F12345678901234' }), [
      'merchantOrderNo: length 20..40',
    ]);
    assert.deepEqual(issues(req.cardOrderRequest, { cardNo: 'C1', merchantOrderNo: 'F12345678901234' }), []);
    assert.deepEqual(issues(req.transactionV1QueryRequest, { merchantOrderNo: 'T1852379826671345664' }), [
      'type: required: one of create, deposit, cancel, freeze, UnFreeze',
    ]);
    const holder = {
      cardHolderModel: 'B2B',
      merchantOrderNo: 'H1234567890123456',
      cardTypeId: '111002',
      areaCode: '+1',
      mobile: '5551234',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthday: '1990-01-31',
      country: 'US',
      town: 'US-NY-1',
      address: '1 Main Street',
      postCode: '10001',
    };
    assert.deepEqual(issues(req.holderCreateRequest, holder), ['merchantOrderNo: length 20..40']);
    assert.deepEqual(
      issues(req.holderCreateRequest, { ...holder, merchantOrderNo: 'H1234567890123456789' }),
      [],
    );
  });

  test('cardholder personal fields', () => {
    const bad = {
      cardHolderModel: 'B2X',
      merchantOrderNo: 'H1234567890123456789',
      cardTypeId: 'abc',
      areaCode: '+',
      mobile: '12ab34',
      email: 'nope@nowhere',
      firstName: 'Zoë',
      lastName: 'L',
      birthday: '31/01/1990',
      country: 'usa',
      town: 'X',
      address: 'Flat 1, Main St.',
      postCode: '1',
    };
    assert.deepEqual(issues(req.holderCreateRequest, bad).sort(), [
      'address: letters, digits, spaces and hyphens only',
      'areaCode: length 2..5',
      'birthday: yyyy-MM-dd',
      'cardHolderModel: B2B or B2C',
      'cardTypeId: a numeric id (1..19 digits)',
      'country: ISO 3166 alpha-2 code',
      'email: an email address',
      'firstName: English letters only',
      'lastName: length 2..32',
      'mobile: digits only',
      'postCode: 2..15 letters or digits',
    ]);
  });

  test('PIN rules of spec 1.7', () => {
    const pinIssues = (pin: string) =>
      issues(req.updatePinRequest, { cardNo: 'C1', merchantOrderNo: 'P12345678901234', pin });
    assert.deepEqual(pinIssues('380517'), []);
    assert.deepEqual(pinIssues('12345'), ['pin: exactly 6 digits']);
    assert.deepEqual(pinIssues('111892'), ['pin: no digit three times in a row']);
    assert.deepEqual(pinIssues('123456'), ['pin: not an ascending or descending run']);
    assert.deepEqual(pinIssues('987654'), ['pin: not an ascending or descending run']);
    assert.deepEqual(pinIssues('123123'), ['pin: no repeated 3-digit block']);
    assert.deepEqual(pinIssues('909090'), ['pin: no repeated 2-digit block']);
    assert.deepEqual(pinIssues('121212'), ['pin: no repeated 2-digit block']);
  });

  test('clientRemark ≤ 50, pageSize ≤ 100, Void needs its origin, 30-day ledger window', () => {
    assert.deepEqual(
      issues(req.cardOrderRequest, {
        cardNo: 'C1',
        merchantOrderNo: 'F12345678901234',
        clientRemark: 'x'.repeat(51),
      }),
      ['clientRemark: length 0..50'],
    );
    assert.deepEqual(issues(req.transactionQueryRequest, { pageSize: 101 }), ['pageSize: between 1 and 100']);
    assert.deepEqual(
      issues(req.simulateAuthRequest, { cardNo: 'C1', type: 'Void', amount: '1', currency: 'USD' }),
      ['originSerialNumber: required for Void and refund'],
    );
    assert.deepEqual(issues(req.accountTransactionRequest, { startTime: 0, endTime: 31 * 86_400_000 }), [
      'endTime: window at most 30 days',
    ]);
    assert.deepEqual(
      issues(req.depositRequest, { cardNo: 'C1', merchantOrderNo: 'D1234567890123456789', amount: '-1' }),
      ['amount: greater than 0'],
    );
    assert.deepEqual(issues(req.depositRequest, { merchantOrderNo: 'D1234567890123456789', amount: '1' }), [
      'cardNo: required',
    ]);
  });
});
