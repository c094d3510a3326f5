// Money is decimal text end to end ("100.25"), never a binary float. decimal.js is pure and
// deterministic, so workflows may use these helpers too.
import Decimal from 'decimal.js';
import { z } from 'zod';

export { Decimal };

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** Canonical decimal text: no exponent, no leading '+', trailing zeros kept as given. */
export type DecimalString = string;

/**
 * Accepts a decimal as text ("12.50") or as a JSON number already decoded losslessly, and
 * yields its text. A number must be finite; text must be plain decimal notation.
 */
export const decimalString = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text =
    typeof value === 'number' ? (Number.isFinite(value) ? new Decimal(value).toFixed() : '') : value.trim();
  if (!DECIMAL_TEXT.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'expected a decimal amount such as 12.50' });
    return z.NEVER;
  }
  return text;
});

const EXPONENT_TEXT = /^-?\d+(\.\d+)?[eE][+-]?\d+$/;

/**
 * An amount as a provider sends it: like decimalString, and also in the exponent form a Java
 * `Double` (KazePay's amount type in the seed) or `BigDecimal.toString()` produces, e.g. `1.0E7`,
 * which becomes plain decimal text (`10000000`). For reading answers only: what the engine sends
 * stays plain decimal text.
 */
export const providerDecimal = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const raw =
    typeof value === 'number' ? (Number.isFinite(value) ? new Decimal(value).toFixed() : '') : value.trim();
  const text = EXPONENT_TEXT.test(raw) ? new Decimal(raw).toFixed() : raw;
  if (!DECIMAL_TEXT.test(text)) {
    ctx.addIssue({ code: 'custom', message: 'expected a decimal amount such as 12.50' });
    return z.NEVER;
  }
  return text;
});

/**
 * The largest amount the engine takes: under 10^12 (12 digits before the decimal point). No card
 * program moves more in one operation, and every provider's amount fits it exactly.
 */
export const MAX_AMOUNT_INTEGER_DIGITS = 12;

/**
 * A strictly positive amount with at most `maxDecimals` decimal places and at most 12 digits before
 * the decimal point (`1e308` or a 40-digit amount is refused, never sent to a provider).
 */
export function positiveAmount(maxDecimals = 2) {
  return decimalString
    .refine((v) => new Decimal(v).gt(0), 'must be greater than 0')
    .refine(
      (v) => new Decimal(v).abs().lt(new Decimal(10).pow(MAX_AMOUNT_INTEGER_DIGITS)),
      `at most ${MAX_AMOUNT_INTEGER_DIGITS} digits before the decimal point`,
    )
    .refine((v) => new Decimal(v).decimalPlaces() <= maxDecimals, `at most ${maxDecimals} decimal places`);
}

export function addMoney(a: DecimalString, b: DecimalString): DecimalString {
  return new Decimal(a).plus(b).toFixed();
}

export function subtractMoney(a: DecimalString, b: DecimalString): DecimalString {
  return new Decimal(a).minus(b).toFixed();
}
