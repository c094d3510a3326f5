// Log redaction: card data, secrets and personal data never reach a log line, however deeply
// they sit in a logged object. Keys are matched by name; card numbers and emails are also
// found inside free text (error messages, provider `detail` strings).
import { luhnValid } from '../contract/luhn';

export { luhnValid };

const MASK = '[REDACTED]';

/** Normalised key names (lowercase, letters and digits only) and what they hold. */
const CARD_NUMBER_KEYS = new Set(['cardnumber', 'cardno', 'pan', 'primaryaccountnumber', 'cardnum']);
const SECRET_KEYS = new Set([
  // CVV and PIN
  'cvv',
  'cvv2',
  'cvc',
  'cardcvv',
  'securitycode',
  'pin',
  'newpin',
  'oldpin',
  'cardpin',
  // activation codes and one-time values
  'activationcode',
  'activecode',
  'otp',
  // expiry
  'expirydate',
  'expiredate',
  'validperiod',
  // names
  'firstname',
  'lastname',
  'middlename',
  'fullname',
  'legalname',
  'holdername',
  'cardholdername',
  // dates of birth
  'birthday',
  'birthdate',
  'dateofbirth',
  'dob',
  // phones
  'phone',
  'phonenumber',
  'mobile',
  'mobilenumber',
  'telephone',
  // emails
  'email',
  'emailaddress',
  // identity documents and addresses
  'idnumber',
  'idno',
  'documentnumber',
  'passportnumber',
  'address',
  'addressline',
  'addressline2',
  'billingaddress',
]);
/** Suffixes that mark a key as sensitive whatever comes before (cardHolderEmail, frontImgBase64...). */
const SECRET_SUFFIXES = [
  'email',
  'mobilenumber',
  'phonenumber',
  'imgbase64',
  'imagebase64',
  'image',
  'imagedata',
  'filecontent',
  'pin',
  'cvv',
];

/**
 * Provider identifiers: long digit strings (WasabiCard's 19-digit holder and order ids, `WC` + 18
 * digits card ids, KazePay transaction ids) that are Luhn-valid one time in ten. They are not card
 * numbers and callers must get them back intact (a masked holderId cannot open a card), so the
 * free-text card-number search skips them. Found by the chaos suite.
 */
const IDENTIFIER_KEYS = new Set([
  'holderid',
  'orderno',
  'merchantorderno',
  'transactionid',
  'providertransactionid',
  'txnid',
  'tradeno',
  'origintradeno',
  'requestno',
  'cardref',
  'cardid',
  'accountid',
]);

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

type KeyKind = 'card-number' | 'secret' | 'identifier' | undefined;

export function sensitiveKeyKind(key: string): KeyKind {
  const k = normalise(key);
  if (CARD_NUMBER_KEYS.has(k)) return 'card-number';
  if (IDENTIFIER_KEYS.has(k)) return 'identifier';
  if (SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s))) return 'secret';
  return undefined;
}

/** PCI-style truncation: at most the last four digits stay visible. */
export function maskCardNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 ? `****${digits.slice(-4)}` : MASK;
}

// 13 to 19 digits, optionally grouped by spaces or dashes, not part of a longer number.
const PAN_IN_TEXT = /(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])/g;
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Masks Luhn-valid card numbers and emails found inside free text. */
export function redactText(text: string): string {
  return text
    .replace(PAN_IN_TEXT, (match) => (luhnValid(match.replace(/\D/g, '')) ? maskCardNumber(match) : match))
    .replace(EMAIL_IN_TEXT, MASK);
}

const MAX_DEPTH = 12;

/** A redacted deep copy of any value that is about to be logged. */
export function redactSensitive(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactSensitive(item, depth + 1, seen));
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { type: value.name, message: value.message, stack: value.stack };
    for (const [k, v] of Object.entries(value)) plain[k] = v;
    if (value.cause !== undefined) plain.cause = value.cause;
    return redactSensitive(plain, depth, seen);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const kind = sensitiveKeyKind(key);
    if (kind === 'card-number')
      out[key] = typeof v === 'string' || typeof v === 'number' ? maskCardNumber(String(v)) : MASK;
    else if (kind === 'secret') out[key] = v === null || v === undefined ? v : MASK;
    else if (kind === 'identifier' && typeof v === 'string' && /^[A-Za-z]{0,4}\d+$/.test(v)) out[key] = v;
    else out[key] = redactSensitive(v, depth + 1, seen);
  }
  return out;
}
