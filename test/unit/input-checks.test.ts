// The workflows' plain input checks (src/contract/input-checks/) against the contract's zod
// schemas, which stay the source of truth: on generated inputs, valid and near-valid, a check
// passes only what the schema passes and answers exactly the schema's output; and it passes
// every input the schema passes that has no key the schema would strip or read as undefined.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { closureInputSchema } from '../../src/contract/closure';
import { depositInputSchema } from '../../src/contract/deposit';
import { checkClosureInput } from '../../src/contract/input-checks/closure';
import { checkDepositInput } from '../../src/contract/input-checks/deposit';
import { checkIssuanceInput } from '../../src/contract/input-checks/issuance';
import { issuanceInputSchema } from '../../src/contract/issuance';

const RUNS = 3000;

/** Mostly valid values, now and then one near the rule's edge or plainly wrong. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: other });

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
    assert.ok(passed > RUNS / 20, `only ${passed} of ${RUNS} generated inputs were valid`);
  });
}
