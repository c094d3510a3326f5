// The KazePay sandbox's request validation (tools/sandbox/kazepay/schemas.ts) read against the
// seed's field tables: JSON types as the tables name them, required / optional / conditional,
// and the formats and ranges the seed states. Nothing here comes from the client's schemas.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  parseBusinessJson,
  SANDBOX_REQUESTS,
  type SandboxOperation,
  sandboxOperationFor,
} from '../../../tools/sandbox/kazepay/schemas';

const check = (apiCode: string, json: string) => {
  const body = parseBusinessJson(json);
  const name = sandboxOperationFor(apiCode, body) as SandboxOperation;
  return SANDBOX_REQUESTS[name].safeParse(body);
};
const ok = (apiCode: string, json: string) => {
  const r = check(apiCode, json);
  assert.ok(r.success, r.success ? '' : JSON.stringify(r.error.issues));
  return r.data as Record<string, unknown>;
};
const refused = (apiCode: string, json: string, field: string) => {
  const r = check(apiCode, json);
  assert.equal(r.success, false, `${json} was accepted`);
  assert.ok(
    r.error!.issues.some(
      (i) => i.path.join('.') === field || ('keys' in i && (i.keys as string[]).includes(field)),
    ),
    JSON.stringify(r.error!.issues),
  );
};

const IDENTITY = {
  email: 'kyc@kazepay.io',
  mobileNumber: '15659874544',
  mobilePrefix: '60',
  mobilePrefixCountry: 'MY',
  firstName: 'Trump',
  lastName: 'Donald',
  dateOfBirth: '1958-04-25',
  addressLine: 'Nashville TN 37011',
  city: 'Paris',
  countryCode: 'FR',
  postCode: '223456',
  state: 'dizhi',
  identificationType: 'PASSPORT',
  identificationNumber: 'A563F186',
  identificationExpiryDate: '2099-12-31',
};
const kyc = (extra: Record<string, unknown>) => JSON.stringify({ ...IDENTITY, ...extra });

describe('KazePay sandbox request schemas, from the seed tables', () => {
  test('cardRecharge: amount is a Double (a JSON number), kept as its exact text', () => {
    assert.equal(ok('cardRecharge', '{"cardID":"19181","currency":"USD","amount":5000.00}').amount, '5000');
    assert.equal(ok('cardRecharge', '{"cardID":"19181","currency":"USD","amount":1.0E7}').amount, '10000000');
    refused('cardRecharge', '{"cardID":"19181","currency":"USD","amount":"5000.00"}', 'amount');
    refused('cardRecharge', '{"cardID":"19181","currency":"USD","amount":0}', 'amount');
    refused('cardRecharge', '{"cardID":"19181","amount":5}', 'currency');
  });

  test('cardID is a String: a JSON number is refused', () => {
    refused('queryCard', '{"cardID":19181}', 'cardID');
    refused('closeCard', '{"cardID":""}', 'cardID');
  });

  test('ucardAssign: autoActive is a boolean', () => {
    ok('ucardAssign', '{"email":"kyc@kazepay.io","cardNumber":"4937240800070604","autoActive":true}');
    refused(
      'ucardAssign',
      '{"email":"kyc@kazepay.io","cardNumber":"4937240800070604","autoActive":"true"}',
      'autoActive',
    );
  });

  test('cardSetPin: a six-digit number, as a String', () => {
    ok('cardSetPin', '{"cardID":"3295","pin":"375426"}');
    refused('cardSetPin', '{"cardID":"3295","pin":"37542"}', 'pin');
    refused('cardSetPin', '{"cardID":"3295","pin":375426}', 'pin');
  });

  test('queryTransactions: only cardID required; pageSize 1..100, pageNum 1..10, times yyyy-MM-dd HH:mm:ss', () => {
    ok('queryTransactions', '{"cardID":"19181"}');
    const all = ok(
      'queryTransactions',
      '{"cardID":"19181","pageSize":100,"pageNum":10,"transactionStartTime":"2024-02-01 00:00:00","transactionEndTime":"2024-02-08 13:17:02"}',
    );
    assert.equal(all.pageSize, 100);
    refused('queryTransactions', '{"cardID":"19181","pageNum":11}', 'pageNum');
    refused('queryTransactions', '{"cardID":"19181","pageSize":0}', 'pageSize');
    refused('queryTransactions', '{"cardID":"19181","pageSize":"10"}', 'pageSize');
    refused(
      'queryTransactions',
      '{"cardID":"19181","transactionStartTime":"2024-02-01"}',
      'transactionStartTime',
    );
  });

  test('updCardStatus: ACTIVE or INACTIVE', () => {
    ok('updCardStatus', '{"cardID":"19181","status":"INACTIVE"}');
    refused('updCardStatus', '{"cardID":"19181","status":"FROZEN"}', 'status');
  });

  test('KYC: backImg* is required for ID_CARD only; formats the seed states', () => {
    ok('setUcardKyc', kyc({ frontImgFileId: 'a', handheldImgFileId: 'b' }));
    refused(
      'setUcardKyc',
      kyc({ identificationType: 'ID_CARD', frontImgFileId: 'a', handheldImgFileId: 'b' }),
      'backImgFileId',
    );
    ok(
      'setUcardKyc',
      kyc({ identificationType: 'ID_CARD', frontImgFileId: 'a', backImgFileId: 'c', handheldImgFileId: 'b' }),
    );
    ok('setUcardKyc', kyc({ frontImgBase64: 'data:image/jpeg;base64,/9j/', handheldImgBase64: 'x' }));
    refused(
      'setUcardKyc',
      kyc({ identificationType: 'ID_CARD', frontImgBase64: 'x', handheldImgBase64: 'y' }),
      'backImgBase64',
    );
    refused('setUserKyc', kyc({ addressLine: 'x'.repeat(141) }), 'addressLine');
    refused('setUserKyc', kyc({ firstName: 'Zoë' }), 'firstName');
    refused('setUserKyc', kyc({ dateOfBirth: '1958-02-30' }), 'dateOfBirth');
    refused('setUserKyc', kyc({ countryCode: 'FRA' }), 'countryCode');
    refused('setUserKyc', kyc({ identificationType: 'DRIVING_LICENCE' }), 'identificationType');
    refused('setUserKyc', kyc({ emial: 'typo@kazepay.io' }), 'emial');
  });

  test('an apiCode the sandbox does not know has no operation', () => {
    assert.equal(sandboxOperationFor('constructor', {}), undefined);
    assert.equal(sandboxOperationFor('cardTopUp', {}), undefined);
  });
});
