// Request and response schemas for every KazePay U-Card operation, following the field tables of
// the provider's document (seed 000) and spec §0.3. Requests are strict (an unknown field is an
// error: it is usually a typo) and every rule has a readable message, because the message is
// what ProviderValidationError reports as the broken rule. Responses are loose (KazePay may add
// fields) and lenient on formats the seed itself violates (queryCard's countryCode is a name).
// Amounts are decimal text throughout: never a binary float.
import { z } from 'zod';
import { positiveAmount, providerDecimal } from '../../contract/money-schemas';

// ---------------------------------------------------------------- field rules

const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ ' +
    'BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR ' +
    'CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ' +
    'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ ' +
    'LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ ' +
    'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
    'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI ' +
    'SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR ' +
    'TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

const text = () => z.string({ error: 'must be text' });
const nonEmpty = () => text().trim().min(1, 'must not be empty');

/** "Content must be in English": printable ASCII only (no accents, no other scripts). */
const englishText = (max?: number) => {
  const base = nonEmpty().regex(/^[\x20-\x7E]+$/, 'must be in English (printable ASCII characters only)');
  return max === undefined ? base : base.max(max, `must be at most ${max} characters`);
};

const englishName = () =>
  nonEmpty()
    .max(64, 'must be at most 64 characters')
    .regex(
      /^[A-Za-z]+(?:[ .'-][A-Za-z]+)*$/,
      'must be an English name (letters, spaces, apostrophes, dots, hyphens)',
    );

const isoCountry = () =>
  text()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 two-letter country code in capitals, e.g. MY')
    .refine((c) => ISO_COUNTRIES.has(c), 'must be an assigned ISO 3166 country code');

function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const isoDate = () =>
  text()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in the format yyyy-MM-dd')
    .refine(isCalendarDate, 'must be a real calendar date');

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const dateTime = () =>
  text()
    .regex(DATE_TIME, 'must be a time in the format yyyy-MM-dd HH:mm:ss')
    .refine((v) => isCalendarDate(v.slice(0, 10)), 'must be a real calendar date');

const email = () =>
  text().trim().max(100, 'must be at most 100 characters').pipe(z.email('must be an email address'));
const mobileNumber = () => text().regex(/^\d{4,20}$/, 'must be 4 to 20 digits');
const mobilePrefix = () =>
  text().regex(/^\d{1,4}$/, 'must be an international dialling code of 1 to 4 digits, e.g. 60');
const cardId = () => nonEmpty().max(64, 'must be at most 64 characters');
const cardNumber = () => text().regex(/^\d{12,19}$/, 'must be a card number of 12 to 19 digits');
const currency = () =>
  text()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 currency code, e.g. USD')
    .default('USD');
const fileId = () => nonEmpty().max(128, 'must be at most 128 characters');
/** A base64 image, bare or as a data URL (the seed's own example is a truncated data URL). */
const imageBase64 = () =>
  nonEmpty().refine(
    (v) => !v.startsWith('data:') || /^data:image\/(png|jpe?g);base64,/.test(v),
    'must be a PNG or JPEG image as base64 or as a data:image/...;base64, URL',
  );

// ---------------------------------------------------------------- KYC

export const IDENTIFICATION_TYPES = ['PASSPORT', 'ID_CARD'] as const;

/** The 15 identity fields shared by both setUcardKyc variants and setUserKyc. */
const identityShape = {
  email: email(),
  mobileNumber: mobileNumber(),
  mobilePrefix: mobilePrefix(),
  mobilePrefixCountry: isoCountry(),
  firstName: englishName(),
  lastName: englishName(),
  dateOfBirth: isoDate().refine((d) => d < new Date().toISOString().slice(0, 10), 'must be in the past'),
  addressLine: englishText(140),
  city: englishText(100),
  countryCode: isoCountry(),
  postCode: nonEmpty()
    .max(20, 'must be at most 20 characters')
    .regex(/^[A-Za-z0-9 -]+$/, 'must be English letters, digits, spaces or hyphens'),
  state: englishText(100),
  identificationType: z.enum(IDENTIFICATION_TYPES, { error: 'must be one of PASSPORT, ID_CARD' }),
  identificationNumber: nonEmpty()
    .max(50, 'must be at most 50 characters')
    .regex(/^[A-Za-z0-9-]+$/, 'must be English letters, digits or hyphens'),
  identificationExpiryDate: isoDate(),
};

/** backImg* is conditional: required for ID_CARD (seed: "C, Required for ID_CARD"). */
function requireBackImage(field: 'backImgFileId' | 'backImgBase64') {
  return (
    value: { identificationType: string } & Partial<Record<typeof field, string>>,
    ctx: z.RefinementCtx,
  ) => {
    if (value.identificationType === 'ID_CARD' && !value[field])
      ctx.addIssue({ code: 'custom', path: [field], message: 'required when identificationType is ID_CARD' });
  };
}

export const setUcardKycRequest = z
  .strictObject({
    ...identityShape,
    frontImgFileId: fileId(),
    backImgFileId: fileId().optional(),
    handheldImgFileId: fileId(),
  })
  .superRefine(requireBackImage('backImgFileId'));

/** The older (deprecated) variant of setUcardKyc: images inline as base64. */
export const setUcardKycBase64Request = z
  .strictObject({
    ...identityShape,
    frontImgBase64: imageBase64(),
    backImgBase64: imageBase64().optional(),
    handheldImgBase64: imageBase64(),
  })
  .superRefine(requireBackImage('backImgBase64'));

export const setUserKycRequest = z.strictObject(identityShape);

export const queryUcardKycStatusRequest = z.strictObject({ email: email() });

export const KYC_STATUSES = ['WAITING_KYC', 'PASSED', 'REJECTED'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];

/**
 * A card id in an answer. The seed shows text ("3377"); a Java service may send the same id as a
 * JSON number, which is read as its exact text.
 */
const answerCardId = () =>
  z
    .union([z.string(), z.number().int()])
    .transform((v) => String(v))
    .pipe(z.string().min(1));

/** SUCCESS / FAILED, compared case-insensitively by the client. */
const resultFlag = () => z.string();
/** Status values are compared case-insensitively (the seed shows mixed case): kept upper-cased. */
const statusText = () => z.string().transform((s) => s.toUpperCase());

export const kycStatusResponse = z.looseObject({ encrypt: resultFlag(), status: statusText() });
export const setUserKycResponse = z.looseObject({ encrypt: resultFlag(), kycUrl: z.string() });

// ---------------------------------------------------------------- file upload

export const IMAGE_CONTENT_TYPES = ['image/png', 'image/jpeg'] as const;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

export function sniffImageType(bytes: Uint8Array): (typeof IMAGE_CONTENT_TYPES)[number] | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.subarray(0, 4).equals(PNG_MAGIC)) return 'image/png';
  if (b.subarray(0, 3).equals(JPEG_MAGIC)) return 'image/jpeg';
  return undefined;
}

