// Incoming WasabiCard notifications (spec §1.4), as a function the API mounts: verify the
// platform signature over the raw body, parse the category's payload, deduplicate, and produce
// the exact acknowledgement Wasabi expects. Framework-free: raw bytes and headers in, a
// response description out.
import { type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parseProviderJson } from '../json';
import { loadPublicKey } from '../keys';
import * as card from './schemas/card';
import { holderResultSchema, updateEmailResultSchema } from './schemas/holder';
import { amount, idString, opt, orderStatus } from './schemas/primitives';
import { claimNotification, InMemoryDedupeStore, type WebhookDedupeStore } from '../webhook-dedupe';
import {
  verifyWasabi,
  WASABI_CATEGORY_HEADER,
  WASABI_REQUEST_ID_HEADER,
  WASABI_SIGNATURE_HEADER,
} from './signature';

/** The acknowledgement of the English docs. Must be answered with HTTP 200. */
export const WASABI_WEBHOOK_ACK = '{"success":true,"code":200,"msg":null,"data":null}';
/** The Chinese page's variant (`"msg":"Success"`); select it with `ackVariant: 'chinese-doc'`. */
export const WASABI_WEBHOOK_ACK_CN = '{"success":true,"code":200,"msg":"Success","data":null}';

const physicalCardSchema = z.looseObject({
  cardNo: z.string(),
  merchantOrderNo: opt(z.string()),
  orderNo: opt(idString),
  type: opt(z.string()),
  status: orderStatus,
  remark: opt(z.string()),
});
const workSchema = z.looseObject({
  orderNo: idString,
  merchantOrderNo: opt(z.string()),
  tradeStatus: z.string(),
});
const walletSchema = z.looseObject({
  orderNo: idString,
  type: opt(z.string()),
  status: z.string(),
  receivedAmount: opt(amount),
});

/** Categories, their payload schemas, and how each record is identified (business key + status). */
const CATEGORIES = {
  card_transaction: { schema: card.orderSchema, key: (p: card.WasabiOrder) => [p.orderNo, p.status] },
  card_auth_transaction: {
    schema: card.authTransactionSchema,
    // The same tradeNo is pushed again as settlement data arrives: include it in the key.
    key: (p: card.WasabiAuthTransaction) => [p.tradeNo, p.status, p.settleAmount ?? '', p.settleDate ?? ''],
  },
  card_fee_patch: {
    schema: card.authFeeTransactionSchema,
    key: (p: card.WasabiAuthFeeTransaction) => [p.tradeNo, p.type, p.status],
  },
  card_3ds: { schema: card.threeDsRecordSchema, key: (p: card.WasabiThreeDsRecord) => [p.tradeNo, p.type] },
  card_holder: {
    schema: holderResultSchema,
    key: (p: z.output<typeof holderResultSchema>) => [p.holderId, p.status, p.statusFlowLocation ?? ''],
  },
  card_holder_change_email: {
    schema: updateEmailResultSchema,
    key: (p: z.output<typeof updateEmailResultSchema>) => [
      p.holderId,
      p.orderNo ?? p.merchantOrderNo ?? '',
      p.status,
    ],
  },
  physical_card: {
    schema: physicalCardSchema,
    key: (p: z.output<typeof physicalCardSchema>) => [p.cardNo, p.merchantOrderNo ?? '', p.status],
  },
  work: { schema: workSchema, key: (p: z.output<typeof workSchema>) => [p.orderNo, p.tradeStatus] },
  wallet_transaction: {
    schema: walletSchema,
    key: (p: z.output<typeof walletSchema>) => [p.orderNo, p.status],
  },
  wallet_transaction_v2: {
    schema: walletSchema,
    key: (p: z.output<typeof walletSchema>) => [p.orderNo, p.status],
  },
} as const;

export type WasabiWebhookCategory = keyof typeof CATEGORIES;

/** The categories the handler parses (and routes where a flow waits on them). */
export const WASABI_WEBHOOK_CATEGORIES = Object.keys(CATEGORIES) as WasabiWebhookCategory[];

/**
 * Category header values read as one of ours. UNCONFIRMED: the 3DS category is also seen as
 * `card_3ds_transaction`; WASABI_WEBHOOK_CATEGORY_ALIASES replaces this list.
 */
export const DEFAULT_CATEGORY_ALIASES: Readonly<Record<string, WasabiWebhookCategory>> = {
  card_3ds_transaction: 'card_3ds',
};

export type WasabiWebhookEvent =
  | { category: 'card_transaction'; payload: card.WasabiOrder }
  | { category: 'card_auth_transaction'; payload: card.WasabiAuthTransaction }
  | { category: 'card_fee_patch'; payload: card.WasabiAuthFeeTransaction }
  | { category: 'card_3ds'; payload: card.WasabiThreeDsRecord }
  | { category: 'card_holder'; payload: z.output<typeof holderResultSchema> }
  | { category: 'card_holder_change_email'; payload: z.output<typeof updateEmailResultSchema> }
  | { category: 'physical_card'; payload: z.output<typeof physicalCardSchema> }
  | { category: 'work'; payload: z.output<typeof workSchema> }
  | { category: 'wallet_transaction' | 'wallet_transaction_v2'; payload: z.output<typeof walletSchema> };

