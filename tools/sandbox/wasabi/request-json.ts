// How the WasabiCard sandbox reads a request body: as the Java (Jackson) service would, without
// losing a digit. Every JSON number stays a LosslessNumber (its exact text), so a 19-digit Long
// or a BigDecimal keeps its value, and a number sent where the field table says String stays
// distinguishable from a string (the rules in seed-rules.ts / request-rules.ts decide).
import { parse } from 'lossless-json';

export function parseRequestJson(text: string): unknown {
  return parse(text);
}

/** The `code` of a JSON answer body (the webhook acknowledgement), or undefined. */
export function jsonCode(text: string): string | undefined {
  const body = parseRequestJson(text);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const code = (body as { code?: unknown }).code;
  return code === undefined || code === null ? undefined : String(code);
}
