// The workflows' plain input checks (src/contract/input-checks/) against the contract's zod
// schemas, which stay the source of truth: on generated inputs, valid and near-valid, a check
// passes only what the schema passes and answers exactly the schema's output; and it passes
// every input the schema passes that has no key the schema would strip or read as undefined.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { closureInputSchema } from '../../src/contract/closure';
import { depositInputSchema } from '../../src/contract/deposit';
import { checkClosureInput } from '../../src/contract/input-checks/closure';
import { checkDepositInput } from '../../src/contract/input-checks/deposit';
import { checkIssuanceInput } from '../../src/contract/input-checks/issuance';
import { checkKycInput, EMAIL } from '../../src/contract/input-checks/kyc';
import { issuanceInputSchema } from '../../src/contract/issuance';
import { kycInputSchema } from '../../src/contract/kyc';

const RUNS = 3000;

/** Mostly valid values, now and then one near the rule's edge or plainly wrong. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>, weight = 12) =>
  fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: other });
/** For the applicant's many fields: rarer misses, so whole inputs are still often valid. */
const RARE = 60;

const ref = mostly(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  fc.oneof(
    fc.constantFrom(
      '',
      'a@b',
      'x'.repeat(65),
      '-lead',
      '4111111111111111',
      '4111111111111112',
      '12345678901234567890',
    ),
    fc.string({ maxLength: 8 }),
    fc.integer(),
  ),
);
const duration = mostly(
  fc.stringMatching(/^\d{1,4}(ms|s|m|h|d)$/),
  fc.oneof(fc.constantFrom('0s', '0ms', '99ms', '100ms', ' 1m', '1 m', '1y', '', '00s'), fc.integer()),
);
const amount = mostly(
  fc.oneof(fc.stringMatching(/^-?\d{1,14}(\.\d{1,8})?$/), fc.integer({ min: -10, max: 2_000_000_000_000 })),
  fc.oneof(
    fc.constantFrom(
      ' 12.50 ',
      '0',
      '0.000000',
      '1e3',
      '+1',
      '.5',
      '1.',
      '999999999999.999999',
      '1000000000000',
      '',
    ),
    fc.double(),
    fc.constant(Number.POSITIVE_INFINITY),
  ),
);
const provider = mostly(fc.constantFrom('kazepay', 'wasabi'), fc.constantFrom('KAZEPAY', '', 'stripe'));
const digitsId = mostly(
  fc.stringMatching(/^\d{1,19}$/),
  fc.constantFrom('', '12345678901234567890', '12a', '١٢٣'),
);
const currency = mostly(fc.stringMatching(/^[A-Z]{3,5}$/), fc.constantFrom('usd', 'US', 'USDTXX', ''));
const waitOptions = mostly(
  fc.record({ deadline: duration, pollInterval: duration }, { requiredKeys: [] }),
  fc.constantFrom(null, 'x', []),
);
const reconcileOptions = mostly(
  fc.record({ settle: duration, resolveWithin: duration }, { requiredKeys: [] }),
  fc.constantFrom(null, 5),
);

const sizedText = (min: number, max: number) =>
  mostly(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: max + 1, maxLength: max + 3 }),
  );