export interface WasabiWebhookOptions {
  platformPublicKey: string | KeyObject;
  dedupe?: WebhookDedupeStore;
  /** UNCONFIRMED (spec §1.4): English docs' `"msg":null` (default) or the Chinese page's `"msg":"Success"`. */
  ackVariant?: 'english-doc' | 'chinese-doc';
  /** Other header values for our categories (default DEFAULT_CATEGORY_ALIASES). */
  categoryAliases?: Readonly<Record<string, WasabiWebhookCategory>>;
}

export interface WebhookHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type WasabiWebhookResult =
  | {
      outcome: 'accepted';
      /** True when this request id or business key + status was handled before: acknowledge, do nothing. */
      duplicate: boolean;
      /** True while another copy is being handled: answer "retry later" (never acknowledge it). */
      inFlight: boolean;
      category: string;
      requestId: string | null;
      /** `category|key parts`: stable across redeliveries. */
      businessKey: string;
      /** Parsed, for known categories; null for an unknown category (acknowledged, kept raw). */
      event: WasabiWebhookEvent | null;
      raw: unknown;
      response: WebhookHttpResponse;
      /** Call once the event was acted on: later copies are duplicates. */
      settle(): Promise<void>;
      /** Call when acting on the event failed, so the provider's retry is processed again. */
      release(): Promise<void>;
    }
  | {
      outcome: 'refused';
      reason: 'bad-signature' | 'malformed';
      detail: string;
      response: WebhookHttpResponse;
    };

function header(
  headers: Record<string, string | string[] | undefined> | Headers,
  name: string,
): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers))
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  return null;
}

/**
 * Builds the handler. Unsigned or badly signed requests are refused with HTTP 401 (never
 * acknowledged, never parsed). A signed body Wasabi sent but that we cannot parse is refused with
 * 400: Wasabi retries, and the failure shows in our logs. Duplicates are acknowledged.
 */
export function createWasabiWebhookHandler(options: WasabiWebhookOptions) {
  const publicKey = loadPublicKey(options.platformPublicKey, 'WasabiCard platform public key');
  const dedupe = options.dedupe ?? new InMemoryDedupeStore();
  const ackBody = options.ackVariant === 'chinese-doc' ? WASABI_WEBHOOK_ACK_CN : WASABI_WEBHOOK_ACK;
  const aliases: Readonly<Record<string, string>> = options.categoryAliases ?? DEFAULT_CATEGORY_ALIASES;
  const ack: WebhookHttpResponse = {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: ackBody,
  };
  const refuse = (
    status: number,
    reason: 'bad-signature' | 'malformed',
    detail: string,
  ): WasabiWebhookResult => ({
    outcome: 'refused',
    reason,
    detail,
    response: {
      status,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ success: false, code: status, msg: detail, data: null }),
    },
  });

  return async function handleWasabiWebhook(request: {
    headers: Record<string, string | string[] | undefined> | Headers;
    rawBody: Buffer | Uint8Array;
  }): Promise<WasabiWebhookResult> {
    const signature = header(request.headers, WASABI_SIGNATURE_HEADER);
    if (!verifyWasabi(request.rawBody, signature, publicKey))
      return refuse(
        401,
        'bad-signature',
        signature ? 'signature does not verify' : 'missing X-WSB-SIGNATURE',
      );

    const headerCategory = header(request.headers, WASABI_CATEGORY_HEADER)?.trim() ?? '';
    const category = aliases[headerCategory] ?? headerCategory;
    const requestId = header(request.headers, WASABI_REQUEST_ID_HEADER);
    let raw: unknown;
    try {
      raw = parseProviderJson(Buffer.from(request.rawBody).toString('utf8'));
    } catch {
      return refuse(400, 'malformed', 'body is not JSON');
    }

    let event: WasabiWebhookEvent | null = null;
    let keyParts: unknown[];
    const known = (CATEGORIES as Record<string, { schema: z.ZodType; key: (p: never) => unknown[] }>)[
      category
    ];
    if (known) {
      const parsed = known.schema.safeParse(raw);
      if (!parsed.success)
        return refuse(
          400,
          'malformed',
          `${category} payload: ${parsed.error.issues[0]?.path.join('.') ?? ''} invalid`,
        );
      event = { category, payload: parsed.data } as WasabiWebhookEvent;
      keyParts = known.key(parsed.data as never);
    } else {
      // Unknown category: acknowledged so Wasabi stops retrying; deduplicated on the body bytes.
      keyParts = [Buffer.from(request.rawBody).toString('base64').slice(0, 256)];
    }
    const businessKey = [category || 'unknown', ...keyParts.map((p) => String(p))].join('|');

    const keys = [requestId ? `rid|${requestId}` : null, `biz|${businessKey}`].filter(
      (key): key is string => key !== null,
    );
    const claim = await claimNotification(dedupe, keys);
    return {
      outcome: 'accepted',
      duplicate: claim.verdict === 'duplicate',
      inFlight: claim.verdict === 'in-flight',
      category: category || 'unknown',
      requestId,
      businessKey,
      event,
      raw,
      response: ack,
      settle: claim.settle,
      release: claim.release,
    };
  };
}
