// How the demo prints an amount: the providers answer "50" or "40.00" for the same kind of
// value; the report shows both as "50.00 USD". Decimal text throughout, never a float.
import { Decimal } from '../../src/contract/money';

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** At least two decimals (more when the amount has them), then the currency if known. */
export function formatMoney(amount: unknown, currency?: unknown): string {
  const text = String(amount).trim();
  const shown = DECIMAL_TEXT.test(text)
    ? new Decimal(text).toFixed(Math.max(2, new Decimal(text).decimalPlaces()))
    : text;
  return currency === undefined || currency === null || currency === ''
    ? shown
    : `${shown} ${String(currency)}`;
}
