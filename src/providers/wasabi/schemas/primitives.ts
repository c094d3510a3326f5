// Building blocks for WasabiCard's JSON. Wasabi is a Java service: ids are Longs (often 19
// digits, beyond IEEE-754 safe integers), amounts are BigDecimals that arrive as JSON numbers or
// strings depending on endpoint and doc version, times are epoch milliseconds. Bodies are parsed
// with parseProviderJson (lossless), so unsafe numbers reach these schemas as their exact text.
import { z } from 'zod';
import { decimalString } from '../../../contract/money-schemas';

/** A Long id or any opaque id: always a string, whatever JSON type it arrived as. */
export const idString = z.union([z.string(), z.number().int()]).transform((v) => String(v));

/** BigDecimal as decimal text ("16.96"), from a JSON number or string. */
export const amount = decimalString;

/** Epoch milliseconds; numbers, or digit strings. */
export const epochMs = z
  .union([z.number().int(), z.string().regex(/^\d+$/)])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

/** A small integer that some endpoints send as a string. */
export const intLike = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/)])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

/** Optional in Wasabi's world means absent or null. */
export const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

/** `{total, records}`: every paged list. */
export function page<T extends z.ZodType>(record: T) {
  return z.looseObject({
    total: intLike,
    records: z
      .array(record)
      .nullish()
      .transform((r) => r ?? []),
  });
}

/** The response envelope. `data` is checked per endpoint afterwards. */
export const envelopeSchema = z.looseObject({
  success: z.boolean().nullish(),
  code: intLike,
  msg: z.string().nullish(),
  data: z.unknown().optional(),
});
export type WasabiEnvelope = z.output<typeof envelopeSchema>;

/** Order status: wait_process → processing → success | fail. Compared case-insensitively. */
export const ORDER_STATUSES = ['wait_process', 'processing', 'success', 'fail'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Maps a value to the spelling of `known` when it matches case-insensitively, otherwise keeps
 * it as received (an unknown value is data, not an error). UNCONFIRMED: the sources disagree on
 * the case of card statuses (`Normal` / `normal`), so every enum is compared this way.
 */
export function caseInsensitiveEnum<const T extends readonly string[]>(known: T) {
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  return z.string().transform((v) => (byLower.get(v.toLowerCase()) ?? v) as T[number] | (string & {}));
}

export const orderStatus = caseInsensitiveEnum(ORDER_STATUSES);

/** True when `status` is one of `wanted`, ignoring case. */
export function statusIs(status: string | null | undefined, ...wanted: string[]): boolean {
  if (!status) return false;
  const s = status.toLowerCase();
  return wanted.some((w) => w.toLowerCase() === s);
}

/** Terminal order statuses. */
export const isFinalOrderStatus = (status: string | null | undefined) => statusIs(status, 'success', 'fail');