export const fileUploadRequest = z.strictObject({
  email: email(),
  mobileNumber: mobileNumber(),
  mobilePrefix: mobilePrefix(),
  file: z.strictObject({
    fileName: nonEmpty()
      .max(200, 'must be at most 200 characters')
      .regex(/\.(png|jpe?g)$/i, 'must end in .png, .jpg or .jpeg'),
    content: z
      .instanceof(Uint8Array, { message: 'must be the image bytes' })
      .refine((b) => b.byteLength > 0, 'must not be empty')
      .refine((b) => sniffImageType(b) !== undefined, 'must be a PNG or JPEG image'),
  }),
});

export const fileUploadResponse = z.looseObject({ encrypt: resultFlag(), fileId: z.string().min(1) });

// ---------------------------------------------------------------- cards

export const ucardAssignRequest = z.strictObject({
  email: email(),
  cardNumber: cardNumber(),
  autoActive: z.boolean({ error: 'must be true or false' }),
});
export const ucardAssignResponse = z.looseObject({ encrypt: resultFlag(), cardID: answerCardId() });

export const ucardActiveRequest = z.strictObject({
  cardID: cardId(),
  activationCode: text().regex(/^[A-Za-z0-9]{4,16}$/, 'must be 4 to 16 letters or digits'),
});
export const ucardActiveResponse = z.looseObject({
  encrypt: resultFlag(),
  cardID: answerCardId(),
  status: statusText(),
});

export const cardSetPinRequest = z.strictObject({
  cardID: cardId(),
  pin: text().regex(/^\d{6}$/, 'must be exactly six digits'),
});
export const resultOnlyResponse = z.looseObject({ encrypt: resultFlag() });

export const cardIdRequest = z.strictObject({ cardID: cardId() });

export const queryCardResponse = z.looseObject({
  cardID: answerCardId(),
  cardNo: z.string(),
  /** Only virtual cards return a CVV (seed). */
  cardCvv: z.string().optional(),
  expiryDate: z.string(),
  currency: z.string(),
  userBankCardStatus: statusText(),
  cardHolderEmail: z.string(),
  cardHolderMobileNumber: z.string(),
  cardHolderMobilePrefix: z.string(),
  /** Named "countryCode" but the seed's example holds a name ("HONG KONG"): not validated as ISO. */
  countryCode: z.string(),
  billingState: z.string(),
  billingCity: z.string(),
  billingAddress: z.string(),
  billingZipCode: z.string(),
});

export const cardBalanceRequest = z.strictObject({ cardID: cardId(), currency: currency() });
export const cardBalanceResponse = z.looseObject({
  cardID: answerCardId(),
  currency: z.string(),
  avaBalance: providerDecimal,
  blockBalance: providerDecimal,
});

