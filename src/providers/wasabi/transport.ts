// One WasabiCard call, byte for byte: serialise once, sign exactly those bytes, send exactly
// those bytes, verify the answer's signature over exactly the bytes received, and only then
// parse it (losslessly) and classify it into the shared provider error vocabulary.
import { type KeyObject } from 'node:crypto';
import { LosslessNumber, stringify } from 'lossless-json';
import { type z } from 'zod';
import {
  ProviderAuthenticationError,
  ProviderDuplicateOrderError,
  type ProviderErrorContext,
  ProviderRejectedError,
  ProviderResponseIntegrityError,
  ProviderRetryableError,
} from '../errors';
import { errorForHttpStatus, postRaw, type RawHttpResponse } from '../http';
import { parseProviderJson } from '../json';
import { loadPrivateKey, loadPublicKey } from '../keys';
import { envelopeSchema, type WasabiEnvelope } from './schemas/primitives';
import {
  EMPTY_BODY,
  signWasabi,
  verifyWasabi,
  WASABI_API_KEY_HEADER,
  WASABI_SIGNATURE_HEADER,
} from './signature';

/**
 * UNCONFIRMED (spec §1.1): whether Wasabi always signs responses. `strict` (default) refuses an
 * unsigned response as ResponseIntegrity; `warn` accepts it and logs a warning. A present but
 * wrong signature is refused under both policies.
 */
export type MissingSignaturePolicy = 'strict' | 'warn';

/**
 * UNCONFIRMED (spec §1.5): Wasabi's exact answer to a reused merchantOrderNo. A non-200 answer
 * to a request carrying a merchantOrderNo is a duplicate when its code is listed here or its msg
 * matches one of these patterns (the phrases public clients match on).
 */
export const DEFAULT_DUPLICATE_ORDER_PATTERNS: readonly RegExp[] = [
  /duplicate/i,
  /order (number|no\.?) (already )?exists?/i,
  /already exists/i,
  /do not submit again/i,
  /repeat(ed)? (order|submission)/i,
];

/** Fields sent as JSON numbers (Java Long / BigDecimal), with their exact decimal text. */
const NUMERIC_FIELDS = new Set([
  'amount',
  'noPinPaymentAmount',
  'holderId',
  'cardTypeId',
  'accountId',
  'payerAccountId',
  'payeeAccountId',
]);

export interface WasabiLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

export interface WasabiTransportOptions {
  /** e.g. https://sandbox-api-merchant.wasabicard.com (no trailing path). */
  baseUrl: string;
  apiKey: string;
  /** Signs requests and decrypts sensitive fields. PEM or bare base64 DER. */
  merchantPrivateKey: string | KeyObject;
  /** `wsb-public-key`: verifies responses and webhooks. PEM or bare base64 DER. */
  platformPublicKey: string | KeyObject;
  timeoutMs?: number;
  missingResponseSignature?: MissingSignaturePolicy;
  /**
   * UNCONFIRMED: request amounts and Long ids as JSON numbers (default, the documented Java
   * types) or as JSON strings. Either way the exact decimal text is sent.
   */
  requestNumbersAs?: 'number' | 'string';
  duplicateOrderCodes?: readonly number[];
  duplicateOrderPatterns?: readonly RegExp[];
  logger?: WasabiLogger;
}

export interface WasabiCallResult {
  envelope: WasabiEnvelope;
  /** The verified bytes received, for audit. */
  rawBody: Buffer;
}

export class WasabiTransport {
  private readonly baseUrl: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly timeoutMs: number;
  private readonly missingSignature: MissingSignaturePolicy;

  constructor(private readonly options: WasabiTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.privateKey = loadPrivateKey(options.merchantPrivateKey, 'WasabiCard merchant private key');
    this.publicKey = loadPublicKey(options.platformPublicKey, 'WasabiCard platform public key');
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.missingSignature = options.missingResponseSignature ?? 'strict';
  }

  get merchantPrivateKey(): KeyObject {
    return this.privateKey;
  }

  get platformPublicKey(): KeyObject {
    return this.publicKey;
  }

