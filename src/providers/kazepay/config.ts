// KazePay settings from the environment (each variable also as <NAME>_FILE). The four
// credentials are required; every UNCONFIRMED protocol choice is a knob with the spec's default.
import { z } from 'zod';
import { envValue, parseEnv } from '../../runtime/env';
import type { KazepayClientOptions } from './client';
import { DEFAULT_RESPONSE_REQUEST_NO_POLICY } from './request-no';

const codeList = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  );

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
    },
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
