// What the KazePay sandbox accepts, per apiCode, written from the request field tables of the
// provider's own document (seed 000_7995e95af792985e.txt) and not from the client's schemas
// (src/providers/kazepay/schemas.ts): a mistake the client makes must be visible here.
//
// How the seed's tables are read:
//  * Type: `String` is a JSON string, `boolean` a JSON true/false, `Double` and `Number` JSON
//    numbers. The business JSON is parsed with every number kept as its exact text
//    (LosslessNumber), so "5000.00" (a string) and 5000.00 (a number) stay different.
//  * Required: `Y` must be present and not empty, `N` may be absent, `C` (backImg*) is required
//    for identificationType ID_CARD (the seed says so for backImgFileId; the base64 variant's
//    table marks it C as well and is read the same way).
//  * Formats and lengths only where the seed states them: yyyy-MM-dd dates, yyyy-MM-dd HH:mm:ss
//    times, ISO 3166 two-letter codes, "Content must be in English" (printable ASCII), addressLine
//    at most 140 characters, a six-digit pin, pageSize 1..100, pageNum 1..10, the enumerations
//    (PASSPORT | ID_CARD; ACTIVE | INACTIVE), images PNG / JPG / JPEG.
//  * Sandbox choices the seed does not state (marked SANDBOX below): an unknown field is refused
//    (it is usually a typo of a documented one), an email must look like one, amounts must be
//    greater than 0 with at most 2 decimal places (the card currency's minor unit).
// setWebhookUrl / getWebhookUrl / createCard / createCardQuery are not in the seed; they follow
// spec providers.md §0.3 (KazePay's web documentation pages).
import { LosslessNumber, parse } from 'lossless-json';
import { z } from 'zod';
import { Decimal } from '../../../src/contract/money';

/** The business JSON with every number kept as a LosslessNumber (its exact text). */
export function parseBusinessJson(text: string): unknown {
  return parse(text);
}

// ---------------------------------------------------------------- seed types

/** `String`, Required Y: a JSON string, not blank. */
const requiredString = () =>
  z.string({ error: 'must be a JSON string' }).refine((v) => v.trim() !== '', 'must not be empty');

/** A JSON number (seed `Double` / `Number`), read as its exact text. */
const jsonNumber = () =>
  z.instanceof(LosslessNumber, { message: 'must be a JSON number' }).transform((n) => n.toString());

const englishText = () =>
  requiredString().regex(/^[\x20-\x7E]+$/, 'content must be in English (printable ASCII)');

const isoCountryCode = () =>
  requiredString().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code, e.g. MY');

function isRealDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const date = () =>
  requiredString()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-MM-dd')
    .refine(isRealDate, 'must be a real calendar date');

const dateTime = () =>
  requiredString()
    .regex(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'must be a time yyyy-MM-dd HH:mm:ss')
    .refine((v) => isRealDate(v.slice(0, 10)), 'must be a real calendar date');

/** SANDBOX: the seed says "user email" only. */
const email = () => requiredString().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address');

/** "international dialing code (China 86, Korea 82, Japan 81 etc.)": digits. */
const mobilePrefix = () => requiredString().regex(/^\d{1,4}$/, 'must be a dialling code of 1 to 4 digits');

const wholeNumberIn = (min: number, max: number) =>
  jsonNumber().pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `must be between ${min} and ${max}`)
          .max(max, `must be between ${min} and ${max}`),
      ),
  );

/** SANDBOX: greater than 0, at most 2 decimal places (Java exponent form such as 1.0E7 is a number too). */
const amount = () =>
  jsonNumber().pipe(
    z
      .string()
      .refine((v) => new Decimal(v).gt(0), 'must be greater than 0')
      .refine((v) => new Decimal(v).decimalPlaces() <= 2, 'must have at most 2 decimal places')
      .transform((v) => new Decimal(v).toFixed()),
  );

// ---------------------------------------------------------------- KYC

/** Fields 1 to 15 of setUcardKyc / setUserKyc (seed lines 1-15 of each table). */
const identity = {
  email: email(),
  mobileNumber: requiredString(),
  mobilePrefix: mobilePrefix(),
  mobilePrefixCountry: isoCountryCode(),
  firstName: englishText(),
  lastName: englishText(),
  dateOfBirth: date(),
  addressLine: englishText().refine((v) => v.length <= 140, 'must be at most 140 characters'),
  city: requiredString(),
  countryCode: isoCountryCode(),
  postCode: requiredString(),
  state: requiredString(),
  identificationType: z.enum(['PASSPORT', 'ID_CARD'], { error: 'must be PASSPORT or ID_CARD' }),
  identificationNumber: requiredString(),
  identificationExpiryDate: date(),
};

const backImageForIdCard =
  (field: 'backImgFileId' | 'backImgBase64') =>
  (
    v: { identificationType: string; backImgFileId?: string; backImgBase64?: string },
    ctx: z.RefinementCtx,
  ) => {
    if (v.identificationType === 'ID_CARD' && v[field] === undefined)
      ctx.addIssue({ code: 'custom', path: [field], message: 'required when identificationType is ID_CARD' });
  };

const setUcardKyc = z
  .strictObject({
    ...identity,
    frontImgFileId: requiredString(),
    backImgFileId: requiredString().optional(),
    handheldImgFileId: requiredString(),
  })
  .superRefine(backImageForIdCard('backImgFileId'));

