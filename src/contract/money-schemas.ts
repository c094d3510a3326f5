// The zod schemas of money, built on the plain rules of money.ts (which workflows use without zod).
import { z } from 'zod';
import {
  DECIMAL_MESSAGE,
  decimalText,
  fitsAmountDigits,
  hasAtMostDecimals,
  isPositive,
  MAX_AMOUNT_INTEGER_DIGITS,
  providerDecimalText,
} from './money';

/**
 * Accepts a decimal as text ("12.50") or as a JSON number already decoded losslessly, and
 * yields its text. A number must be finite; text must be plain decimal notation.
 */
export const decimalString = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = decimalText(value);
  if (text === undefined) {
    ctx.addIssue({ code: 'custom', message: DECIMAL_MESSAGE });
    return z.NEVER;
  }
  return text;
});

/**
 * An amount as a provider sends it: like decimalString, and also in the exponent form a Java
 * `Double` (KazePay's amount type in the seed) or `BigDecimal.toString()` produces, e.g. `1.0E7`,
 * which becomes plain decimal text (`10000000`). For reading answers only: what the engine sends
 * stays plain decimal text.
 */
export const providerDecimal = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = providerDecimalText(value);
  if (text === undefined) {
    ctx.addIssue({ code: 'custom', message: DECIMAL_MESSAGE });
    return z.NEVER;
  }
  return text;
});

/**
 * A strictly positive amount with at most `maxDecimals` decimal places and at most 12 digits before
 * the decimal point (`1e308` or a 40-digit amount is refused, never sent to a provider).
 */
export function positiveAmount(maxDecimals = 2) {
  return decimalString
    .refine(isPositive, 'must be greater than 0')
    .refine(fitsAmountDigits, `at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`)
    .refine((v) => hasAtMostDecimals(v, maxDecimals), `at most ${maxDecimals} decimal places`);
}
