// Plain checks built like the contract's zod schemas, for workflows: checking an input this way
// constructs no zod schema graph, which the SDK would otherwise build again for every workflow
// execution (docs/benchmark.md). They only ever pass what the zod schema passes, with the same
// output (test/unit/input-checks.test.ts); anything else FAILs and the zod schema decides.
import { positiveAmountText } from '../money';
import { DURATION, durationToMs, isRef, MIN_POLL_INTERVAL_MS, PROVIDERS } from '../rules';

/** What a check answers for a value it does not pass. */
export const FAIL: unique symbol = Symbol('FAIL');
/** A value's output as the zod schema would give it, or FAIL. */
export type Rule = (value: unknown) => unknown;

/**
 * A JSON object with exactly the keys the schema knows: `required` must be present, `optional`
 * may be, `defaulted` may be and take their default when absent (zod's `.default()`). Anything
 * zod would strip or read as undefined (unknown keys, undefined values) FAILs, so the zod schema
 * decides those inputs.
 */
export function object(
  required: Record<string, Rule>,
  optional: Record<string, Rule> = {},
  defaulted: Record<string, { rule: Rule; value: string | boolean }> = {},
): Rule {
  const known = new Set([...Object.keys(required), ...Object.keys(optional), ...Object.keys(defaulted)]);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return FAIL;
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) if (!known.has(key) || input[key] === undefined) return FAIL;
    const output: Record<string, unknown> = {};
    for (const [key, rule] of Object.entries(required)) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) return FAIL;
      const checked = rule(input[key]);
      if (checked === FAIL) return FAIL;
      output[key] = checked;
    }
    for (const [key, rule] of Object.entries(optional)) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
      const checked = rule(input[key]);
      if (checked === FAIL) return FAIL;
      output[key] = checked;
    }
    for (const [key, { rule, value: fallback }] of Object.entries(defaulted)) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) {
        output[key] = fallback;
        continue;
      }
      const checked = rule(input[key]);
      if (checked === FAIL) return FAIL;
      output[key] = checked;
    }
    return output;
  };
}

/** A string that passes `test`. */
export const text =
  (test: (value: string) => boolean): Rule =>
  (value) =>
    typeof value === 'string' && test(value) ? value : FAIL;

/** A string matching `pattern`. */
export const matching = (pattern: RegExp): Rule => text((v) => pattern.test(v));

/** A string of `min` to `max` UTF-16 code units (zod's `.min()`/`.max()`). */
export const sized = (min: number, max: number): Rule => text((v) => v.length >= min && v.length <= max);

/** One of `values` (zod's `z.enum`). */
export const oneOf = (values: readonly string[]): Rule => text((v) => values.includes(v));

/** Exactly `expected`. */
export const literal =
  (expected: string): Rule =>
  (value) =>
    value === expected ? value : FAIL;

/** refSchema. */
export const ref: Rule = text(isRef);
/** providerSchema. */
export const provider: Rule = text((v) => (PROVIDERS as readonly string[]).includes(v));

const isDuration = (v: string): boolean => DURATION.test(v) && durationToMs(v) > 0;
/** durationSchema. */
export const duration: Rule = text(isDuration);
/** waitOptionsSchema. */
export const waitOptions: Rule = object(
  {},
  { deadline: duration, pollInterval: text((v) => isDuration(v) && durationToMs(v) >= MIN_POLL_INTERVAL_MS) },
);
/** reconcileOptionsSchema. */
export const reconcileOptions: Rule = object({}, { settle: duration, resolveWithin: duration });

/** positiveAmount(maxDecimals): the amount's decimal text. */
export const positiveAmount =
  (maxDecimals: number): Rule =>
  (value) =>
    positiveAmountText(value, maxDecimals) ?? FAIL;

/** `rule`'s output typed as the schema's output, or undefined when it FAILs. */
export function passed<T>(rule: Rule, raw: unknown): T | undefined {
  const checked = rule(raw);
  return checked === FAIL ? undefined : (checked as T);
}