const isoCountry = mostly(fc.stringMatching(/^[A-Z]{2}$/), fc.constantFrom('us', 'USA', ''), RARE);
const isoDate = mostly(
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  fc.constantFrom('2020-1-01', '20200101', ''),
);
const email = mostly(
  fc.oneof(
    fc.stringMatching(/^[a-z0-9_'+-]{1,10}(\.[a-z0-9]{1,5})?@[a-z0-9]{1,10}\.[a-z]{2,4}$/),
    fc.constantFrom("o'neil+x@mail.example.com"),
  ),
  fc.oneof(fc.emailAddress(), fc.constantFrom('a@b', 'no-at.example.com', '.a@b.co', 'a@-b.co', 'a@b.c', '')),
);
const documentRef = mostly(
  fc.record({
    ref: mostly(fc.stringMatching(/^[A-Za-z0-9._:/-]{1,200}$/), fc.constantFrom('', 'a b', 'x'.repeat(201))),
  }),
  fc.constantFrom({}, null, 'ref'),
);
const applicant = mostly(
  fc.record(
    {
      email,
      mobile: fc.record({
        prefix: mostly(fc.stringMatching(/^\d{1,4}$/), fc.constantFrom('+60', '12345')),
        number: mostly(fc.stringMatching(/^\d{4,15}$/), fc.constantFrom('123', '1'.repeat(16))),
        country: isoCountry,
      }),
      firstName: sizedText(1, 64),
      lastName: sizedText(1, 64),
      dateOfBirth: isoDate,
      address: fc.record(
        {
          line: sizedText(1, 140),
          city: sizedText(1, 64),
          state: sizedText(1, 64),
          postCode: sizedText(1, 16),
          country: isoCountry,
          cityCode: sizedText(0, 32),
        },
        { requiredKeys: ['line', 'city', 'state', 'postCode', 'country'] },
      ),
      identification: fc.record(
        {
          type: mostly(
            fc.constantFrom('PASSPORT', 'ID_CARD', 'DRIVING_LICENCE', 'HK_HKID'),
            fc.constantFrom('passport', ''),
          ),
          number: sizedText(1, 64),
          issueDate: isoDate,
          expiryDate: isoDate,
        },
        { requiredKeys: ['type', 'number', 'expiryDate'] },
      ),
      nationality: isoCountry,
      gender: mostly(fc.constantFrom('M', 'F'), fc.constantFrom('X', 'm')),
      occupation: sizedText(0, 64),
      annualSalary: sizedText(0, 64),
      accountPurpose: sizedText(0, 128),
      expectedMonthlyVolume: sizedText(0, 64),
      ipAddress: sizedText(0, 64),
    },
    {
      requiredKeys: ['email', 'mobile', 'firstName', 'lastName', 'dateOfBirth', 'address', 'identification'],
    },
  ),
  fc.constantFrom(null, {}, 'applicant'),
);
const documents = fc.record(
  { front: documentRef, back: documentRef, selfie: documentRef },
  { requiredKeys: ['front'] },
);
const kycCommon = {
  customerRef: ref,
  applicant,
  review: waitOptions,
  reconcile: reconcileOptions,
  documents,
};
const kycInputs = fc.oneof(
  fc.record(
    {
      provider: fc.constant('kazepay'),
      ...kycCommon,
      mode: mostly(fc.constantFrom('documents', 'hosted'), fc.constant('HOSTED')),
    },
    { requiredKeys: ['provider', 'customerRef', 'applicant'] },
  ),
  fc.record(
    {
      provider: mostly(fc.constant('wasabi'), fc.constantFrom('toString', '__proto__', 'other')),
      ...kycCommon,
      cardTypeId: digitsId,
      cardHolderModel: mostly(fc.constantFrom('B2C', 'B2B'), fc.constant('b2c')),
      resubmissionWindow: duration,
    },
    { requiredKeys: ['provider', 'customerRef', 'applicant', 'cardTypeId'] },
  ),
);

/** Inputs with, now and then, a key the schema does not know or an undefined value. */
function untidy<T extends object>(inputs: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    inputs,
    fc
      .tuple(inputs, fc.constantFrom('extra', 'provider', 'cardRef', '__proto__x'))
      .map(([i, k]) => ({ ...i, [k]: undefined })),
    fc.tuple(inputs, fc.string({ maxLength: 5 })).map(([i, v]) => ({ ...i, unknownKey: v })),
    fc.constantFrom(null, undefined, 'input', 42, []),
  );
}

const closureInputs = fc.record(
  { provider, cardRef: ref, customerRef: ref, completion: waitOptions, reconcile: reconcileOptions },
  { requiredKeys: ['provider', 'cardRef'] },
);
const depositInputs = fc.record(
  {
    provider,
    cardRef: ref,
    depositRef: ref,
    amount,
    currency,
    customerRef: ref,
    settlement: waitOptions,
    reconcile: reconcileOptions,
  },
  { requiredKeys: ['provider', 'cardRef', 'depositRef', 'amount', 'currency'] },
);
const issuanceInputs = fc.record(
  {
    provider: mostly(fc.constant('wasabi'), provider),
    customerRef: ref,
    requestRef: ref,
    cardTypeId: digitsId,
    initialDeposit: amount,
    holderId: digitsId,
    order: waitOptions,
  },
  { requiredKeys: ['provider', 'customerRef', 'requestRef', 'cardTypeId', 'initialDeposit'] },
);

/** No key zod would strip (unknown) or read as undefined, at any depth. */
function tidy(value: unknown, known: Record<string, readonly string[]>, path = ''): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const keys = known[path];
  if (!keys) return true;
  return Object.entries(value).every(
    ([k, v]) => keys.includes(k) && v !== undefined && tidy(v, known, path ? `${path}.${k}` : k),
  );
}
const WAIT = ['deadline', 'pollInterval'];
const DOCUMENT = ['ref'];
const RECONCILE = ['settle', 'resolveWithin'];

