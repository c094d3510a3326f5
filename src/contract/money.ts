// Money is decimal text end to end ("100.25"), never a binary float. decimal.js is pure and
// deterministic, so workflows may use these helpers too. No zod here (its schemas are in
// money-schemas.ts): the workflows' input checks use these functions without building schemas.
import Decimal from 'decimal.js';

export { Decimal };

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
const EXPONENT_TEXT = /^-?\d+(\.\d+)?[eE][+-]?\d+$/;

/** Canonical decimal text: no exponent, no leading '+', trailing zeros kept as given. */
export type DecimalString = string;

export const DECIMAL_MESSAGE = 'expected a decimal amount such as 12.50';

/**
 * The decimal text of a decimal given as text ("12.50", trimmed) or as a JSON number already
 * decoded losslessly; undefined when it is neither (a number must be finite, text plain decimal).
 */
export function decimalText(value: string | number): DecimalString | undefined {
  const text =
    typeof value === 'number' ? (Number.isFinite(value) ? new Decimal(value).toFixed() : '') : value.trim();
  return DECIMAL_TEXT.test(text) ? text : undefined;
}

/** Like decimalText, and also the exponent form a Java `Double` or `BigDecimal` prints (`1.0E7`). */
export function providerDecimalText(value: string | number): DecimalString | undefined {
  const raw =
    typeof value === 'number' ? (Number.isFinite(value) ? new Decimal(value).toFixed() : '') : value.trim();
  const text = EXPONENT_TEXT.test(raw) ? new Decimal(raw).toFixed() : raw;
  return DECIMAL_TEXT.test(text) ? text : undefined;
}

/**
 * The largest amount the engine takes: under 10^12 (12 digits before the decimal point). No card
 * program moves more in one operation, and every provider's amount fits it exactly.
 */
export const MAX_AMOUNT_INTEGER_DIGITS = 12;

/** Whether decimal text `v` is greater than 0. */
export const isPositive = (v: DecimalString): boolean => new Decimal(v).gt(0);
/** Whether decimal text `v` has at most MAX_AMOUNT_INTEGER_DIGITS digits before the point. */
export const fitsAmountDigits = (v: DecimalString): boolean =>
  new Decimal(v).abs().lt(new Decimal(10).pow(MAX_AMOUNT_INTEGER_DIGITS));
/** Whether decimal text `v` has at most `maxDecimals` decimal places. */
export const hasAtMostDecimals = (v: DecimalString, maxDecimals: number): boolean =>
  new Decimal(v).decimalPlaces() <= maxDecimals;

/** The text of a strictly positive amount as positiveAmount(maxDecimals) accepts it, else undefined. */
export function positiveAmountText(value: unknown, maxDecimals: number): DecimalString | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = decimalText(value);
  if (text === undefined) return undefined;
  return isPositive(text) && fitsAmountDigits(text) && hasAtMostDecimals(text, maxDecimals)
    ? text
    : undefined;
}

export function addMoney(a: DecimalString, b: DecimalString): DecimalString {
  return new Decimal(a).plus(b).toFixed();
}

export function subtractMoney(a: DecimalString, b: DecimalString): DecimalString {
  return new Decimal(a).minus(b).toFixed();
}
