// The KazePay U-Card client: validates input, seals one envelope per HTTP attempt, posts it,
// and turns whatever comes back into a verified typed result or one of the typed provider errors.
//
// Error mapping (spec §0.1, §0.5):
// * input refused by the schema          -> ProviderValidationError (nothing is sent)
// * connection refused before sending    -> ProviderRetryableError   (postRaw)
// * timeout / reset after sending        -> ProviderAmbiguousError   (postRaw)
// * HTTP 401/403, or an auth-type code   -> ProviderAuthenticationError
// * HTTP 429                             -> ProviderRetryableError
// * HTTP 5xx on a read/idempotent call   -> ProviderRetryableError
// * HTTP 5xx on a state-changing call    -> ProviderAmbiguousError (no idempotency key: KazePay
//                                           may have applied it before failing; see operations.ts)
// * head.code other than SUCCESS, or a business `encrypt` of FAILED -> ProviderRejectedError
// * bad signature, undecryptable body, malformed envelope or business JSON, a response to another
//   requestNo, a body that breaks the response schema -> ProviderResponseIntegrityError (never
//   parsed further, never trusted)
import type { KeyObject } from 'node:crypto';
import { LosslessNumber, stringify } from 'lossless-json';
import type { z } from 'zod';
import {
  ProviderAmbiguousError,
  ProviderAuthenticationError,
  type ProviderErrorContext,
  ProviderRejectedError,
  ProviderResponseIntegrityError,
  ProviderRetryableError,
  ProviderValidationError,
} from '../errors';
import { errorForHttpStatus, postRaw } from '../http';
import { parseProviderJson } from '../json';
import { loadPrivateKey, loadPublicKey } from '../keys';
import { type CryptoProfile, cryptoProfile } from './crypto-profile';
import {
  type EnvelopeHead,
  EnvelopeError,
  envelopeBytes,
  openParsedEnvelope,
  parseEnvelope,
  type ParsedEnvelope,
  sealEnvelope,
} from './envelope';
import {
  KAZEPAY_OPERATIONS,
  type OperationEffect,
  type OperationInput,
  type OperationName,
  type OperationResult,
} from './operations';
import {
  DEFAULT_RESPONSE_REQUEST_NO_POLICY,
  requestNoGenerator,
  type ResponseRequestNoPolicy,
} from './request-no';
import { sniffImageType } from './schemas';

/**
 * UNCONFIRMED (KazePay's error-code appendix is not available): head.code values treated as
 * credential problems. Knob: `authenticationErrorCodes` / KAZEPAY_AUTH_ERROR_CODES.
 */
export const DEFAULT_AUTHENTICATION_ERROR_CODES: readonly string[] = [
  'AUTH_FAILED',
  'UNAUTHORIZED',
  'INVALID_SYS_ID',
  'SYS_ID_NOT_EXIST',
  'MERCHANT_NOT_EXIST',
  'SIGN_ERROR',
  'SIGNATURE_ERROR',
  'VERIFY_SIGN_FAILED',
  'DECRYPT_ERROR',
  'IP_NOT_ALLOWED',
];

export interface KazepayLogger {
  warn(object: object, message: string): void;
  debug?(object: object, message: string): void;
}