const cases: Array<{
  name: string;
  schema: z.ZodType;
  check: (raw: unknown) => unknown;
  inputs: fc.Arbitrary<object>;
  known: Record<string, readonly string[]>;
}> = [
  {
    name: 'cardClosure',
    schema: closureInputSchema as z.ZodType,
    check: checkClosureInput as (raw: unknown) => unknown,
    inputs: closureInputs,
    known: {
      '': ['provider', 'cardRef', 'customerRef', 'completion', 'reconcile'],
      completion: WAIT,
      reconcile: RECONCILE,
    },
  },
  {
    name: 'cardDeposit',
    schema: depositInputSchema as z.ZodType,
    check: checkDepositInput as (raw: unknown) => unknown,
    inputs: depositInputs,
    known: {
      '': [
        'provider',
        'cardRef',
        'depositRef',
        'amount',
        'currency',
        'customerRef',
        'settlement',
        'reconcile',
      ],
      settlement: WAIT,
      reconcile: RECONCILE,
    },
  },
  {
    name: 'kycVerification',
    schema: kycInputSchema,
    check: checkKycInput,
    inputs: kycInputs,
    known: {
      '': [
        'provider',
        'customerRef',
        'applicant',
        'review',
        'reconcile',
        'documents',
        'mode',
        'cardTypeId',
        'cardHolderModel',
        'resubmissionWindow',
      ],
      applicant: [
        'email',
        'mobile',
        'firstName',
        'lastName',
        'dateOfBirth',
        'address',
        'identification',
        'nationality',
        'gender',
        'occupation',
        'annualSalary',
        'accountPurpose',
        'expectedMonthlyVolume',
        'ipAddress',
      ],
      'applicant.mobile': ['prefix', 'number', 'country'],
      'applicant.address': ['line', 'city', 'state', 'postCode', 'country', 'cityCode'],
      'applicant.identification': ['type', 'number', 'issueDate', 'expiryDate'],
      review: WAIT,
      reconcile: RECONCILE,
      documents: ['front', 'back', 'selfie'],
      'documents.front': DOCUMENT,
      'documents.back': DOCUMENT,
      'documents.selfie': DOCUMENT,
    },
  },
  {
    name: 'virtualCardIssuance',
    schema: issuanceInputSchema as z.ZodType,
    check: checkIssuanceInput as (raw: unknown) => unknown,
    inputs: issuanceInputs,
    known: {
      '': ['provider', 'customerRef', 'requestRef', 'cardTypeId', 'initialDeposit', 'holderId', 'order'],
      order: WAIT,
    },
  },
];

for (const c of cases) {
  test(`${c.name}: the plain check passes only what the zod schema passes, with its output`, () => {
    fc.assert(
      fc.property(untidy(c.inputs), (raw) => {
        const checked = c.check(raw);
        if (checked === undefined) return;
        const parsed = c.schema.safeParse(raw);
        assert.ok(parsed.success, 'the check passed an input the schema refuses');
        assert.deepStrictEqual(checked, parsed.data);
      }),
      { numRuns: RUNS },
    );
  });

  test(`${c.name}: the plain check passes every tidy input the zod schema passes`, () => {
    let passed = 0;
    fc.assert(
      fc.property(c.inputs, (raw) => {
        const parsed = c.schema.safeParse(raw);
        if (!parsed.success || !tidy(raw, c.known)) return;
        passed += 1;
        assert.deepStrictEqual(c.check(raw), parsed.data);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach valid inputs, or the properties above say little.
    assert.ok(passed > RUNS / 40, `only ${passed} of ${RUNS} generated inputs were valid`);
  });
}

test("the KYC check's email pattern is zod's", () => {
  assert.equal(EMAIL.source, z.regexes.email.source);
});
