// issuanceInputSchema as a plain check (see rules.ts).
import type { IssuanceParsedInput } from '../issuance';
import { literal, object, passed, positiveAmount, ref, text, waitOptions } from './rules';

const DIGITS_ID = /^\d{1,19}$/;
const digitsId = text((v) => DIGITS_ID.test(v));

const issuanceInput = object(
  {
    provider: literal('wasabi'),
    customerRef: ref,
    requestRef: ref,
    cardTypeId: digitsId,
    initialDeposit: positiveAmount(6),
  },
  { holderId: digitsId, order: waitOptions },
);

/** The input as issuanceInputSchema parses it, when the plain check passes it; else undefined. */
export const checkIssuanceInput = (raw: unknown): IssuanceParsedInput | undefined =>
  passed<IssuanceParsedInput>(issuanceInput, raw);