export interface KazepayClientOptions {
  /** The gateway URL every envelope is posted to. */
  baseUrl: string;
  /** UNCONFIRMED: where fileUpload's multipart request goes (default: baseUrl). */
  uploadUrl?: string | undefined;
  sysId: string;
  /** PEM or bare base64 DER, or a KeyObject. Signs requests, decrypts responses. */
  merchantPrivateKey: string | KeyObject;
  /** PEM or bare base64 DER, or a KeyObject. Encrypts requests, verifies responses and webhooks. */
  platformPublicKey: string | KeyObject;
  profile?: Partial<CryptoProfile>;
  /** head.version (default "1.0"). */
  version?: string;
  /** Per HTTP attempt, including reading the answer (default 30 s). */
  timeoutMs?: number;
  /** UNCONFIRMED: amounts as JSON numbers (default, as in the seed) or strings. */
  amountEncoding?: 'number' | 'string';
  /** UNCONFIRMED: a different requestNo in the answer is logged (`warn`, default) or refused. */
  responseRequestNo?: ResponseRequestNoPolicy;
  requestNoDigits?: 8 | 9 | 10;
  requestNoUtcOffsetMinutes?: number;
  authenticationErrorCodes?: readonly string[] | undefined;
  /** UNCONFIRMED (spec §0.3): fileUpload's multipart field names (default head, body, file). */
  uploadFields?: Partial<UploadFieldNames>;
  /**
   * UNCONFIRMED: an error answer (head.code not SUCCESS) is taken as it comes (`optional`,
   * default) or must open and verify like any other answer (`required`).
   */
  errorAnswerSignature?: 'optional' | 'required';
  /** UNCONFIRMED (spec §0.6): how a webhook is acknowledged (default a signed SUCCESS envelope). */
  webhookAck?: Partial<WebhookAckSettings>;
  logger?: KazepayLogger;
  now?: () => Date;
}

/** A verified, decrypted answer, before the operation's schema is applied. */
export interface KazepayRawResult {
  requestNo: string;
  head: EnvelopeHead;
  /** The decrypted business JSON text exactly as received (and verified). */
  businessText: string;
  /** That text parsed losslessly (decimals stay exact). */
  business: unknown;
}

/** The multipart parts of a fileUpload: the envelope's head and body (JSON text) and the image. */
export interface UploadFieldNames {
  head: string;
  body: string;
  file: string;
}
export const DEFAULT_UPLOAD_FIELDS: Readonly<UploadFieldNames> = { head: 'head', body: 'body', file: 'file' };

/**
 * The answer to a webhook: `envelope` (a signed envelope whose head code and `encrypt` carry
 * `code`), `json` (`{"code":"<code>"}`) or `text` (the code alone).
 */
export interface WebhookAckSettings {
  form: 'envelope' | 'json' | 'text';
  code: string;
}
export const DEFAULT_WEBHOOK_ACK: Readonly<WebhookAckSettings> = { form: 'envelope', code: 'SUCCESS' };

export interface UploadFile {
  fileName: string;
  content: Uint8Array;
}

const isSuccess = (value: unknown) => typeof value === 'string' && value.toUpperCase() === 'SUCCESS';

/** Field names whose values are amounts and go on the wire as JSON numbers by default. */
const AMOUNT_FIELDS = new Set(['amount']);

export class KazepayClient {
  readonly profile: CryptoProfile;
  private readonly merchantPrivateKey: KeyObject;
  private readonly platformPublicKey: KeyObject;
  private readonly nextRequestNo: () => string;
  private readonly authCodes: Set<string>;

  constructor(private readonly options: KazepayClientOptions) {
    this.profile = cryptoProfile(options.profile);
    this.merchantPrivateKey = loadPrivateKey(options.merchantPrivateKey, 'KazePay merchant private key');
    this.platformPublicKey = loadPublicKey(options.platformPublicKey, 'KazePay platform public key');
    this.nextRequestNo = requestNoGenerator({
      randomDigits: options.requestNoDigits ?? 10,
      utcOffsetMinutes: options.requestNoUtcOffsetMinutes ?? 0,
      ...(options.now ? { now: options.now } : {}),
    });
    this.authCodes = new Set(
      (options.authenticationErrorCodes ?? DEFAULT_AUTHENTICATION_ERROR_CODES).map((c) => c.toUpperCase()),
    );
  }

  // ------------------------------------------------------------ typed operations

