// The WasabiCard sandbox's data model: its refusal error, the records it keeps (cards, orders,
// cardholders, accounts, authorizations, fees, 3DS), the control scripts and what the engine needs.
import type { KeyObject } from 'node:crypto';
import type { Decimal } from '../../../src/contract/money';
import type { Ledger } from '../common/ledger';
import type { Scheduler } from '../common/scheduler';
import type { SandboxCardType } from './catalogue';
import type { WasabiSandboxSwitches, WasabiSandboxTimings } from './options';

/** A refusal in the provider's envelope: `{success:false, code, msg, data:null}`. */
export class SandboxError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

export type OrderStatus = 'wait_process' | 'processing' | 'success' | 'fail';
export type OrderType =
  'create' | 'deposit' | 'withdraw' | 'cancel' | 'Freeze' | 'UnFreeze' | 'update_pin' | 'card_activated';

export interface SandboxOrder {
  orderNo: string;
  merchantOrderNo: string;
  cardNo: string | null;
  currency: string;
  amount: string;
  fee: string;
  receivedAmount: string;
  receivedCurrency: string;
  type: OrderType;
  /** Cancel orders: `REFUND` once the balance went back (UNCONFIRMED field, seen in one wrapper). */
  subType?: string;
  status: OrderStatus;
  description: string | null;
  remark: string | null;
  transactionTime: number;
  /** Sandbox bookkeeping (never on the wire). */
  internal: {
    api: 'v1' | 'v2';
    card: SandboxCard;
    outcome?: 'success' | 'fail';
    holdPolls: number;
    polls: number;
    ready: boolean;
    /** For activation / PIN orders. */
    pin?: string;
    /** v1 openCard: the deposit order that follows the create order. */
    next?: SandboxOrder;
    /** Card status to return to when a freeze/unfreeze/cancel fails. */
    previousStatus?: string;
  };
}

export interface SandboxCard {
  cardNo: string;
  cardType: SandboxCardType;
  holderId: string | null;
  status: string;
  blocked: boolean;
  bindTime: number;
  remark: string | null;
  pan: string;
  cvv: string;
  expireDate: string;
  activationCode: string | null;
  pin: string | null;
  noPinPaymentAmount: string;
  usedAmount: Decimal;
  api: 'v1' | 'v2';
  /** v1 cards show no cardNo until the create order succeeds. */
  visible: boolean;
  /** The ledger account that paid for the card and receives its refunds (`accountId` of create). */
  funding: string;
}

export interface SandboxAccount {
  accountId: string;
  accountName: string;
  accountType: 'WALLET' | 'MARGIN';
}

export interface SandboxHolder {
  holderId: string;
  merchantOrderNo: string;
  cardTypeId: string;
  cardHolderModel: string;
  statusFlowLocation: 'admin' | 'channel';
  status: 'wait_audit' | 'under_review' | 'pass_audit' | 'reject';
  description: string | null;
  respMsg: string | null;
  personal: Record<string, unknown>;
  createTime: number;
  updateTime: number;
  emailOrders: Array<{ orderNo: string; merchantOrderNo: string; email: string; status: OrderStatus }>;
}

export interface AuthRecord {
  cardNo: string;
  tradeNo: string;
  originTradeNo: string | null;
  currency: string;
  amount: string;
  authorizedAmount: string;
  authorizedCurrency: string;
  fee: string;
  feeCurrency: string;
  crossBoardFee: string;
  crossBoardFeeCurrency: string | null;
  settleAmount: string | null;
  settleCurrency: string | null;
  settleDate: number | null;
  authorizationCode: string;
  merchantName: string;
  merchantData: Record<string, unknown>;
  type: string;
  typeStr: string;
  status: 'authorized' | 'revoked' | 'failed' | 'succeed';
  statusStr: string;
  description: string | null;
  transactionTime: number;
  refunded: Decimal;
}

export interface FeeRecord {
  cardNo: string;
  tradeNo: string;
  originTradeNo: string;
  currency: string;
  amount: string;
  type: 'card_patch_fee' | 'card_patch_cross_border';
  deductionSourceFunds: 'card' | 'wallet';
  status: 'success';
  transactionTime: number;
}

export interface ThreeDsRecord {
  cardNo: string;
  tradeNo: string;
  originTradeNo: string | null;
  currency: string | null;
  amount: string;
  merchantName: string | null;
  values: string;
  type: 'third_3ds_otp' | 'auth_url' | 'activation_code';
  description: string | null;
  transactionTime: number;
  expirationTime?: number;
}

export interface OrderScript {
  match: { merchantOrderNo?: string; type?: string; cardNo?: string };
  outcome: 'success' | 'fail';
  /** How many orders this rule applies to (default 1). */
  times?: number;
}

export interface HolderScript {
  email: string;
  /** `reject` at admin (fixable via v2/update), `reject-channel` at the bank, or `pass`. */
  outcome: 'pass' | 'reject' | 'reject-channel';
  times?: number;
}

export interface EngineDeps {
  ledger: Ledger;
  scheduler: Scheduler;
  switches: WasabiSandboxSwitches;
  timings: WasabiSandboxTimings;
  catalogue: SandboxCardType[];
  merchantPublicKey: KeyObject;
  autoAdvance: boolean;
  merchantBalance: string;
  seed: number;
  notify(category: string, payload: unknown, key: string): void;
}