export const cardRechargeRequest = z.strictObject({
  cardID: cardId(),
  currency: currency(),
  /** UNCONFIRMED precision: two decimal places, as in every seed example. */
  amount: positiveAmount(2),
});
export const cardRechargeResponse = z.looseObject({
  cardID: answerCardId(),
  currency: z.string(),
  transactionId: z.string().min(1),
  transactionStatus: statusText(),
  sendAmount: providerDecimal,
});

export const queryTransactionsRequest = z
  .strictObject({
    cardID: cardId(),
    transactionId: nonEmpty().optional(),
    pageSize: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 100')
      .max(100, 'must be between 1 and 100')
      .optional(),
    pageNum: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be between 1 and 10')
      .max(10, 'must be between 1 and 10')
      .optional(),
    transactionStartTime: dateTime().optional(),
    transactionEndTime: dateTime().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.transactionStartTime && v.transactionEndTime && v.transactionStartTime > v.transactionEndTime)
      ctx.addIssue({
        code: 'custom',
        path: ['transactionEndTime'],
        message: 'must not be before transactionStartTime',
      });
  });

export const transactionRow = z.looseObject({
  cardID: answerCardId(),
  transactionId: z.string(),
  transactionTime: z.string(),
  cardCurrency: z.string(),
  cardCurrencyAmt: providerDecimal,
  transCurrency: z.string(),
  transCurrencyAmt: providerDecimal,
  feeCurrency: z.string(),
  fee: providerDecimal,
  /** Mixed case in the seed ("Pending"): upper-cased here. */
  transStatus: statusText(),
  transType: z.string(),
  merchantName: z.string(),
  respCode: z.string(),
  respCodeDesc: z.string(),
});

/**
 * The seed shows a bare JSON array. UNCONFIRMED whether a wrapper object can appear instead; an
 * object holding the rows under `list`, `records` or `data` is accepted too.
 */
export const queryTransactionsResponse = z
  .union([
    z.array(transactionRow),
    z
      .looseObject({
        list: z.array(transactionRow).optional(),
        records: z.array(transactionRow).optional(),
        data: z.array(transactionRow).optional(),
      })
      .refine((o) => o.list ?? o.records ?? o.data, 'no transaction rows'),
  ])
  .transform((v) => (Array.isArray(v) ? v : (v.list ?? v.records ?? v.data ?? [])));

export const CARD_STATUS_CHANGES = ['ACTIVE', 'INACTIVE'] as const;
export const updCardStatusRequest = z.strictObject({
  cardID: cardId(),
  status: z.enum(CARD_STATUS_CHANGES, { error: 'must be one of ACTIVE, INACTIVE' }),
});
export const updCardStatusResponse = z.looseObject({ cardID: answerCardId(), status: statusText() });

export const closeCardResponse = z.looseObject({
  cardID: answerCardId(),
  status: statusText(),
  refundAmt: providerDecimal,
  currency: z.string(),
  txnId: z.string(),
});

export const getCardIdRequest = z.strictObject({ cardNo: cardNumber() });
export const getCardIdResponse = z.looseObject({ cardID: answerCardId(), cardNo: z.string() });

// ---------------------------------------------------------------- webhooks and virtual cards

export const setWebhookUrlRequest = z.strictObject({
  url: text().pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
});
export const webhookUrlResponse = z.looseObject({ encrypt: resultFlag(), url: z.string().optional() });
export const emptyRequest = z.strictObject({});

export const createCardRequest = z.strictObject({
  email: email(),
  mobileNumber: mobileNumber(),
  mobilePrefix: mobilePrefix(),
  cardBin: text().regex(/^\d{6,8}$/, 'must be a card BIN of 6 to 8 digits'),
  cardLevel: nonEmpty().optional(),
});
export const createCardResponse = z.looseObject({ cardID: answerCardId(), status: statusText() });
/** UNCONFIRMED response shape: at least the card id and its status. */
export const createCardQueryResponse = z.looseObject({ cardID: answerCardId(), status: statusText() });

// ---------------------------------------------------------------- status vocabularies

/** Card statuses (spec §0.4). CLOSED and ACTIVE_FAILED are UNCONFIRMED names (the defaults). */
export const CARD_STATUS = {
  activeProcessing: 'ACTIVE_PROCESSING',
  active: 'ACTIVE',
  inactive: 'INACTIVE',
  closeProcessing: 'CLOSE_PROCESSING',
  closed: 'CLOSED',
  activeFailed: 'ACTIVE_FAILED',
} as const;

/** Transaction statuses (spec §0.4). SUCCESS and FAILED are UNCONFIRMED names (the defaults). */
export const TRANSACTION_STATUS = { pending: 'PENDING', success: 'SUCCESS', failed: 'FAILED' } as const;
