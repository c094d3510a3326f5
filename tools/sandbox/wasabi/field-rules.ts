// The field types of WasabiCard's request tables, as the sandbox reads them. WasabiCard is a Java
// service: a `String` field takes a JSON string; a `Long` or `Integer` a JSON integer or a digit
// string; a `BigDecimal` a JSON number or a decimal string; a `Boolean` true/false. Numbers arrive
// as LosslessNumber (request-json.ts) so nothing is rounded; plain numbers are accepted too, for
// callers inside the process. Messages name the rule; check() in guards.ts prefixes the field.
import { LosslessNumber } from 'lossless-json';
import { z } from 'zod';
import { Decimal } from '../../../src/contract/money';

/** A JSON number as its exact text. */
const numberText = () => z.union([z.instanceof(LosslessNumber), z.number()]).transform((n) => n.toString());

export const text = () => z.string({ message: 'required, a String' });
/** "String, required": present, a string, not blank. */
export const requiredText = () => text().refine((v) => v.trim().length > 0, 'required');
/** A String of at most `max` characters. */
export const textUpTo = (max: number) => text().refine((v) => v.length <= max, `length[0...${max}]`);
export const textBetween = (min: number, max: number) =>
  text().refine((v) => v.length >= min && v.length <= max, `length[${min}...${max}]`);
export const bool = () => z.boolean({ message: 'a Boolean' });

/** Long: a JSON integer or a digit string; kept as text (19-digit ids exceed doubles). */
export const long = () =>
  z.union([z.string(), numberText()], { message: 'a Long' }).pipe(z.string().regex(/^\d{1,19}$/, 'a Long'));

/** BigDecimal: a JSON number or a decimal string, as its exact decimal text. */
export const bigDecimal = () =>
  z.union([z.string(), numberText()], { message: 'a BigDecimal' }).transform((v, ctx) => {
    try {
      const d = new Decimal(v.trim());
      if (!d.isFinite()) throw new Error('not finite');
      return d.toFixed();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a BigDecimal' });
      return z.NEVER;
    }
  });

/** Integer with the table's default ("Current page. Default is 1"). */
export const integer = (fallback: number) =>
  z
    .union([z.string(), numberText()], { message: 'an Integer' })
    .pipe(z.string().regex(/^-?\d{1,9}$/, 'an Integer'))
    .transform((v) => Number(v))
    .default(fallback);

/** Epoch milliseconds (Long). */
export const epochMs = () =>
  z
    .union([z.string(), numberText()], { message: 'a Long' })
    .pipe(z.string().regex(/^\d{1,15}$/, 'epoch milliseconds'))
    .transform((v) => Number(v));

export const orderNo = (min: number, max: number) => textBetween(min, max);
export const pageNum = () => integer(1).pipe(z.number().min(1, 'at least 1'));
/** "Number of pages per page. Default 10, maximum 100". */
export const pageSize = () => integer(10).pipe(z.number().min(1, 'at least 1').max(100, 'maximum 100'));

/** One of the listed values, compared case-insensitively (the documents mix Freeze and freeze). */
export const oneOf = (values: readonly string[]) => {
  const lower = new Set(values.map((v) => v.toLowerCase()));
  return text().refine((v) => lower.has(v.toLowerCase()), `one of ${values.join(', ')}`);
};
/** One of the listed values, spelled exactly. */
export const exactlyOneOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z.enum(values, { message: `one of ${values.join(', ')}` });
