// The API's error vocabulary: every failure a caller can cause answers a 4xx with a JSON body
// `{ error, message, issues? }`; nothing else ever shows a stack trace, a secret or an echoed value.
import type { z } from 'zod';
import { redactText } from '../security/redaction';

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
  ) {
    // Messages may quote a caller's value (a flow id from the path): card numbers and emails masked.
    super(redactText(message));
  }
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
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const refused = (message: string) => new ApiError(422, 'refused', message);

/** Parses with a schema, or throws a 400 listing the issues under `where` (body, query, params). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(`invalid ${where}`, zodIssues(parsed.error, where));
  return parsed.data;
}