  /** Calls one operation by name: validates, sends, verifies, parses. */
  async call<N extends OperationName>(name: N, input: OperationInput<N>): Promise<OperationResult<N>> {
    const spec = KAZEPAY_OPERATIONS[name];
    const context: ProviderErrorContext = { provider: 'kazepay', operation: spec.apiCode };
    const parsed = (spec.request as z.ZodType).safeParse(input);
    if (!parsed.success) throw validationError(parsed.error, input, context);
    const request = parsed.data as Record<string, unknown>;
    let raw: KazepayRawResult;
    if (spec.multipart) {
      const { file, ...fields } = request as { file: UploadFile } & Record<string, unknown>;
      raw = await this.exchange(spec.apiCode, fields, spec.effect, file);
    } else {
      raw = await this.exchange(spec.apiCode, request, spec.effect);
    }
    const result = (spec.response as z.ZodType).safeParse(raw.business);
    if (!result.success) {
      const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || '(body)'))].join(', ');
      throw new ProviderResponseIntegrityError(
        `response does not match the documented fields (${fields})`,
        context,
      );
    }
    return result.data as OperationResult<N>;
  }

  fileUpload(input: OperationInput<'fileUpload'>) {
    return this.call('fileUpload', input);
  }
  setUcardKyc(input: OperationInput<'setUcardKyc'>) {
    return this.call('setUcardKyc', input);
  }
  /** Deprecated variant: images inline as base64. Prefer fileUpload + setUcardKyc. */
  setUcardKycBase64(input: OperationInput<'setUcardKycBase64'>) {
    return this.call('setUcardKycBase64', input);
  }
  setUserKyc(input: OperationInput<'setUserKyc'>) {
    return this.call('setUserKyc', input);
  }
  queryUcardKycStatus(input: OperationInput<'queryUcardKycStatus'>) {
    return this.call('queryUcardKycStatus', input);
  }
  ucardAssign(input: OperationInput<'ucardAssign'>) {
    return this.call('ucardAssign', input);
  }
  ucardActive(input: OperationInput<'ucardActive'>) {
    return this.call('ucardActive', input);
  }
  cardSetPin(input: OperationInput<'cardSetPin'>) {
    return this.call('cardSetPin', input);
  }
  queryCard(input: OperationInput<'queryCard'>) {
    return this.call('queryCard', input);
  }
  cardBalance(input: OperationInput<'cardBalance'>) {
    return this.call('cardBalance', input);
  }
  cardRecharge(input: OperationInput<'cardRecharge'>) {
    return this.call('cardRecharge', input);
  }
  queryTransactions(input: OperationInput<'queryTransactions'>) {
    return this.call('queryTransactions', input);
  }
  updCardStatus(input: OperationInput<'updCardStatus'>) {
    return this.call('updCardStatus', input);
  }
  closeCard(input: OperationInput<'closeCard'>) {
    return this.call('closeCard', input);
  }
  getCardId(input: OperationInput<'getCardId'>) {
    return this.call('getCardId', input);
  }
  setWebhookUrl(input: OperationInput<'setWebhookUrl'>) {
    return this.call('setWebhookUrl', input);
  }
  getWebhookUrl() {
    return this.call('getWebhookUrl', {});
  }
  createCard(input: OperationInput<'createCard'>) {
    return this.call('createCard', input);
  }
  createCardQuery(input: OperationInput<'createCardQuery'>) {
    return this.call('createCardQuery', input);
  }

  // ------------------------------------------------------------ the exchange

  /**
   * One signed call with an arbitrary business object (the ops command uses this): no request
   * schema, but the same envelope, verification and error mapping. `effect` defaults to
   * 'state-change' (the cautious reading of a 5xx).
   */
  async exchange(
    apiCode: string,
    business: Record<string, unknown>,
    effect: OperationEffect = 'state-change',
    file?: UploadFile,
  ): Promise<KazepayRawResult> {
    const context: ProviderErrorContext = { provider: 'kazepay', operation: apiCode };
    const requestNo = this.nextRequestNo();
    const version = this.options.version ?? '1.0';
    const businessBytes = Buffer.from(this.serialiseBusiness(business), 'utf8');
    const envelope = sealEnvelope({
      profile: this.profile,
      head: { apiCode, sysId: this.options.sysId, requestNo, version },
      business: businessBytes,
      senderPrivateKey: this.merchantPrivateKey,
      receiverPublicKey: this.platformPublicKey,
    });

    let body: string | Uint8Array | FormData;
    let headers: Record<string, string>;
    if (file) {
      // UNCONFIRMED multipart layout (spec §0.3): form fields `head` and `body` hold the JSON
      // envelope parts, `file` the image. The image bytes themselves are not signed.
      const fields = { ...DEFAULT_UPLOAD_FIELDS, ...this.options.uploadFields };
      const form = new FormData();
      form.set(fields.head, JSON.stringify(envelope.head));
      form.set(fields.body, JSON.stringify(envelope.body));
      const type = sniffImageType(file.content) ?? 'application/octet-stream';
      form.set(fields.file, new Blob([Buffer.from(file.content)], { type }), file.fileName);
      body = form;
      headers = { accept: 'application/json' };
    } else {
      body = envelopeBytes(envelope);
      headers = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
    }
    const url = file ? (this.options.uploadUrl ?? this.options.baseUrl) : this.options.baseUrl;
    const response = await postRaw(
      { url, headers, body, timeoutMs: this.options.timeoutMs ?? 20_000 },
      context,
    );

    const statusError = errorForHttpStatus(response.status, context);
    if (statusError) {
      if (
        statusError instanceof ProviderRetryableError &&
        response.status >= 500 &&
        effect === 'state-change'
      ) {
        throw new ProviderAmbiguousError(
          `HTTP ${response.status} after the request was sent; KazePay takes no idempotency key and may have applied it`,
          context,
        );
      }
      throw statusError;
    }

    let parsed: ParsedEnvelope;
    try {
      parsed = parseEnvelope(response.body);
    } catch (error) {
      if (response.status >= 400)
        throw new ProviderRejectedError(
          `HTTP_${response.status}`,
          'no KazePay envelope in the answer',
          context,
        );
      throw new ProviderResponseIntegrityError(`unreadable answer: ${(error as Error).message}`, {
        ...context,
        cause: error,
      });
    }
    const { head } = parsed;
    if (head.requestNo !== requestNo) {
      // The seed's own answers mostly carry another requestNo than their request: by default this
      // is logged (no secret in it) and the answer, verified below, is accepted.
      if ((this.options.responseRequestNo ?? DEFAULT_RESPONSE_REQUEST_NO_POLICY) === 'must-match')
        throw new ProviderResponseIntegrityError('the answer belongs to another requestNo', context);
      this.options.logger?.warn(
        { apiCode, requestNo, responseRequestNo: head.requestNo },
        'KazePay answer carries a different requestNo; accepted (KAZEPAY_RESPONSE_REQUEST_NO=warn)',
      );
    }
    if (head.apiCode !== apiCode) {
      // The seed itself shows responses labelled "cardBalance" for updCardStatus and closeCard.
      this.options.logger?.warn(
        { apiCode, responseApiCode: head.apiCode, requestNo },
        'KazePay answer names a different apiCode; matched by requestNo',
      );
    }
    const code = head.code ?? '';
    if (!isSuccess(code)) {
      const detail = head.detail ?? '';
      if (this.options.errorAnswerSignature === 'required') this.openAnswer(parsed, context);
      if (this.authCodes.has(code.toUpperCase()))
        throw new ProviderAuthenticationError(`credentials refused (${code}): ${detail}`, context);
      throw new ProviderRejectedError(code || 'UNKNOWN', detail, context);
    }

    const { businessText, parsedBusiness } = this.openAnswer(parsed, context);
    if (
      parsedBusiness !== null &&
      typeof parsedBusiness === 'object' &&
      'encrypt' in parsedBusiness &&
      !isSuccess((parsedBusiness as { encrypt: unknown }).encrypt)
    ) {
      const flag = String((parsedBusiness as { encrypt: unknown }).encrypt);
      throw new ProviderRejectedError(flag, head.detail ?? '', context);
    }
    return { requestNo, head: head as EnvelopeHead, businessText, business: parsedBusiness };
  }

  private serialiseBusiness(business: Record<string, unknown>): string {
    const encoded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(business)) {
      if (value === undefined) continue;
      encoded[key] =
        AMOUNT_FIELDS.has(key) &&
        typeof value === 'string' &&
        (this.options.amountEncoding ?? 'number') === 'number'
          ? new LosslessNumber(value)
          : value;
    }
    return stringify(encoded) ?? '{}';
  }

  /** Decrypts and verifies an answer; anything that does not verify is ResponseIntegrity. */
  private openAnswer(parsed: ParsedEnvelope, context: ProviderErrorContext) {
    try {
      const opened = openParsedEnvelope(parsed, {
        profile: this.profile,
        receiverPrivateKey: this.merchantPrivateKey,
        senderPublicKey: this.platformPublicKey,
      });
      const businessText = opened.business.toString('utf8');
      return { businessText, parsedBusiness: parseProviderJson(businessText) as unknown };
    } catch (error) {
      const reason = error instanceof EnvelopeError ? error.reason : 'malformed business JSON';
      throw new ProviderResponseIntegrityError(`answer not trusted: ${reason}`, { ...context, cause: error });
    }
  }

  // ------------------------------------------------------------ webhooks

  /**
   * Opens a webhook KazePay sent (UNCONFIRMED format, spec §0.6: the same envelope, signed by the
   * platform). Verifies over the exact bytes; throws ProviderResponseIntegrityError otherwise.
   */
  openWebhook(raw: Buffer): { head: EnvelopeHead; businessText: string; business: unknown } {
    const context: ProviderErrorContext = { provider: 'kazepay', operation: 'webhook' };
    try {
      const opened = openParsedEnvelope(parseEnvelope(raw), {
        profile: this.profile,
        receiverPrivateKey: this.merchantPrivateKey,
        senderPublicKey: this.platformPublicKey,
      });
      const businessText = opened.business.toString('utf8');
      return { head: opened.head, businessText, business: parseProviderJson(businessText) };
    } catch (error) {
      const reason = error instanceof EnvelopeError ? error.reason : 'malformed business JSON';
      throw new ProviderResponseIntegrityError(`webhook not trusted: ${reason}`, {
        ...context,
        cause: error,
      });
    }
  }

  /** What acknowledges a webhook (UNCONFIRMED; spec §0.6 default: a signed SUCCESS envelope). */
  webhookAck(head: Pick<EnvelopeHead, 'apiCode' | 'requestNo'>): { contentType: string; body: Buffer } {
    const { form, code } = { ...DEFAULT_WEBHOOK_ACK, ...this.options.webhookAck };
    if (form === 'text') return { contentType: 'text/plain; charset=utf-8', body: Buffer.from(code, 'utf8') };
    if (form === 'json')
      return { contentType: 'application/json', body: Buffer.from(JSON.stringify({ code }), 'utf8') };
    const envelope = sealEnvelope({
      profile: this.profile,
      head: {
        apiCode: head.apiCode,
        sysId: this.options.sysId,
        requestNo: head.requestNo,
        version: this.options.version ?? '1.0',
        code,
        detail: code,
      },
      business: Buffer.from(JSON.stringify({ encrypt: code }), 'utf8'),
      senderPrivateKey: this.merchantPrivateKey,
      receiverPublicKey: this.platformPublicKey,
    });
    return { contentType: 'application/json', body: envelopeBytes(envelope) };
  }
}

/** zod issues as field + rule; a missing field says "required" rather than a type complaint. */
export function validationError(
  error: z.ZodError,
  input: unknown,
  context: ProviderErrorContext,
): ProviderValidationError {
  const valueAt = (path: PropertyKey[]) =>
    path.reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
      input,
    );
  const issues = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), rule: 'unknown field' }));
    const field = issue.path.map(String).join('.') || '(request)';
    const missing =
      issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(issue.path) === undefined;
    return [{ field, rule: missing ? 'required' : issue.message }];
  });
  return new ProviderValidationError(issues, context);
}
