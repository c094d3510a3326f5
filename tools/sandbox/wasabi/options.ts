// The WasabiCard sandbox's settings: timings, the card-type catalogue, fault rates, and one switch
// per UNCONFIRMED behaviour of spec §1 (each with the spec's default guess).
import type { FaultRates } from '../common/faults';
import type { WebhookFaults } from '../common/webhooks';
import { DEFAULT_CATALOGUE, type SandboxCardType } from './catalogue';

/** Switches for behaviours the provider documents ambiguously. Defaults = the spec's guesses. */
export interface WasabiSandboxSwitches {
  /** UNCONFIRMED (§1.1): sign every response (`always`, default) or `omit` the X-WSB-SIGNATURE header. */
  responseSignature: 'always' | 'omit';
  /** UNCONFIRMED (§1.4): the 3DS webhook category: `card_3ds` (default, production C# client) or `card_3ds_transaction`. */
  threeDsCategory: 'card_3ds' | 'card_3ds_transaction';
  /** UNCONFIRMED (§1.1): amounts in responses and webhooks as JSON `string` (default, as in the seed) or `number`. */
  amountsAs: 'string' | 'number';
  /** UNCONFIRMED (§1.3): card status spelling: `documented` (Normal, Freeze…, default) or `lower` (normal, freeze…). */
  cardStatusCase: 'documented' | 'lower';
  /** UNCONFIRMED (§1.1): sensitive values as plain `base64` (default) or `url-encoded` base64. */
  sensitiveEncoding: 'base64' | 'url-encoded';
  /** UNCONFIRMED (§1.5): the code and msg answering a reused merchantOrderNo. */
  duplicateOrderCode: number;
  duplicateOrderMsg: string;
  /** UNCONFIRMED (§1.1): HTTP status of business errors (200, default: the code is in the envelope). */
  businessErrorHttpStatus: number;
  /** UNCONFIRMED (§1.4): what counts as an acknowledgement: `code-200` (default: HTTP 200 and a JSON body with code 200) or `strict-body` (exactly the English doc's body). */
  webhookAck: 'code-200' | 'strict-body';
  /**
   * The acknowledgement body `strict-body` expects. Default: the English Notification page's
   * `{"success":true,"code":200,"msg":null,"data":null}` (spec §1.4; seed 002 shows none; the
   * Chinese page writes `"msg":"Success"`).
   */
  webhookAckBody: string;
  /** UNCONFIRMED (§1.2): whether file upload requires the `category` form field (default false). */
  uploadRequiresCategory: boolean;
  /**
   * Order statuses answered under other names (e.g. `{ success: 'succeeded' }`), so a test can
   * show the engine a status its profile does not know. Default: none renamed.
   */
  orderStatusNames: Readonly<Record<string, string>>;
}

export const DEFAULT_SWITCHES: WasabiSandboxSwitches = {
  responseSignature: 'always',
  threeDsCategory: 'card_3ds',
  amountsAs: 'string',
  cardStatusCase: 'documented',
  sensitiveEncoding: 'base64',
  duplicateOrderCode: 400,
  duplicateOrderMsg: 'Duplicate merchant order number, do not submit again',
  businessErrorHttpStatus: 200,
  webhookAck: 'code-200',
  webhookAckBody: '{"success":true,"code":200,"msg":null,"data":null}',
  uploadRequiresCategory: false,
  orderStatusNames: {},
};

/** Unscaled durations in ms; the scheduler multiplies them by `timeScale`. */
export interface WasabiSandboxTimings {
  /** wait_process → processing. */
  orderProcessingMs: number;
  /** processing → success | fail. */
  orderCompleteMs: number;
  /** wait_audit → under_review (admin) → under_review (channel) → pass_audit: each step. */
  holderReviewStepMs: number;
  /** authorized → succeed (settlement) for simulated spend. */
  authSettleMs: number;
}

export const DEFAULT_TIMINGS: WasabiSandboxTimings = {
  orderProcessingMs: 1000,
  orderCompleteMs: 2000,
  holderReviewStepMs: 2000,
  authSettleMs: 5000,
};

/** The provider's retry gaps after the immediate first send: 7 sends in all (spec §1.4). */
export const WASABI_WEBHOOK_SCHEDULE_MS = [
  60_000, 300_000, 1_200_000, 3_600_000, 43_200_000, 86_400_000,
] as const;

export interface WasabiSandboxOptions {
  host?: string;
  port?: number;
  /** The merchant's public key (verifies requests, encrypts sensitive data). PEM or bare base64 DER. */
  merchantPublicKey: string;
  /** The platform private key (signs responses and webhooks); a fresh pair is generated when absent. */
  platformPrivateKey?: string;
  /** Size of a generated platform key (default 2048). */
  platformKeyBits?: number;
  /** Generated when absent. */
  apiKey?: string;
  /** Where notifications go; none are sent until one is set (as on the real platform). */
  webhookUrl?: string;
  /** Multiplies every sandbox delay (orders, reviews, settlement). 1 = real time. */
  timeScale?: number;
  /** Multiplies webhook retry gaps; defaults to timeScale. */
  webhookTimeScale?: number;
  /** When false, nothing advances on its own: use control.advance(). */
  autoAdvance?: boolean;
  timings?: Partial<WasabiSandboxTimings>;
  switches?: Partial<WasabiSandboxSwitches>;
  catalogue?: SandboxCardType[];
  /** The merchant wallet's opening balance (USD). */
  merchantBalance?: string;
  faults?: { seed?: number; global?: FaultRates; perOperation?: Record<string, FaultRates> };
  webhookFaults?: WebhookFaults;
  /** Random seed for ids, card numbers and codes. */
  seed?: number;
  /** A hung-up request's socket is destroyed after this long. */
  hangMs?: number;
  onError?: (error: unknown) => void;
}

export { DEFAULT_CATALOGUE };
