// The contract's value rules as plain functions, without zod: the zod schemas (common.ts, money.ts)
// are built from them, and the workflows' input checks (src/contract/checks/) use them too, so a
// workflow execution can check its input without constructing a zod schema graph.
import { luhnValid } from './luhn';

export const PROVIDERS = ['kazepay', 'wasabi'] as const;

export const REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const REF_MESSAGE =
  'expected 1-64 characters of letters, digits, dot, underscore or dash, starting with a letter or digit';
const EMAIL_LIKE = /@/;
const CARD_NUMBER_LIKE = /^\d{13,19}$/;

/** Not an email (references end up in ids and search attributes, never encrypted). */
export const isNotEmailLike = (v: string): boolean => !EMAIL_LIKE.test(v);
/** Not a card number (a Luhn-valid run of 13-19 digits). */
export const isNotCardNumber = (v: string): boolean => !(CARD_NUMBER_LIKE.test(v) && luhnValid(v));

/** Whether `v` is an opaque business reference as refSchema accepts it. */
export const isRef = (v: string): boolean => REF.test(v) && isNotEmailLike(v) && isNotCardNumber(v);

export const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const DURATION_UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration's milliseconds (NaN when it is not one). Pure: workflows may use it. */
export function durationToMs(value: string): number {
  const match = DURATION.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * DURATION_UNIT_MS[match[2] as keyof typeof DURATION_UNIT_MS];
}

/** The shortest pace of a provider poll: a faster one only hammers the provider. */
export const MIN_POLL_INTERVAL_MS = 100;
