// KazePay settings from the environment (each variable also as <NAME>_FILE). The four
// credentials are required; every UNCONFIRMED protocol choice is a knob with the spec's default.
import { z } from 'zod';
import { envValue, parseEnv } from '../../config/env';
import type { KazepayClientOptions } from './client';
import type { KazepayWebhookEvents } from './conventions';
import { DEFAULT_RESPONSE_REQUEST_NO_POLICY } from './request-no';

const codeList = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  );

/** A multipart field name: a token (letters, digits, `_`, `-`, `.`). */
const fieldName = () => z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a form field name');
/** Comma-separated event names (at least one). */
const eventList = () =>
  codeList().pipe(z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected event names')).min(1));

export const kazepayEnvSchema = z.object({
  /** The gateway URL every envelope is posted to (base URL and path are UNCONFIRMED: configuration). */
  KAZEPAY_BASE_URL: envValue.url(),
  /** UNCONFIRMED: where fileUpload's multipart request goes. Default: KAZEPAY_BASE_URL. */
  KAZEPAY_UPLOAD_URL: envValue.url().optional(),
  KAZEPAY_SYS_ID: envValue.string(),
  /** PEM (PKCS#8 / PKCS#1) or bare base64 DER. */
  KAZEPAY_MERCHANT_PRIVATE_KEY: envValue.string(),
  /** PEM (SPKI / PKCS#1) or bare base64 DER. */
  KAZEPAY_PLATFORM_PUBLIC_KEY: envValue.string(),
  // Strictly below the activity attempt's 30 s (workflows/support/activities.ts): a request
  // must end with the client's own verdict before its attempt is timed out and retried.
  KAZEPAY_TIMEOUT: envValue
    .durationMs()
    .pipe(z.number().max(25_000, 'must be at most 25s: below the 30s activity attempt timeout'))
    .default(20_000),
  KAZEPAY_API_VERSION: envValue.string().default('1.0'),
  // Crypto profile knobs (see crypto-profile.ts), all UNCONFIRMED beyond the seed's evidence.
  KAZEPAY_SESSION_KEY_BYTES: z.enum(['16', '24', '32']).default('16').transform(Number),
  KAZEPAY_CIPHER_MODE: z.enum(['ecb', 'cbc-zero-iv']).default('ecb'),
  KAZEPAY_SIGNED_CONTENT: z.enum(['business-json', 'head-and-business-json']).default('business-json'),
  KAZEPAY_SIGNATURE_HASH: z.enum(['sha256', 'sha1']).default('sha256'),
  KAZEPAY_SIGNATURE_ENCODING: z.enum(['hex', 'base64']).default('hex'),
  KAZEPAY_KEY_ENC_ENCODING: z.enum(['hex', 'base64']).default('hex'),
  KAZEPAY_CIPHERTEXT_ENCODING: z.enum(['hex', 'base64']).default('base64'),
  /** UNCONFIRMED: RSA padding of keyEnc (the seed shows only its 256-byte size). */
  KAZEPAY_KEY_PADDING: z.enum(['pkcs1', 'oaep-sha1', 'oaep-sha256']).default('pkcs1'),
  /** UNCONFIRMED: keyEnc wraps the session key's raw bytes, or its base64 / hex text. */
  KAZEPAY_SESSION_KEY_FORM: z.enum(['raw', 'base64', 'hex']).default('raw'),
  /**
   * UNCONFIRMED (the seed shows no error answer): an answer whose head.code is not SUCCESS is
   * taken as it comes (`optional`, default), or must carry a signed envelope (`required`).
   */
  KAZEPAY_ERROR_ANSWER_SIGNATURE: z.enum(['optional', 'required']).default('optional'),
  /** UNCONFIRMED (spec §0.3): fileUpload's multipart field names. */
  KAZEPAY_UPLOAD_HEAD_FIELD: fieldName().default('head'),
  KAZEPAY_UPLOAD_BODY_FIELD: fieldName().default('body'),
  KAZEPAY_UPLOAD_FILE_FIELD: fieldName().default('file'),
  /** UNCONFIRMED (spec §0.6): notification apiCodes routed to a KYC flow / to a card's flows. */
  KAZEPAY_WEBHOOK_KYC_EVENTS: eventList().default(['kycStatusNotify']),
  KAZEPAY_WEBHOOK_CARD_EVENTS: eventList().default(['cardStatusNotify', 'rechargeNotify', 'closeCardNotify']),
  /** UNCONFIRMED (spec §0.6): the acknowledgement's form and the code it carries. */
  KAZEPAY_WEBHOOK_ACK: z.enum(['envelope', 'json', 'text']).default('envelope'),
  KAZEPAY_WEBHOOK_ACK_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected a code such as SUCCESS')
    .default('SUCCESS'),
  // Client behaviour knobs.
  /** UNCONFIRMED: amounts sent as JSON numbers (the seed shows `5000.00`) or as strings. */
  KAZEPAY_AMOUNT_ENCODING: z.enum(['number', 'string']).default('number'),
  /**
   * UNCONFIRMED: an answer whose requestNo differs from the request's is accepted with a warning
   * (`warn`, default: 12 of the seed's 14 example pairs differ) or refused (`must-match`).
   */
  KAZEPAY_RESPONSE_REQUEST_NO: z.enum(['warn', 'must-match']).default(DEFAULT_RESPONSE_REQUEST_NO_POLICY),
  KAZEPAY_REQUEST_NO_DIGITS: z.enum(['8', '9', '10']).default('10').transform(Number),
  /** UNCONFIRMED: time zone of the requestNo timestamp, minutes east of UTC. */
  KAZEPAY_REQUEST_NO_UTC_OFFSET_MINUTES: envValue.int(0, 14 * 60).default(0),
  /** UNCONFIRMED (no error-code appendix): head.code values that mean a credential problem. */
  KAZEPAY_AUTH_ERROR_CODES: codeList().optional(),
  // KazePay's names the seed does not show (conventions.ts has the defaults; docs/providers/kazepay.md).
  KAZEPAY_CARD_CLOSED_STATUS: envValue.string().optional(),
  KAZEPAY_CARD_ACTIVATION_FAILED_STATUS: envValue.string().optional(),
  KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS: z
    .string()
    .regex(/^[A-Za-z0-9_ -]{1,64}$/, 'expected a status name')
    .optional(),
  KAZEPAY_TRANSACTION_SUCCESS_STATUS: envValue.string().optional(),
  KAZEPAY_TRANSACTION_FAILED_STATUS: envValue.string().optional(),
  KAZEPAY_RECHARGE_TRANS_TYPE: envValue.string().optional(),
  KAZEPAY_CLOSE_REFUND_TRANS_TYPE: envValue.string().optional(),
  KAZEPAY_USER_NOT_FOUND_CODES: codeList().optional(),
  KAZEPAY_CARD_NOT_FOUND_CODES: codeList().optional(),
  KAZEPAY_ACTIVATION_CODE_ERROR_CODES: codeList().optional(),
});

export type KazepayEnv = z.output<typeof kazepayEnvSchema>;

export function loadKazepayEnv(env: NodeJS.ProcessEnv = process.env): KazepayEnv {
  return parseEnv({ kazepay: kazepayEnvSchema }, env).kazepay;
}

/** Client options from the parsed environment. */
export function kazepayClientOptionsFromEnv(env: KazepayEnv): KazepayClientOptions {
  return {
    baseUrl: env.KAZEPAY_BASE_URL,
    uploadUrl: env.KAZEPAY_UPLOAD_URL,
    sysId: env.KAZEPAY_SYS_ID,
    merchantPrivateKey: env.KAZEPAY_MERCHANT_PRIVATE_KEY,
    platformPublicKey: env.KAZEPAY_PLATFORM_PUBLIC_KEY,
    timeoutMs: env.KAZEPAY_TIMEOUT,
    version: env.KAZEPAY_API_VERSION,
    profile: {
      sessionKeyBytes: env.KAZEPAY_SESSION_KEY_BYTES as 16 | 24 | 32,
      cipherMode: env.KAZEPAY_CIPHER_MODE,
      signedContent: env.KAZEPAY_SIGNED_CONTENT,
      signatureHash: env.KAZEPAY_SIGNATURE_HASH,
      signatureEncoding: env.KAZEPAY_SIGNATURE_ENCODING,
      keyEncEncoding: env.KAZEPAY_KEY_ENC_ENCODING,
      ciphertextEncoding: env.KAZEPAY_CIPHERTEXT_ENCODING,
      keyPadding: env.KAZEPAY_KEY_PADDING,
      sessionKeyForm: env.KAZEPAY_SESSION_KEY_FORM,
    },
    errorAnswerSignature: env.KAZEPAY_ERROR_ANSWER_SIGNATURE,
    uploadFields: {
      head: env.KAZEPAY_UPLOAD_HEAD_FIELD,
      body: env.KAZEPAY_UPLOAD_BODY_FIELD,
      file: env.KAZEPAY_UPLOAD_FILE_FIELD,
    },
    webhookAck: { form: env.KAZEPAY_WEBHOOK_ACK, code: env.KAZEPAY_WEBHOOK_ACK_CODE },
    amountEncoding: env.KAZEPAY_AMOUNT_ENCODING,
    responseRequestNo: env.KAZEPAY_RESPONSE_REQUEST_NO,
    requestNoDigits: env.KAZEPAY_REQUEST_NO_DIGITS as 8 | 9 | 10,
    requestNoUtcOffsetMinutes: env.KAZEPAY_REQUEST_NO_UTC_OFFSET_MINUTES,
    authenticationErrorCodes: env.KAZEPAY_AUTH_ERROR_CODES,
  };
}

/** The names KazePay uses that the seed does not confirm, as set in the environment (unset: the defaults). */
export interface KazepayNamesFromEnv {
  cardClosed?: string;
  cardActivationFailed?: string;
  cardAwaitingActivation?: string;
  transactionSuccess?: string;
  transactionFailed?: string;
  rechargeTransType?: string;
  closeRefundTransType?: string;
  userNotFoundCodes?: string[];
  cardNotFoundCodes?: string[];
  activationCodeErrorCodes?: string[];
}

export function kazepayNamesFromEnv(env: KazepayEnv): KazepayNamesFromEnv {
  const names: KazepayNamesFromEnv = {
    cardClosed: env.KAZEPAY_CARD_CLOSED_STATUS,
    cardActivationFailed: env.KAZEPAY_CARD_ACTIVATION_FAILED_STATUS,
    cardAwaitingActivation: env.KAZEPAY_CARD_AWAITING_ACTIVATION_STATUS,
    transactionSuccess: env.KAZEPAY_TRANSACTION_SUCCESS_STATUS,
    transactionFailed: env.KAZEPAY_TRANSACTION_FAILED_STATUS,
    rechargeTransType: env.KAZEPAY_RECHARGE_TRANS_TYPE,
    closeRefundTransType: env.KAZEPAY_CLOSE_REFUND_TRANS_TYPE,
    userNotFoundCodes: env.KAZEPAY_USER_NOT_FOUND_CODES,
    cardNotFoundCodes: env.KAZEPAY_CARD_NOT_FOUND_CODES,
    activationCodeErrorCodes: env.KAZEPAY_ACTIVATION_CODE_ERROR_CODES,
  };
  return Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined)) as KazepayNamesFromEnv;
}

/** The notification names the API routes (KAZEPAY_WEBHOOK_KYC_EVENTS / _CARD_EVENTS). */
export function kazepayWebhookEventsFromEnv(env: KazepayEnv): KazepayWebhookEvents {
  return { kyc: env.KAZEPAY_WEBHOOK_KYC_EVENTS, card: env.KAZEPAY_WEBHOOK_CARD_EVENTS };
}
