import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { ProviderValidationError } from '../../../src/providers/errors';
import { parseProviderJson } from '../../../src/providers/json';
import { KazepayClient } from '../../../src/providers/kazepay/client';
import { DEFAULT_CRYPTO_PROFILE } from '../../../src/providers/kazepay/crypto-profile';
import { parseEnvelope, sealEnvelope } from '../../../src/providers/kazepay/envelope';
import { KAZEPAY_OPERATIONS, type OperationName } from '../../../src/providers/kazepay/operations';
import { REQUEST_NO_PATTERN, requestNoGenerator } from '../../../src/providers/kazepay/request-no';
import {
  seedFileUploadResponseEnvelope,
  seedRequestBodies,
  seedResponseBodies,
  seedSetUcardKycRequestEnvelope,
} from '../../fixtures/kazepay/seed-examples';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe("the seed's example bodies parse", () => {
  for (const [name, body] of Object.entries(seedRequestBodies)) {
    test(`request ${name}`, () => {
      const spec = KAZEPAY_OPERATIONS[name as OperationName];
      let value = parseProviderJson(body) as Record<string, unknown>;
      if (name === 'fileUpload') value = { ...value, file: { fileName: 'front.png', content: PNG } };
      const result = spec.request.safeParse(value);
      assert.ok(result.success, JSON.stringify(result.error?.issues));
    });
  }
  for (const [name, body] of Object.entries(seedResponseBodies)) {
    test(`response ${name}`, () => {
      const result = KAZEPAY_OPERATIONS[name as OperationName].response.safeParse(parseProviderJson(body));
      assert.ok(result.success, JSON.stringify(result.error?.issues));
    });
  }

  test('amounts come out as exact decimal text, never floats', () => {
    const balance = KAZEPAY_OPERATIONS.cardBalance.response.parse(
      parseProviderJson(seedResponseBodies.cardBalance),
    );
    assert.deepEqual([balance.avaBalance, balance.blockBalance], ['18506.25', '2020.00']);
    const [row] = KAZEPAY_OPERATIONS.queryTransactions.response.parse(
      parseProviderJson(seedResponseBodies.queryTransactions),
    );
    assert.deepEqual(
      [row!.cardCurrencyAmt, row!.transCurrencyAmt, row!.fee],
      ['-13.09', '-11.90', '-0.250000'],
    );
    assert.equal(row!.transStatus, 'PENDING');
    const recharge = KAZEPAY_OPERATIONS.cardRecharge.request.parse(
      parseProviderJson(seedRequestBodies.cardRecharge),
    );
    assert.equal(recharge.amount, '5000.00');
    const close = KAZEPAY_OPERATIONS.closeCard.response.parse(
      parseProviderJson(seedResponseBodies.closeCard),
    );
    assert.equal(close.refundAmt, '65.22');
  });

  test('the seed envelopes have the documented shape; the fileUpload one proves the block cipher', () => {
    const upload = parseEnvelope(seedFileUploadResponseEnvelope);
    assert.equal(upload.head.code, 'SUCCESS');
    assert.equal(Buffer.from(upload.head.sign!, 'hex').length, 256);
    assert.equal(Buffer.from(upload.head.keyEnc!, 'hex').length, 256);
    assert.equal(Buffer.from(upload.encrypt!, 'base64').length, 80);
    // The business JSON it carries is 69 bytes; our default profile seals it to the same 80 bytes.
    const business = Buffer.from(JSON.stringify(parseProviderJson(seedResponseBodies.fileUpload)));
    assert.equal(business.length, 69);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sealed = sealEnvelope({
      profile: DEFAULT_CRYPTO_PROFILE,
      head: { apiCode: 'fileUpload', sysId: 'H2400002001', requestNo: '174574749857359840', version: '1.0' },
      business,
      senderPrivateKey: privateKey,
      receiverPublicKey: publicKey,
    });
    assert.equal(Buffer.from(sealed.body!.encrypt, 'base64').length, 80);
    assert.equal(parseEnvelope(seedSetUcardKycRequestEnvelope).head.apiCode, 'setUcardKyc');
  });
});