  /** The exact JSON text sent for `params` (`{}` when there are none). */
  serialise(params: Record<string, unknown> | undefined): string {
    if (!params) return EMPTY_BODY;
    const asNumbers = (this.options.requestNumbersAs ?? 'number') === 'number';
    const wire: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      wire[key] =
        asNumbers && NUMERIC_FIELDS.has(key) && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
          ? new LosslessNumber(value)
          : value;
    }
    const text = stringify(wire);
    return text && text !== '' ? text : EMPTY_BODY;
  }

  /** POST a JSON body. Resolves to the verified envelope with code 200; throws a ProviderError otherwise. */
  async call(path: string, params?: Record<string, unknown>): Promise<WasabiCallResult> {
    const body = this.serialise(params);
    const context: ProviderErrorContext = { provider: 'wasabi', operation: path };
    const response = await postRaw(
      {
        url: this.baseUrl + path,
        headers: {
          'Content-Type': 'application/json',
          [WASABI_API_KEY_HEADER]: this.options.apiKey,
          [WASABI_SIGNATURE_HEADER]: signWasabi(body, this.privateKey),
        },
        body,
        timeoutMs: this.timeoutMs,
      },
      context,
    );
    return this.interpret(
      response,
      context,
      typeof params?.merchantOrderNo === 'string' ? params.merchantOrderNo : undefined,
    );
  }

  /** multipart/form-data upload; the signature covers the two bytes `{}` (spec §1.1). */
  async upload(
    path: string,
    file: { bytes: Uint8Array; fileName: string; contentType: string },
    fields: Record<string, string> = {},
  ): Promise<WasabiCallResult> {
    const context: ProviderErrorContext = { provider: 'wasabi', operation: path };
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([file.bytes], { type: file.contentType }), file.fileName);
    const response = await postRaw(
      {
        url: this.baseUrl + path,
        // fetch sets the multipart Content-Type with its boundary.
        headers: {
          [WASABI_API_KEY_HEADER]: this.options.apiKey,
          [WASABI_SIGNATURE_HEADER]: signWasabi(EMPTY_BODY, this.privateKey),
        },
        body: form,
        timeoutMs: this.timeoutMs,
      },
      context,
    );
    return this.interpret(response, context, undefined);
  }

  /** Signature first, then the envelope, then the business code. */
  private interpret(
    response: RawHttpResponse,
    context: ProviderErrorContext,
    merchantOrderNo?: string,
  ): WasabiCallResult {
    const byStatus = errorForHttpStatus(response.status, context);
    if (byStatus) throw byStatus;
    this.verifyResponse(response, context);

    let envelope: WasabiEnvelope;
    try {
      envelope = envelopeSchema.parse(parseProviderJson(response.body.toString('utf8')));
    } catch (error) {
      throw new ProviderResponseIntegrityError(`HTTP ${response.status}: body is not the Wasabi envelope`, {
        ...context,
        cause: error,
      });
    }
    if (envelope.code === 200) {
      if (response.status < 200 || response.status > 299)
        throw new ProviderResponseIntegrityError(`HTTP ${response.status} with code 200`, context);
      return { envelope, rawBody: response.body };
    }
    throw this.businessError(envelope, context, merchantOrderNo);
  }

  private verifyResponse(response: RawHttpResponse, context: ProviderErrorContext): void {
    const signature = response.headers.get(WASABI_SIGNATURE_HEADER);
    if (signature === null || signature === '') {
      if (this.missingSignature === 'strict')
        throw new ProviderResponseIntegrityError('response carries no X-WSB-SIGNATURE', context);
      this.options.logger?.warn(
        { provider: 'wasabi', operation: context.operation },
        'WasabiCard response without X-WSB-SIGNATURE accepted (missingResponseSignature=warn)',
      );
      return;
    }
    if (!verifyWasabi(response.body, signature, this.publicKey))
      throw new ProviderResponseIntegrityError(
        'response signature does not verify with the platform key',
        context,
      );
  }

  /**
   * code 401/403 → Authentication; code ≥ 500 → Retryable. Retrying a 500 is safe with Wasabi
   * because every state-changing call carries a merchantOrderNo: if the first attempt did apply,
   * the replay is refused as a duplicate (ProviderDuplicateOrderError) and the order can be looked
   * up by that number, never applied twice.
   */
  private businessError(
    envelope: WasabiEnvelope,
    context: ProviderErrorContext,
    merchantOrderNo?: string,
  ): Error {
    const code = envelope.code;
    const msg = envelope.msg ?? '';
    if (code === 401 || code === 403) return new ProviderAuthenticationError(`code ${code}: ${msg}`, context);
    if (code >= 500) return new ProviderRetryableError(`code ${code}: ${msg}`, context);
    if (merchantOrderNo !== undefined) {
      const codes = this.options.duplicateOrderCodes ?? [];
      const patterns = this.options.duplicateOrderPatterns ?? DEFAULT_DUPLICATE_ORDER_PATTERNS;
      if (codes.includes(code) || patterns.some((p) => p.test(msg)))
        return new ProviderDuplicateOrderError(merchantOrderNo, String(code), msg, context);
    }
    return new ProviderRejectedError(String(code), msg, context);
  }
}

/** Reads `data` with its endpoint schema; a mismatch means the answer cannot be trusted. */
export function parseData<T extends z.ZodType>(schema: T, data: unknown, operation: string): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const where = result.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || 'data'}: ${i.message}`)
      .join('; ');
    throw new ProviderResponseIntegrityError(`unexpected data shape (${where})`, {
      provider: 'wasabi',
      operation,
      cause: result.error,
    });
  }
  return result.data;
}
