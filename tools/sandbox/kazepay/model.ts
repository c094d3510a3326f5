// The KazePay sandbox's records (cardholders, files, cards, transactions, the inbox, scripted
// outcomes), the events it sends as webhooks, its ledger accounts and the options its state is
// built from. The state that moves them is state.ts.
import { randomInt } from 'node:crypto';
import { luhnValid } from '../../../src/logging/redaction';
import type { Scheduler } from '../common/scheduler';
import type {
  KazepayPreconditions,
  KazepaySandboxTimings,
  KazepayStatusNames,
  KazepayTransactionTypes,
} from './options';

/** Where the hosted KYC page of setUserKyc's kycUrl is served (followed by the applicant's token). */
export const HOSTED_KYC_PATH = '/_sandbox/hosted-kyc/';

/** A refusal KazePay would answer with head.code / head.detail. */
export class SandboxBusinessError extends Error {
  override name = 'SandboxBusinessError';
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export type KycStatus = 'WAITING_KYC' | 'PASSED' | 'REJECTED';

export interface Cardholder {
  email: string;
  mobileNumber: string;
  mobilePrefix: string;
  kycStatus: KycStatus;
  kycVariant: 'files' | 'base64' | 'hosted';
  kycSubmissions: number;
  /** Identity fields as submitted (sandbox only; never logged). */
  identity: Record<string, unknown>;
  kycUrl?: string;
  /** The last path segment of kycUrl: what the hosted page is found by. */
  kycToken?: string;
}

export interface StoredFile {
  fileId: string;
  email: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface Card {
  cardID: string;
  cardNo: string;
  physical: boolean;
  email: string;
  status: string;
  currency: string;
  expiryDate: string;
  cvv?: string;
  pinHash?: string;
  activationCode?: string;
  mobileNumber: string;
  mobilePrefix: string;
  countryCode: string;
}

export interface Transaction {
  transactionId: string;
  cardID: string;
  kind: 'recharge' | 'close_refund';
  amount: string;
  currency: string;
  status: string;
  time: string;
  /** Polls left before a scripted "still pending" recharge settles. */
  pendingPollsLeft?: number;
  outcome: 'success' | 'failed';
}

export interface InboxMessage {
  id: string;
  email: string;
  cardID: string;
  kind: 'activation-code';
  activationCode: string;
  at: string;
  /** The code can be fetched once (seed: "can only be obtained once"). */
  taken: boolean;
}

export interface RechargeScript {
  outcome?: 'success' | 'failed';
  /** The first N polls (queryTransactions rows for it) still show PENDING; it settles on the next. */
  pendingPolls?: number;
}

export type SandboxEvent =
  | { event: 'kycStatusNotify'; body: { email: string; status: string } }
  | { event: 'cardStatusNotify'; body: { cardID: string; status: string } }
  | {
      event: 'rechargeNotify';
      body: {
        cardID: string;
        transactionId: string;
        transactionStatus: string;
        amount: string;
        currency: string;
      };
    }
  | {
      event: 'closeCardNotify';
      body: { cardID: string; status: string; refundAmt: string; currency: string; txnId: string };
    };

export const MERCHANT_ACCOUNT = 'merchant';
export const IN_TRANSIT_ACCOUNT = 'kazepay:in-transit';
export const cardAccount = (cardID: string) => `card:${cardID}`;

/** A Luhn-valid 16-digit card number on the given BIN. */
export function makeCardNumber(bin = '493724'): string {
  let body = bin;
  while (body.length < 15) body += String(randomInt(0, 10));
  for (let check = 0; check < 10; check++) if (luhnValid(body + check)) return body + check;
  throw new Error('unreachable');
}

export interface KazepayStateOptions {
  currency: string;
  merchantBalance: string;
  physicalCards: number;
  timings: KazepaySandboxTimings;
  statusNames: KazepayStatusNames;
  transactionTypes: KazepayTransactionTypes;
  rejectKycEmails: string[];
  preconditions: KazepayPreconditions;
  hostedKycTimer: boolean;
  firstCardId?: number;
  scheduler: Scheduler;
  baseUrl: () => string;
  onEvent: (event: SandboxEvent) => void;
}
