// Everything about the KazePay sandbox that can be tuned: timings, names the spec leaves
// UNCONFIRMED, error codes, starting balances. Defaults are the spec's defaults (§0.4, §0.6).
import type { KeyObject } from 'node:crypto';
import type { SandboxCryptoProfile } from './envelope';

export interface KazepaySandboxTimings {
  /** setUcardKyc / setUserKyc: WAITING_KYC -> PASSED | REJECTED. */
  kycReviewMs: number;
  /** ucardActive (or ucardAssign with autoActive): ACTIVE_PROCESSING -> ACTIVE. */
  activationMs: number;
  /** cardRecharge: PENDING -> SUCCESS | FAILED. */
  rechargeSettleMs: number;
  /** closeCard: CLOSE_PROCESSING -> CLOSED, refund credited to the merchant. */
  closeMs: number;
  /** createCard (virtual): AUDITING -> ACTIVE. */
  virtualCardMs: number;
}

export const DEFAULT_TIMINGS: KazepaySandboxTimings = {
  kycReviewMs: 5_000,
  activationMs: 3_000,
  rechargeSettleMs: 3_000,
  closeMs: 5_000,
  virtualCardMs: 3_000,
};

/**
 * The state names the sandbox answers with where the seed shows none (spec §0.4, UNCONFIRMED):
 * the sandbox's own copy of the documented defaults, so that a client default is never checked
 * only against itself. Override with the `statusNames` option.
 */
export interface KazepayStatusNames {
  cardClosed: string;
  cardActivationFailed: string;
  /** A physical card assigned without autoActive, waiting for ucardActive. */
  cardAwaitingActivation: string;
  transactionSuccess: string;
  transactionFailed: string;
}

export const DEFAULT_STATUS_NAMES: Readonly<KazepayStatusNames> = Object.freeze({
  cardClosed: 'CLOSED',
  cardActivationFailed: 'ACTIVE_FAILED',
  cardAwaitingActivation: 'WAITING_ACTIVE',
  transactionSuccess: 'SUCCESS',
  transactionFailed: 'FAILED',
});

/**
 * Refusals the seed does not state (sandbox inventions), each off by default so that the
 * sandbox accepts what KazePay's document allows; turn one on to test an engine against a
 * stricter provider. The checks the seed does state stay on always (KYC PASSED before
 * ucardActive, seed §7; card state on recharge and close).
 */
export interface KazepayPreconditions {
  /** ucardAssign only for a user whose KYC is PASSED (else KYC_NOT_PASSED). */
  kycBeforeAssign: boolean;
  /** ucardActive only on a card awaiting activation (else CARD_STATUS_ERROR). */
  awaitingActivationBeforeActivate: boolean;
  /** cardSetPin only on an ACTIVE or INACTIVE card (else CARD_STATUS_ERROR). */
  activeCardForPin: boolean;
}

export const DEFAULT_PRECONDITIONS: Readonly<KazepayPreconditions> = Object.freeze({
  kycBeforeAssign: false,
  awaitingActivationBeforeActivate: false,
  activeCardForPin: false,
});

/** `transType` of the queryTransactions rows the sandbox writes (UNCONFIRMED: not in the seed). */
export interface KazepayTransactionTypes {
  recharge: string;
  closeRefund: string;
}

export const DEFAULT_TRANSACTION_TYPES: Readonly<KazepayTransactionTypes> = Object.freeze({
  recharge: 'Recharge',
  closeRefund: 'Refund',
});

/** The head.code values the sandbox refuses with (UNCONFIRMED: KazePay's appendix is not available). */
export const SANDBOX_ERROR_CODES = {
  invalidSysId: 'INVALID_SYS_ID',
  decryptError: 'DECRYPT_ERROR',
  signError: 'SIGN_ERROR',
  paramError: 'PARAM_ERROR',
  duplicateRequestNo: 'DUPLICATE_REQUEST_NO',
  unknownApiCode: 'API_CODE_NOT_SUPPORTED',
  fileNotFound: 'FILE_NOT_FOUND',
  kycInReview: 'KYC_IN_REVIEW',
  kycAlreadyPassed: 'KYC_ALREADY_PASSED',
  kycNotPassed: 'KYC_NOT_PASSED',
  userNotFound: 'USER_NOT_FOUND',
  cardNotFound: 'CARD_NOT_FOUND',
  cardAlreadyAssigned: 'CARD_ALREADY_ASSIGNED',
  cardStatusError: 'CARD_STATUS_ERROR',
  activationCodeError: 'ACTIVATION_CODE_ERROR',
  insufficientBalance: 'INSUFFICIENT_BALANCE',
  currencyNotSupported: 'CURRENCY_NOT_SUPPORTED',
} as const;

export interface KazepaySandboxOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Platform keys are generated once and kept here (`<dataDir>/kazepay-sandbox/`). */
  dataDir?: string;
  /** Or given directly (tests): PEM / base64 DER / KeyObject. */
  platformPrivateKey?: string | KeyObject;
  /** The merchant's public key: verifies requests, encrypts responses and webhooks. */
  merchantPublicKey: string | KeyObject;
  sysId?: string;
  /**
   * The first cardID handed out (default 3377). A sandbox whose state starts empty on every run
   * but serves an engine that remembers (the dev stack) starts from the clock instead, so a card
   * id never comes back under a flow that already ended.
   */
  firstCardId?: number;
  /** The envelope knobs (spec §0.2); defaults: SANDBOX_DEFAULT_CRYPTO_PROFILE. */
  profile?: Partial<SandboxCryptoProfile>;
  /** Card currency and merchant account currency (default USD). */
  currency?: string;
  /** Merchant account balance at start (default 100000.00). */
  merchantBalance?: string;
  /** Unassigned physical cards ready for ucardAssign (default 20, Luhn-valid, BIN 493724). */
  physicalCards?: number;
  timings?: Partial<KazepaySandboxTimings>;
  /** Multiplies every timing and webhook gap (0.001: minutes become tens of milliseconds). */
  timeScale?: number;
  statusNames?: Partial<KazepayStatusNames>;
  /** transType labels of the rows queryTransactions returns (default Recharge / Refund). */
  transactionTypes?: Partial<KazepayTransactionTypes>;
  /** Sandbox-invented refusals, all off by default (see KazepayPreconditions). */
  preconditions?: Partial<KazepayPreconditions>;
  /**
   * Whether hosted KYC (setUserKyc) also ends on its own after kycReviewMs, as if the applicant
   * finished at once (default true: the demo and unattended tests need no browser). The kycUrl
   * page's Pass / Reject buttons decide it either way, first come first served.
   */
  hostedKycTimer?: boolean;
  /** Emails whose KYC is always rejected. */
  rejectKycEmails?: string[];
  /**
   * UNCONFIRMED (spec §0.6): "5 sends at 1, 2, 4, 8, 16 minute spacing". Read here as five
   * sends, each this long after the previous one (the first after the event).
   */
  webhookScheduleMs?: number[];
  /** Fault injection seed (reproducible runs). */
  seed?: number;
  /** How long a hung-up request's socket stays open (real ms). */
  hangMs?: number;
  logger?: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

export const DEFAULT_WEBHOOK_SCHEDULE_MS = [60_000, 120_000, 240_000, 480_000, 960_000];
export const DEFAULT_SYS_ID = '202402271432298822660001';