describe('bad input is refused before sending, naming the field and the rule', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Nothing listens on port 9: had anything been sent, the error would be a Retryable one.
  const client = new KazepayClient({
    baseUrl: 'http://127.0.0.1:9/',
    sysId: '1',
    merchantPrivateKey: privateKey,
    platformPublicKey: publicKey,
  });
  const kyc = parseProviderJson(seedRequestBodies.setUcardKyc) as Record<string, unknown>;

  const cases: Array<[string, OperationName, unknown, string, RegExp]> = [
    ['a five-digit PIN', 'cardSetPin', { cardID: '3295', pin: '37542' }, 'pin', /six digits/],
    ['a PIN with letters', 'cardSetPin', { cardID: '3295', pin: '37542a' }, 'pin', /six digits/],
    [
      'ID_CARD without the back image',
      'setUcardKyc',
      { ...kyc, identificationType: 'ID_CARD' },
      'backImgFileId',
      /required when identificationType is ID_CARD/,
    ],
    [
      'an unknown identification type',
      'setUcardKyc',
      { ...kyc, identificationType: 'DRIVING_LICENCE' },
      'identificationType',
      /PASSPORT, ID_CARD/,
    ],
    [
      'an impossible date',
      'setUcardKyc',
      { ...kyc, dateOfBirth: '1990-02-30' },
      'dateOfBirth',
      /real calendar date/,
    ],
    [
      'a date in another format',
      'setUcardKyc',
      { ...kyc, identificationExpiryDate: '31/12/2099' },
      'identificationExpiryDate',
      /yyyy-MM-dd/,
    ],
    ['a non-English name', 'setUcardKyc', { ...kyc, firstName: 'Zoë' }, 'firstName', /English/],
    [
      'an address of 141 characters',
      'setUcardKyc',
      { ...kyc, addressLine: 'a'.repeat(141) },
      'addressLine',
      /at most 140/,
    ],
    ['a non-English address', 'setUcardKyc', { ...kyc, addressLine: '北京市' }, 'addressLine', /English/],
    ['an unassigned country code', 'setUcardKyc', { ...kyc, countryCode: 'XX' }, 'countryCode', /ISO 3166/],
    [
      'a lower-case country code',
      'setUcardKyc',
      { ...kyc, mobilePrefixCountry: 'my' },
      'mobilePrefixCountry',
      /ISO 3166/,
    ],
    ['a missing email', 'queryUcardKycStatus', {}, 'email', /^required$/],
    ['a malformed email', 'queryUcardKycStatus', { email: 'kyc-at-kazepay' }, 'email', /email/],
    [
      'an unknown field',
      'queryCard',
      { cardID: '1', cardNumber: '4937240800070604' },
      'cardNumber',
      /unknown field/,
    ],
    ['a zero amount', 'cardRecharge', { cardID: '1', amount: '0' }, 'amount', /greater than 0/],
    [
      'a float artefact',
      'cardRecharge',
      { cardID: '1', amount: 0.1 + 0.2 },
      'amount',
      /at most 2 decimal places/,
    ],
    [
      'an amount in exponent notation',
      'cardRecharge',
      { cardID: '1', amount: '1e3' },
      'amount',
      /decimal amount/,
    ],
    ['page 11', 'queryTransactions', { cardID: '1', pageNum: 11 }, 'pageNum', /between 1 and 10/],
    ['page size 101', 'queryTransactions', { cardID: '1', pageSize: 101 }, 'pageSize', /between 1 and 100/],
    [
      'a bad time',
      'queryTransactions',
      { cardID: '1', transactionStartTime: '2024-01-01T00:00:00' },
      'transactionStartTime',
      /yyyy-MM-dd HH:mm:ss/,
    ],
    [
      'an unknown card status',
      'updCardStatus',
      { cardID: '1', status: 'FROZEN' },
      'status',
      /ACTIVE, INACTIVE/,
    ],
    [
      'a non-boolean autoActive',
      'ucardAssign',
      { email: 'a@b.io', cardNumber: '4937240800070604', autoActive: 'yes' },
      'autoActive',
      /true or false/,
    ],
    ['a short card number', 'getCardId', { cardNo: '12345' }, 'cardNo', /12 to 19 digits/],
    ['a webhook URL that is not http', 'setWebhookUrl', { url: 'ftp://example.com/x' }, 'url', /http/],
    [
      'a text file as an image',
      'fileUpload',
      {
        email: 'a@b.io',
        mobileNumber: '15659874544',
        mobilePrefix: '60',
        file: { fileName: 'a.png', content: Buffer.from('hello') },
      },
      'file.content',
      /PNG or JPEG/,
    ],
  ];
  for (const [label, operation, input, field, rule] of cases) {
    test(label, async () => {
      await assert.rejects(client.call(operation, input as never), (error: unknown) => {
        assert.ok(error instanceof ProviderValidationError, String(error));
        const issue = error.issues.find((i) => i.field === field);
        assert.ok(issue, `no issue for ${field}: ${JSON.stringify(error.issues)}`);
        assert.match(issue.rule, rule);
        return true;
      });
    });
  }

  test('the error message never echoes the rejected value', async () => {
    await assert.rejects(client.cardSetPin({ cardID: '3295', pin: '98765' }), (error: Error) => {
      assert.doesNotMatch(error.message, /98765/);
      return true;
    });
  });
});

test('requestNo: timestamp plus 8 to 10 digits, never repeated by one generator', () => {
  const fixed = new Date('2024-06-28T10:20:08Z');
  for (const digits of [8, 9, 10] as const) {
    const next = requestNoGenerator({ randomDigits: digits, now: () => fixed });
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(next());
    assert.equal(seen.size, 2000);
    for (const n of seen) {
      assert.match(n, REQUEST_NO_PATTERN);
      assert.equal(n.length, 14 + digits);
      assert.ok(n.startsWith('20240628102008'));
    }
  }
});
