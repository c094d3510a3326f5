// WasabiCard settings from the environment (each also as <NAME>_FILE, e.g. keys mounted as files).
import { z } from 'zod';
import { envValue, parseEnv } from '../../config/env';
import type { WasabiClientOptions } from './client';
import { DEFAULT_DUPLICATE_ORDER_PATTERNS } from './transport';
import { WASABI_WEBHOOK_CATEGORIES, type WasabiWebhookCategory } from './webhooks';

const list = (v: string) =>
  v
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const statusName = () => z.string().regex(/^[A-Za-z0-9_ -]{1,64}$/, 'expected a status name');

/** `alias=category,...`: every target one of the categories the handler knows. */
const categoryAliases = () =>
  z.string().transform((v, ctx) => {
    const aliases: Record<string, WasabiWebhookCategory> = {};
    for (const pair of list(v)) {
      const [alias, category] = pair.split('=').map((p) => p.trim());
      if (!alias || !category || !(WASABI_WEBHOOK_CATEGORIES as string[]).includes(category)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected alias=category with a category among ${WASABI_WEBHOOK_CATEGORIES.join(', ')}`,
        });
        return z.NEVER;
      }
      aliases[alias] = category as WasabiWebhookCategory;
    }
    return aliases;
  });

export const wasabiEnvSchema = z.object({
  /** Sandbox: https://sandbox-api-merchant.wasabicard.com; production: https://api-merchant.wasabicard.com */
  WASABI_BASE_URL: envValue.url(),
  WASABI_API_KEY: envValue.string(),
  /** PEM or bare base64 DER (PKCS#8 / PKCS#1). */
  WASABI_MERCHANT_PRIVATE_KEY: envValue.string(),
  /** `wsb-public-key`: PEM or bare base64 DER (SPKI). */
  WASABI_PLATFORM_PUBLIC_KEY: envValue.string(),
  // Strictly below the activity attempt's 30 s (workflows/support/activities.ts): a request
  // must end with the client's own verdict before its attempt is timed out and retried.
  WASABI_TIMEOUT: envValue
    .durationMs()
    .pipe(z.number().max(25_000, 'must be at most 25s: below the 30s activity attempt timeout'))
    .default(20_000),
  /** UNCONFIRMED behaviour switch: `strict` (default) refuses unsigned responses, `warn` accepts them. */
  WASABI_MISSING_RESPONSE_SIGNATURE: z.enum(['strict', 'warn']).default('strict'),
  /** UNCONFIRMED: request amounts and ids as JSON `number` (default) or `string`. */
  WASABI_REQUEST_NUMBERS_AS: z.enum(['number', 'string']).default('number'),
  /** UNCONFIRMED (spec §1.5): `code` values meaning "this merchantOrderNo was used already". */
  WASABI_DUPLICATE_ORDER_CODES: z
    .string()
    .transform(list)
    .pipe(
      z.array(
        z
          .string()
          .regex(/^-?\d{1,9}$/, 'expected integer codes')
          .transform(Number),
      ),
    )
    .default([]),
  /** UNCONFIRMED (spec §1.5): `msg` phrases (case-insensitive) meaning the same; replace the built-in ones. */
  WASABI_DUPLICATE_ORDER_PHRASES: z
    .string()
    .transform(list)
    .pipe(z.array(z.string().max(200)).min(1))
    .optional(),
  /** UNCONFIRMED (spec §1.4): the English docs' acknowledgement (`"msg":null`) or the Chinese page's (`"msg":"Success"`). */
  WASABI_WEBHOOK_ACK: z.enum(['english-doc', 'chinese-doc']).default('english-doc'),
  /** UNCONFIRMED (spec §1.4): other X-WSB-CATEGORY values for our categories, `alias=category,...`. */
  WASABI_WEBHOOK_CATEGORY_ALIASES: categoryAliases().default({ card_3ds_transaction: 'card_3ds' }),
  /** Not in the seed: cardholder review's passed and refused states. */
  WASABI_HOLDER_APPROVED_STATUS: statusName().default('pass_audit'),
  WASABI_HOLDER_REJECTED_STATUS: statusName().default('reject'),
  /** Not in the seed (its card statuses are Normal, Freeze, Freezing, UnFreezing, canceling, cancel). */
  WASABI_CARD_AWAITING_ACTIVATION_STATUS: statusName().default('un_activated'),
});

export type WasabiEnv = z.output<typeof wasabiEnvSchema>;

export function loadWasabiConfig(env: NodeJS.ProcessEnv = process.env): WasabiEnv {
  return parseEnv({ wasabi: wasabiEnvSchema }, env).wasabi;
}

export function wasabiClientOptions(config: WasabiEnv): WasabiClientOptions {
  return {
    baseUrl: config.WASABI_BASE_URL,
    apiKey: config.WASABI_API_KEY,
    merchantPrivateKey: config.WASABI_MERCHANT_PRIVATE_KEY,
    platformPublicKey: config.WASABI_PLATFORM_PUBLIC_KEY,
    timeoutMs: config.WASABI_TIMEOUT,
    missingResponseSignature: config.WASABI_MISSING_RESPONSE_SIGNATURE,
    requestNumbersAs: config.WASABI_REQUEST_NUMBERS_AS,
    duplicateOrderCodes: config.WASABI_DUPLICATE_ORDER_CODES,
    duplicateOrderPatterns: config.WASABI_DUPLICATE_ORDER_PHRASES
      ? config.WASABI_DUPLICATE_ORDER_PHRASES.map((p) => new RegExp(escapeRegExp(p), 'i'))
      : DEFAULT_DUPLICATE_ORDER_PATTERNS,
  };
}

/** The webhook handler's settings (acknowledgement, category aliases). */
export function wasabiWebhookSettings(config: WasabiEnv) {
  return { ackVariant: config.WASABI_WEBHOOK_ACK, categoryAliases: config.WASABI_WEBHOOK_CATEGORY_ALIASES };
}

/** The names the activities map onto the workflows' (see activities/wasabi/activities.ts). */
export function wasabiNamesFromEnv(config: WasabiEnv) {
  return {
    holderApproved: config.WASABI_HOLDER_APPROVED_STATUS,
    holderRejected: config.WASABI_HOLDER_REJECTED_STATUS,
    cardAwaitingActivation: config.WASABI_CARD_AWAITING_ACTIVATION_STATUS,
  };
}
