// WasabiCard settings from the environment (each also as <NAME>_FILE, e.g. keys mounted as files).
import { z } from 'zod';
import { envValue, parseEnv } from '../../runtime/env';
import type { WasabiClientOptions } from './client';

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
  };
}
