// depositInputSchema as a plain check (see rules.ts).
import type { DepositParsedInput } from '../deposit';
import { object, passed, positiveAmount, provider, reconcileOptions, ref, text, waitOptions } from './rules';

const CURRENCY = /^[A-Z]{3,5}$/;

const depositInput = object(
  {
    provider,
    cardRef: ref,
    depositRef: ref,
    amount: positiveAmount(6),
    currency: text((v) => CURRENCY.test(v)),
  },
  { customerRef: ref, settlement: waitOptions, reconcile: reconcileOptions },
);

/** The input as depositInputSchema parses it, when the plain check passes it; else undefined. */
export const checkDepositInput = (raw: unknown): DepositParsedInput | undefined =>
  passed<DepositParsedInput>(depositInput, raw);
