// Provider JSON is parsed without losing numeric information: Wasabi's 19-digit Long ids and
// both providers' BigDecimal amounts would be corrupted by JSON.parse. Integers that fit a
// double exactly (status codes, counts, page numbers) stay numbers; every other number keeps
// its exact text as a string, which the zod schemas then read as an id or a decimal.
import { parse } from 'lossless-json';

const SAFE_INTEGER = /^-?\d{1,15}$/;

export function parseProviderJson(text: string): unknown {
  return parse(text, null, (numberText: string) =>
    SAFE_INTEGER.test(numberText) ? Number(numberText) : numberText,
  );
}
