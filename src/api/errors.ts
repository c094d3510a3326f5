// The API's error vocabulary: every failure a caller can cause answers a 4xx with a JSON body
// `{ error, message, issues? }`; nothing else ever shows a stack trace, a secret or an echoed value.
import type { z } from 'zod';
import { refSchema } from '../contract/common';
import { redactText } from '../logging/redaction';

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly ApiIssue[],
    /** The caller's own ids quoted in the message: kept as sent when they are references. */
    own: readonly string[] = [],
  ) {
    // Messages may quote a caller's value (a flow id from the path): card numbers and emails masked,
    // except in the caller's own references, which come back as they were asked for.
    super(redactKeeping(message, own));
  }
}

/**
 * A workflow id or business reference the caller chose: every ref in it passes the contract's
 * `refSchema`, which refuses emails and card numbers, so it is not card or personal data.
 */
export function isOwnReference(value: string): boolean {
  const parts = value.split(':');
  const refs =
    parts.length >= 3 && /^(kyc|activation|issuance|deposit|closure|card)$/.test(parts[0] ?? '')
      ? parts.slice(2)
      : [value];
  return refs.every((ref) => refSchema.safeParse(ref).success);
}

function redactKeeping(message: string, keep: readonly string[]): string {
  const own = keep.filter((v) => v.length > 0 && isOwnReference(v));
  let text = message;
  own.forEach((value, i) => (text = text.split(value).join(`\uE000${i}\uE001`)));
  return redactText(text).replace(/\uE000(\d+)\uE001/g, (_m, i: string) => own[Number(i)] ?? '');
}

/**
 * Zod issues as `{ path, message }`: the path and the rule, never the received value (zod 4's
 * messages name types and patterns, not values; `redactText` masks anything card- or email-like
 * that a custom message might still carry).
 */
export function zodIssues(error: z.ZodError, prefix = ''): ApiIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: redactText(issue.message),
  }));
}

export const badRequest = (message: string, issues?: readonly ApiIssue[]) =>
  new ApiError(400, 'bad_request', message, issues);
export const notFound = (message: string, own?: readonly string[]) =>
  new ApiError(404, 'not_found', message, undefined, own);
export const conflict = (message: string, own?: readonly string[]) =>
  new ApiError(409, 'conflict', message, undefined, own);
export const refused = (message: string) => new ApiError(422, 'refused', message);

/** Parses with a schema, or throws a 400 listing the issues under `where` (body, query, params). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid ${where}`, zodIssues(parsed.error, where));
  return parsed.data;
}