/** The older table of the same apiCode: "base64 encoding of the front of the document". */
const setUcardKycBase64 = z
  .strictObject({
    ...identity,
    frontImgBase64: requiredString(),
    backImgBase64: requiredString().optional(),
    handheldImgBase64: requiredString(),
  })
  .superRefine(backImageForIdCard('backImgBase64'));

// ---------------------------------------------------------------- file upload

/** "Image Type: PNG, JPG, JPEG", told apart by their first bytes. */
export function imageTypeOf(bytes: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

const fileUpload = z.strictObject({
  email: email(),
  mobileNumber: requiredString(),
  mobilePrefix: mobilePrefix(),
  file: z.strictObject({
    fileName: requiredString().regex(/\.(png|jpe?g)$/i, 'must be a .png, .jpg or .jpeg file'),
    content: z
      .instanceof(Uint8Array, { message: 'must be the file bytes' })
      .refine((b) => imageTypeOf(b) !== undefined, 'must be a PNG or JPEG image'),
  }),
});

// ---------------------------------------------------------------- cards

const cardOnly = z.strictObject({ cardID: requiredString() });

const queryTransactions = z
  .strictObject({
    cardID: requiredString(),
    transactionId: requiredString().optional(),
    pageSize: wholeNumberIn(1, 100).optional(),
    pageNum: wholeNumberIn(1, 10).optional(),
    transactionStartTime: dateTime().optional(),
    transactionEndTime: dateTime().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.transactionStartTime && v.transactionEndTime && v.transactionStartTime > v.transactionEndTime)
      ctx.addIssue({
        code: 'custom',
        path: ['transactionEndTime'],
        message: 'is before transactionStartTime',
      });
  });

// ---------------------------------------------------------------- the sandbox's operation table

export const SANDBOX_REQUESTS = {
  fileUpload,
  setUcardKyc,
  setUcardKycBase64,
  setUserKyc: z.strictObject(identity),
  queryUcardKycStatus: z.strictObject({ email: email() }),
  ucardAssign: z.strictObject({
    email: email(),
    cardNumber: requiredString(),
    autoActive: z.boolean({ error: 'must be true or false' }),
  }),
  ucardActive: z.strictObject({ cardID: requiredString(), activationCode: requiredString() }),
  cardSetPin: z.strictObject({
    cardID: requiredString(),
    pin: z.string({ error: 'must be a JSON string' }).regex(/^\d{6}$/, 'must be a six-digit number'),
  }),
  queryCard: cardOnly,
  cardBalance: z.strictObject({ cardID: requiredString(), currency: requiredString() }),
  cardRecharge: z.strictObject({ cardID: requiredString(), currency: requiredString(), amount: amount() }),
  queryTransactions,
  updCardStatus: z.strictObject({
    cardID: requiredString(),
    status: z.enum(['ACTIVE', 'INACTIVE'], { error: 'must be ACTIVE or INACTIVE' }),
  }),
  closeCard: cardOnly,
  getCardId: z.strictObject({ cardNo: requiredString() }),
  setWebhookUrl: z.strictObject({
    url: requiredString().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
  }),
  getWebhookUrl: z.strictObject({}),
  createCard: z.strictObject({
    email: email(),
    mobileNumber: requiredString(),
    mobilePrefix: mobilePrefix(),
    cardBin: requiredString().regex(/^\d{6,8}$/, 'must be a card BIN of 6 to 8 digits'),
    cardLevel: requiredString().optional(),
  }),
  createCardQuery: cardOnly,
} as const;

export type SandboxOperation = keyof typeof SANDBOX_REQUESTS;
export type SandboxRequestOf<N extends SandboxOperation> = z.output<(typeof SANDBOX_REQUESTS)[N]>;

/** apiCode -> the sandbox's operation; the one apiCode with two tables is told apart by its fields. */
const BY_API_CODE: Record<string, SandboxOperation> = {
  fileUpload: 'fileUpload',
  setUcardKyc: 'setUcardKyc',
  setUserKyc: 'setUserKyc',
  queryUcardKycStatus: 'queryUcardKycStatus',
  ucardAssign: 'ucardAssign',
  ucardActive: 'ucardActive',
  cardSetPin: 'cardSetPin',
  queryCard: 'queryCard',
  cardBalance: 'cardBalance',
  cardRecharge: 'cardRecharge',
  queryTransactions: 'queryTransactions',
  updCardStatus: 'updCardStatus',
  closeCard: 'closeCard',
  getCardId: 'getCardId',
  setWebhookUrl: 'setWebhookUrl',
  getWebhookUrl: 'getWebhookUrl',
  createCard: 'createCard',
  createCardQuery: 'createCardQuery',
};

export function sandboxOperationFor(apiCode: string, body: unknown): SandboxOperation | undefined {
  const name = Object.hasOwn(BY_API_CODE, apiCode) ? BY_API_CODE[apiCode] : undefined;
  if (name === 'setUcardKyc' && typeof body === 'object' && body !== null && 'frontImgBase64' in body)
    return 'setUcardKycBase64';
  return name;
}

/** fileUpload travels as multipart/form-data (seed: "Content-Type: multipart/form-data"). */
export const MULTIPART_OPERATIONS: ReadonlySet<SandboxOperation> = new Set(['fileUpload']);
