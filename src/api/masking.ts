// What the API answers is masked for card and personal data (card numbers to their last four
// digits, CVV, PIN, names, emails...: src/logging/redaction.ts), but not the caller's own
// references: a customerRef, requestRef, depositRef, cardRef or workflow id that the contract
// accepts as a reference (no email, no card number) comes back as it was sent, even when a run of
// its digits happens to pass the Luhn check.
import { redactSensitive } from '../logging/redaction';
import { isOwnReference } from './errors';

const REFERENCE_KEYS = new Set([
  'customerRef',
  'requestRef',
  'depositRef',
  'cardRef',
  'workflowId',
  'follow',
]);

/** A masked copy of an answer: redactSensitive's rules, references kept. */
export function maskAnswer(value: unknown, depth = 0): unknown {
  if (
    depth > 12 ||
    value === null ||
    typeof value !== 'object' ||
    Buffer.isBuffer(value) ||
    value instanceof Error
  )
    return redactSensitive(value);
  if (Array.isArray(value)) return value.map((item) => maskAnswer(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (REFERENCE_KEYS.has(key) && typeof v === 'string' && isOwnReference(v)) out[key] = v;
    else {
      // A key redactSensitive masks whole stays masked whole; anything else is walked.
      const masked = (redactSensitive({ [key]: v }) as Record<string, unknown>)[key];
      out[key] =
        v !== null && typeof v === 'object' && masked !== '[REDACTED]' ? maskAnswer(v, depth + 1) : masked;
    }
  }
  return out;
}
