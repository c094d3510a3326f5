// The WasabiCard sandbox's business state: cardholders under review, cards, orders moving
// wait_process → processing → success | fail, simulated spend, 3DS records, the merchant wallet,
// all money on the common double-entry ledger. Transport (signatures, faults, HTTP) lives in
// server.ts; this file only knows requests as parsed JSON objects and answers as data.
import type { z } from 'zod';
import { randomUUID, type KeyObject } from 'node:crypto';
import { Decimal } from '../../../src/contract/money';
import { InsufficientFundsError, type Ledger } from '../common/ledger';
import { seededRandom } from '../common/random';
import type { Scheduler } from '../common/scheduler';
import type { SandboxCardType } from './catalogue';
import type { WasabiSandboxSwitches, WasabiSandboxTimings } from './options';
import { SANDBOX_PATHS } from './paths';
import { CITIES, MOBILE_AREA_CODES, OCCUPATIONS, REGIONS } from './reference-data';
import * as rules from './request-rules';
import * as seed from './seed-rules';
import { encryptForMerchant } from './sensitive';

/** A refusal in the provider's envelope: `{success:false, code, msg, data:null}`. */
export class SandboxError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg);
  }
}

type OrderStatus = 'wait_process' | 'processing' | 'success' | 'fail';
type OrderType =
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

interface SandboxAccount {
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

interface AuthRecord {
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

interface FeeRecord {
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

interface ThreeDsRecord {
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

const CARD_STATUS_LOWER: Record<string, string> = {
  Normal: 'normal',
  Freezing: 'freezing',
  Freeze: 'freeze',
  UnFreezing: 'unfreezing',
};
const FEES = 'wasabi:fees';
const EXTERNAL = 'external:USD';
const CARD_TYPE_PUBLIC_KEYS = (t: SandboxCardType) =>
  Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('sandbox')));

export class WasabiSandboxEngine {
  readonly accountId: string;
  private readonly accounts = new Map<string, SandboxAccount>();
  private readonly holders = new Map<string, SandboxHolder>();
  private readonly cards = new Map<string, SandboxCard>();
  private readonly orders: SandboxOrder[] = [];
  private readonly auths: AuthRecord[] = [];
  private readonly fees: FeeRecord[] = [];
  private readonly threeDs: ThreeDsRecord[] = [];
  private readonly files = new Map<string, { bytes: number; name: string }>();
  /** merchantOrderNo per namespace (card orders, holders, email changes). */
  private readonly usedOrderNos = new Set<string>();
  private orderScripts: Array<OrderScript & { left: number }> = [];
  private holderScripts: Array<HolderScript & { left: number }> = [];
  /** The cardholder's messages (activation codes) by cardNo: stands in for the physical card mailer. */
  readonly inbox = new Map<string, string[]>();
  private seq = 0;
  private readonly random: () => number;

  constructor(private readonly deps: EngineDeps) {
    this.random = seededRandom(deps.seed);
    this.accountId = this.longId();
    this.accounts.set(this.accountId, {
      accountId: this.accountId,
      accountName: 'Sandbox wallet',
      accountType: 'WALLET',
    });
    deps.ledger.ensureAccount(this.wallet, 'USD');
    deps.ledger.ensureAccount(FEES, 'USD');
    deps.ledger.fund(this.wallet, deps.merchantBalance, { kind: 'chain_deposit', ref: 'opening-balance' });
  }

  get wallet(): string {
    return `wallet:${this.accountId}`;
  }

  private account(accountId: string): SandboxAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new SandboxError(404, 'Account not found');
    return account;
  }

  // --- ids -------------------------------------------------------------------------------------

  private longId(): string {
    // 19 digits, beyond 2^53: exercises lossless parsing on the client.
    this.seq += 1;
    return `19${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}${String(this.seq).padStart(9, '0')}`;
  }
  private digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.random() * 10);
    return s;
  }
  private pan(bin: string): string {
    const body = bin + this.digits(15 - bin.length);
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return body + String((10 - (sum % 10)) % 10);
  }
  private now(): number {
    return Date.now();
  }

  // --- request handlers by path ----------------------------------------------------------------

  readonly handlers: Record<string, (params: Record<string, unknown>) => unknown> = {
    [SANDBOX_PATHS.cardTypesV2]: () =>
      this.deps.catalogue.map((t) => ({
        ...CARD_TYPE_PUBLIC_KEYS(t),
        cardTypeId: t.cardTypeId,
      })),
    [SANDBOX_PATHS.cardTypesV1]: () =>
      this.deps.catalogue.map((t) => ({
        cardTypeId: t.cardTypeId,
        organization: t.organization,
        country: t.country,
        bankCardBin: t.bankCardBin,
        type: t.type,
        cardName: t.cardName,
        cardPrice: t.cardPrice,
        cardPriceCurrency: t.cardPriceCurrency,
        needCardHolder: t.needCardHolder,
        status: t.status,
        extFieldVO: {
          rechargeCurrencyInfos: [
            {
              currency: t.rechargeCurrency,
              rechargeMinQuota: t.rechargeMinQuota,
              rechargeMaxQuota: t.rechargeMaxQuota,
              rechargeFeeRate: t.rechargeFeeRate,
              rechargeFixedFee: t.rechargeFixedFee,
              rechargeDigital: t.rechargeDigital,
            },
          ],
        },
      })),
    [SANDBOX_PATHS.openCard]: (p) => [this.wireOrder(this.openCard(p, 'v1'))],
    [SANDBOX_PATHS.createCardV2]: (p) => this.wireOrder(this.openCard(p, 'v2')),
    [SANDBOX_PATHS.cardInfo]: (p) => {
      const { cardNo, onlySimpleInfo } = this.check(seed.cardInfo, p);
      return this.wireCard(this.card(cardNo), onlySimpleInfo ?? true);
    },
    [SANDBOX_PATHS.sensitive]: (p) => {
      const card = this.card(this.check(rules.sensitive, p).cardNo);
      const enc = (v: string) => {
        const b64 = encryptForMerchant(v, this.deps.merchantPublicKey);
        return this.deps.switches.sensitiveEncoding === 'url-encoded' ? encodeURIComponent(b64) : b64;
      };
      return {
        cardNumber: enc(card.pan),
        cvv: enc(card.cvv),
        expireDate: enc(card.expireDate),
        activateUrl:
          card.cardType.category === 'GIFT' ? enc(`https://gift.sandbox.test/${card.cardNo}`) : null,
      };
    },
    [SANDBOX_PATHS.balance]: (p) => this.balanceInfo(this.card(this.check(seed.cardNoOnly, p).cardNo)),
    [SANDBOX_PATHS.cardList]: (p) => {
      const q = this.check(rules.cardList, p);
      const rows = [...this.cards.values()].filter(
        (c) =>
          c.visible &&
          (q.cardNo === undefined || c.cardNo === q.cardNo) &&
          (q.status === undefined || c.status.toLowerCase() === q.status.toLowerCase()) &&
          (q.cardTypeId === undefined || c.cardType.cardTypeId === q.cardTypeId) &&
          (q.holderId === undefined || c.holderId === q.holderId) &&
          (q.startTime === undefined || c.bindTime >= q.startTime) &&
          (q.endTime === undefined || c.bindTime <= q.endTime),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (c) => this.wireCard(c, false));
    },
    [SANDBOX_PATHS.freezeV1]: (p) => this.freezeV1(this.check(seed.cardNoOnly, p).cardNo, true),
    [SANDBOX_PATHS.unfreezeV1]: (p) => this.freezeV1(this.check(seed.cardNoOnly, p).cardNo, false),
    [SANDBOX_PATHS.freezeV2]: (p) => this.wireOrder(this.freezeV2(this.check(seed.freezeV2, p), true)),
    [SANDBOX_PATHS.unfreezeV2]: (p) => this.wireOrder(this.freezeV2(this.check(seed.freezeV2, p), false)),
    [SANDBOX_PATHS.deposit]: (p) => this.wireOrder(this.deposit(this.check(seed.deposit, p))),
    [SANDBOX_PATHS.withdraw]: (p) => this.wireOrder(this.withdraw(this.check(rules.withdraw, p))),
    [SANDBOX_PATHS.cancel]: (p) => this.wireOrder(this.cancel(this.check(rules.cancel, p))),
    [SANDBOX_PATHS.activeCard]: (p) => {
      const order = this.activeCard(this.check(rules.activeCard, p));
      return {
        merchantOrderNo: order.merchantOrderNo,
        cardNo: order.cardNo,
        orderNo: order.orderNo,
        type: order.type,
        status: order.status,
        remark: order.remark,
      };
    },
    [SANDBOX_PATHS.updatePin]: (p) => this.wireOrder(this.updatePin(this.check(rules.updatePin, p))),
    [SANDBOX_PATHS.transactionV1]: (p) => this.orderLog(this.check(seed.cardTransaction, p), 'v1'),
    [SANDBOX_PATHS.transactionV2]: (p) => this.orderLog(this.check(rules.transactionV2, p), 'v2'),
    [SANDBOX_PATHS.authTransaction]: (p) => {
      const q = this.check(seed.authTransaction, p);
      const rows = this.auths.filter(
        (a) =>
          (q.type === undefined || a.type.toLowerCase() === q.type.toLowerCase()) &&
          (q.tradeNo === undefined || a.tradeNo === q.tradeNo) &&
          (q.cardNo === undefined || a.cardNo === q.cardNo) &&
          inWindow(a.transactionTime, q),
      );
      return this.paged(rows, q.pageNum, q.pageSize, wireAuth);
    },
    [SANDBOX_PATHS.authFeeTransaction]: (p) => {
      const q = this.check(rules.authFeeTransaction, p);
      const rows = this.fees.filter(
        (f) =>
          (q.tradeType === undefined || f.type === q.tradeType) &&
          (q.tradeNo === undefined || f.tradeNo === q.tradeNo) &&
          (q.originTradeNo === undefined || f.originTradeNo === q.originTradeNo) &&
          (q.cardNo === undefined || f.cardNo === q.cardNo) &&
          inWindow(f.transactionTime, q),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (f) => ({ ...f }));
    },
    [SANDBOX_PATHS.third3dsTransaction]: (p) => {
      const q = this.check(seed.threeDsTransaction, p);
      const rows = this.threeDs.filter(
        (r) =>
          (q.type === undefined || r.type.toLowerCase() === q.type.toLowerCase()) &&
          (q.tradeNo === undefined || r.tradeNo === q.tradeNo) &&
          (q.cardNo === undefined || r.cardNo === q.cardNo) &&
          inWindow(r.transactionTime, q),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (r) => ({ ...r }));
    },
    [SANDBOX_PATHS.simulateAuth]: (p) => {
      this.simulateAuth(this.check(rules.simulateAuth, p));
      return {};
    },
    [SANDBOX_PATHS.holderOccupations]: () => OCCUPATIONS,
    [SANDBOX_PATHS.holderCreateV2]: (p) =>
      this.wireHolderResult(this.createHolder(this.check(rules.holderCreate, p))),
    [SANDBOX_PATHS.holderUpdateV2]: (p) =>
      this.wireHolderResult(this.updateHolder(this.check(rules.holderUpdate, p))),
    [SANDBOX_PATHS.holderQuery]: (p) => {
      const q = this.check(rules.holderQuery, p);
      const rows = [...this.holders.values()].filter(
        (h) =>
          (q.holderId === undefined || h.holderId === q.holderId) &&
          (q.email === undefined || h.personal.email === q.email) &&
          (q.mobile === undefined ||
            (h.personal.mobile === q.mobile && h.personal.areaCode === q.areaCode)) &&
          (q.merchantOrderNo === undefined || h.merchantOrderNo === q.merchantOrderNo),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (h) => this.wireHolderRecord(h));
    },
    [SANDBOX_PATHS.holderUpdateEmail]: (p) => this.updateEmail(this.check(rules.holderUpdateEmail, p)),
    [SANDBOX_PATHS.accountInfo]: () => [...this.accounts.values()].map((a) => this.wireAccount(a)),
    [SANDBOX_PATHS.accountList]: (p) => {
      const q = this.check(rules.accountList, p);
      const rows = [...this.accounts.values()].filter(
        (a) =>
          (q.accountId === undefined || q.accountId === a.accountId) &&
          (q.type === undefined || q.type === a.accountType),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (a) => this.wireAccount(a));
    },
    [SANDBOX_PATHS.accountQuery]: (p) =>
      this.wireAccount(this.account(this.check(rules.accountQuery, p).accountId)),
    [SANDBOX_PATHS.accountCreate]: (p) => {
      const q = this.check(rules.accountCreate, p);
      const account: SandboxAccount = {
        accountId: this.longId(),
        accountName: q.accountName,
        accountType: 'MARGIN',
      };
      this.accounts.set(account.accountId, account);
      this.deps.ledger.ensureAccount(`wallet:${account.accountId}`, 'USD');
      return this.wireAccount(account);
    },
    [SANDBOX_PATHS.accountTransfer]: (p) => {
      const q = this.check(rules.accountTransfer, p);
      this.account(q.payerAccountId);
      this.account(q.payeeAccountId);
      if (q.payerAccountId === q.payeeAccountId) throw new SandboxError(400, 'Payer and payee must differ');
      if (new Decimal(q.amount).decimalPlaces() > 2)
        throw new SandboxError(400, 'Parameter error: amount at most 2 decimal places');
      const from = `wallet:${q.payerAccountId}`;
      if (new Decimal(this.deps.ledger.balance(from)).lt(q.amount))
        throw new SandboxError(400, 'Insufficient account balance');
      this.claimOrderNo('transfer', q.merchantOrderNo);
      const kind = q.type === 'TRANSFER' ? 'fund_transfer' : 'fund_collection';
      this.move(from, `wallet:${q.payeeAccountId}`, new Decimal(q.amount), kind, q.merchantOrderNo);
      return true;
    },
    [SANDBOX_PATHS.purchaseTransaction]: (p) => {
      const q = this.check(rules.purchaseTransaction, p);
      const rows = this.orders.filter(
        (o) =>
          o.type === 'create' &&
          (q.merchantOrderNo === undefined || o.merchantOrderNo === q.merchantOrderNo) &&
          (q.orderNo === undefined || o.orderNo === q.orderNo) &&
          inWindow(o.transactionTime, q),
      );
      return this.paged(rows, q.pageNum, q.pageSize, (o) => {
        const type = o.internal.card.cardType;
        const v2 = o.internal.api === 'v2';
        return {
          orderNo: o.orderNo,
          merchantOrderNo: o.merchantOrderNo,
          cardTypeId: type.cardTypeId,
          cardType: type.type,
          organization: type.organization,
          bankCardBin: type.bankCardBin,
          currency: o.currency,
          cardFee: type.cardPrice,
          depositAmount: v2 ? o.amount : (o.internal.next?.amount ?? '0'),
          status: o.status,
          transactionTime: o.transactionTime,
        };
      });
    },
    [SANDBOX_PATHS.accountTransaction]: (p) => this.accountLedger(this.check(rules.accountTransaction, p)),
    [SANDBOX_PATHS.regions]: () => REGIONS,
    [SANDBOX_PATHS.cities]: (p) => {
      const q = this.check(rules.city, p);
      return CITIES.filter((c) => q.regionCode === undefined || c.country === q.regionCode);
    },
    [SANDBOX_PATHS.mobileAreaCodes]: () => MOBILE_AREA_CODES,
  };

  /** The provider validates too: 400 naming the first field and rule. */
  private check<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
    const result = schema.safeParse(params);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    throw new SandboxError(400, `Parameter error: ${field} ${issue?.message ?? 'invalid'}`);
  }

  private claimOrderNo(namespace: string, merchantOrderNo: string): void {
    const key = `${namespace}|${merchantOrderNo}`;
    if (this.usedOrderNos.has(key))
      throw new SandboxError(this.deps.switches.duplicateOrderCode, this.deps.switches.duplicateOrderMsg);
    this.usedOrderNos.add(key);
  }

  private card(cardNo: string): SandboxCard {
    const card = this.cards.get(cardNo);
    if (!card || !card.visible) throw new SandboxError(404, 'Card not found');
    return card;
  }

  private cardType(id: string): SandboxCardType {
    const type = this.deps.catalogue.find((t) => t.cardTypeId === id);
    if (!type) throw new SandboxError(404, 'Card type not found');
    return type;
  }

  private balanceOf(card: SandboxCard): Decimal {
    return new Decimal(this.deps.ledger.balance(`card:${card.cardNo}`));
  }

  private rechargeFee(type: SandboxCardType, amount: Decimal): Decimal {
    return amount
      .times(type.rechargeFeeRate)
      .dividedBy(100)
      .plus(type.rechargeFixedFee)
      .toDecimalPlaces(type.rechargeDigital, Decimal.ROUND_UP);
  }

  private checkPrecision(type: SandboxCardType, amount: Decimal): void {
    if (amount.decimalPlaces() > type.rechargeDigital)
      throw new SandboxError(400, `Parameter error: amount at most ${type.rechargeDigital} decimal places`);
  }

  /** Moves money or answers the provider's "insufficient balance" refusal. */
  private move(from: string, to: string, amount: Decimal, kind: string, ref: string): void {
    if (amount.isZero()) return;
    try {
      this.deps.ledger.transfer(from, to, amount.toFixed(), { kind, ref });
    } catch (error) {
      if (error instanceof InsufficientFundsError)
        throw new SandboxError(
          400,
          from.startsWith('wallet:') ? 'Insufficient account balance' : 'Insufficient card balance',
        );
      throw error;
    }
  }

  private newOrder(
    card: SandboxCard,
    fields: {
      merchantOrderNo: string;
      type: OrderType;
      amount: Decimal;
      fee: Decimal;
      remark?: string | null;
    },
    api: 'v1' | 'v2',
  ): SandboxOrder {
    const order: SandboxOrder = {
      orderNo: this.longId(),
      merchantOrderNo: fields.merchantOrderNo,
      cardNo: card.visible ? card.cardNo : null,
      currency: card.cardType.fiatCurrency,
      amount: fields.amount.toFixed(),
      fee: fields.fee.toFixed(),
      receivedAmount: '0',
      receivedCurrency: card.cardType.fiatCurrency,
      type: fields.type,
      status: 'wait_process',
      description: null,
      remark: fields.remark ?? null,
      transactionTime: this.now(),
      internal: { api, card, holdPolls: 0, polls: 0, ready: false },
    };
    this.orders.push(order);
    return order;
  }

  // --- opening ---------------------------------------------------------------------------------

  private openCard(params: Record<string, unknown>, api: 'v1' | 'v2'): SandboxOrder {
    const q = api === 'v2' ? this.check(rules.createCardV2, params) : this.check(seed.openCard, params);
    const type = this.cardType(q.cardTypeId);
    if (type.status !== 'online' || !type.enableActiveCard)
      throw new SandboxError(400, 'Card type is not available');
    if (type.needCardHolder) {
      if (!q.holderId) throw new SandboxError(400, 'Parameter error: holderId required for this card type');
      const holder = this.holders.get(q.holderId);
      if (!holder) throw new SandboxError(404, 'Cardholder not found');
      if (holder.status !== 'pass_audit') throw new SandboxError(400, 'Cardholder has not passed review');
      if (holder.cardTypeId !== type.cardTypeId)
        throw new SandboxError(400, 'Cardholder was registered for another card type');
    }
    const amount = new Decimal(q.amount ?? type.depositAmountMinQuotaForActiveCard);
    if (
      amount.lt(type.depositAmountMinQuotaForActiveCard) ||
      amount.gt(type.depositAmountMaxQuotaForActiveCard)
    )
      throw new SandboxError(
        400,
        `Parameter error: amount must be between ${type.depositAmountMinQuotaForActiveCard} and ${type.depositAmountMaxQuotaForActiveCard}`,
      );
    this.checkPrecision(type, amount);
    const count = [...this.cards.values()].filter((c) => c.cardType === type && c.status !== 'fail').length;
    if (count >= type.maxCount) throw new SandboxError(400, 'Card limit reached for this card type');
    const price = new Decimal(type.cardPrice);
    const depositFee = this.rechargeFee(type, amount);
    const funding = q.accountId ? `wallet:${this.account(q.accountId).accountId}` : this.wallet;
    if (new Decimal(this.deps.ledger.balance(funding)).lt(price.plus(amount).plus(depositFee)))
      throw new SandboxError(400, 'Insufficient account balance');
    this.claimOrderNo('card', q.merchantOrderNo);

    const expiry = new Date(this.now());
    const card: SandboxCard = {
      cardNo: `WC${this.digits(4)}${String(this.seq + 1).padStart(8, '0')}${this.digits(6)}`,
      cardType: type,
      holderId: q.holderId ?? null,
      status: 'pending',
      blocked: false,
      bindTime: this.now(),
      remark: null,
      pan: this.pan(type.bankCardBin),
      cvv: this.digits(3),
      expireDate: `${String(expiry.getUTCMonth() + 1).padStart(2, '0')}/${expiry.getUTCFullYear() + 3}`,
      activationCode: null,
      pin: null,
      noPinPaymentAmount: '500',
      usedAmount: new Decimal(0),
      api,
      visible: api === 'v2',
      funding,
    };
    this.cards.set(card.cardNo, card);
    this.deps.ledger.ensureAccount(`card:${card.cardNo}`, type.fiatCurrency);

    if (api === 'v2') {
      // v2 merges the create and the first deposit into one order (change log).
      const order = this.newOrder(
        card,
        { merchantOrderNo: q.merchantOrderNo, type: 'create', amount, fee: price.plus(depositFee) },
        'v2',
      );
      this.holdFromWallet(order, price, 'card_purchase');
      this.holdFromWallet(order, amount.plus(depositFee), 'card_deposit');
      this.schedule(order);
      return order;
    }
    // v1: a create order carrying the card fee, then a deposit order for the initial load.
    const create = this.newOrder(
      card,
      { merchantOrderNo: q.merchantOrderNo, type: 'create', amount: price, fee: new Decimal(0) },
      'v1',
    );
    const deposit = this.newOrder(
      card,
      {
        merchantOrderNo: q.merchantOrderNo,
        type: 'deposit',
        amount,
        fee: depositFee,
        remark: 'Card Deposit',
      },
      'v1',
    );
    create.internal.next = deposit;
    this.holdFromWallet(create, price, 'card_purchase');
    this.holdFromWallet(deposit, amount.plus(depositFee), 'card_deposit');
    this.schedule(create);
    return create;
  }

  private holdFromWallet(order: SandboxOrder, amount: Decimal, kind: string): void {
    this.deps.ledger.ensureAccount(`hold:${order.orderNo}`, order.currency);
    this.move(order.internal.card.funding, `hold:${order.orderNo}`, amount, kind, order.orderNo);
  }

  private releaseHold(order: SandboxOrder, to: string, kind: string): void {
    const hold = `hold:${order.orderNo}`;
    if (!this.deps.ledger.has(hold)) return;
    this.move(hold, to, new Decimal(this.deps.ledger.balance(hold)), kind, order.orderNo);
  }

  // --- card orders -----------------------------------------------------------------------------

  private activeCardOf(cardNo: string, allowed: string[], what: string): SandboxCard {
    const card = this.card(cardNo);
    if (!allowed.includes(card.status)) throw new SandboxError(400, `Card status does not allow ${what}`);
    if (this.pendingOrderOn(card)) throw new SandboxError(400, 'Card has an order in progress');
    return card;
  }

  private pendingOrderOn(card: SandboxCard): boolean {
    return this.orders.some(
      (o) =>
        o.internal.card === card &&
        (o.status === 'wait_process' || o.status === 'processing') &&
        ['Freeze', 'UnFreeze', 'cancel', 'create'].includes(o.type),
    );
  }

  private deposit(q: { cardNo: string; merchantOrderNo: string; amount: string }): SandboxOrder {
    const card = this.activeCardOf(q.cardNo, ['Normal'], 'deposit');
    const type = card.cardType;
    if (!type.enableDeposit) throw new SandboxError(400, 'Deposit is not enabled for this card type');
    const amount = new Decimal(q.amount);
    if (amount.lt(type.rechargeMinQuota) || amount.gt(type.rechargeMaxQuota))
      throw new SandboxError(
        400,
        `Parameter error: amount must be between ${type.rechargeMinQuota} and ${type.rechargeMaxQuota}`,
      );
    this.checkPrecision(type, amount);
    const fee = this.rechargeFee(type, amount);
    if (new Decimal(this.deps.ledger.balance(card.funding)).lt(amount.plus(fee)))
      throw new SandboxError(400, 'Insufficient account balance');
    this.claimOrderNo('card', q.merchantOrderNo);
    const order = this.newOrder(
      card,
      { merchantOrderNo: q.merchantOrderNo, type: 'deposit', amount, fee, remark: 'Card Deposit' },
      'v2',
    );
    this.holdFromWallet(order, amount.plus(fee), 'card_deposit');
    this.schedule(order);
    return order;
  }

  private withdraw(q: {
    cardNo: string;
    merchantOrderNo: string;
    amount: string;
    clientRemark?: string;
  }): SandboxOrder {
    const card = this.activeCardOf(q.cardNo, ['Normal'], 'withdraw');
    const amount = new Decimal(q.amount);
    this.checkPrecision(card.cardType, amount);
    const fee = new Decimal(card.cardType.sandboxWithdrawFee);
    if (amount.lte(fee))
      throw new SandboxError(400, `Parameter error: amount must exceed the fee ${fee.toFixed()}`);
    if (this.balanceOf(card).minus(amount).lt(card.cardType.balanceRetentionQuota))
      throw new SandboxError(400, 'Insufficient card balance');
    this.claimOrderNo('card', q.merchantOrderNo);
    const order = this.newOrder(
      card,
      { merchantOrderNo: q.merchantOrderNo, type: 'withdraw', amount, fee, remark: q.clientRemark ?? null },
      'v2',
    );
    this.deps.ledger.ensureAccount(`hold:${order.orderNo}`, order.currency);
    this.move(`card:${card.cardNo}`, `hold:${order.orderNo}`, amount, 'card_withdraw_hold', order.orderNo);
    this.schedule(order);
    return order;
  }

  private cancel(q: { cardNo: string; merchantOrderNo: string; clientRemark?: string }): SandboxOrder {
    const card = this.activeCardOf(q.cardNo, ['Normal', 'Freeze', 'un_activated'], 'cancel');
    this.claimOrderNo('card', q.merchantOrderNo);
    const balance = this.balanceOf(card);
    const order = this.newOrder(
      card,
      {
        merchantOrderNo: q.merchantOrderNo,
        type: 'cancel',
        amount: balance,
        fee: Decimal.min(balance, card.cardType.sandboxCancelFee),
        remark: q.clientRemark ?? null,
      },
      'v2',
    );
    order.internal.previousStatus = card.status;
    card.status = 'canceling';
    this.deps.ledger.ensureAccount(`hold:${order.orderNo}`, order.currency);
    this.move(`card:${card.cardNo}`, `hold:${order.orderNo}`, balance, 'card_cancel_hold', order.orderNo);
    this.schedule(order);
    return order;
  }

  private freezeV2(
    q: { cardNo: string; merchantOrderNo: string; clientRemark?: string },
    freeze: boolean,
  ): SandboxOrder {
    const card = this.activeCardOf(q.cardNo, [freeze ? 'Normal' : 'Freeze'], freeze ? 'freeze' : 'unfreeze');
    if (freeze ? !card.cardType.enableFreeze : !card.cardType.enableUnFreeze)
      throw new SandboxError(400, 'Operation not enabled for this card type');
    this.claimOrderNo('card', q.merchantOrderNo);
    const order = this.newOrder(
      card,
      {
        merchantOrderNo: q.merchantOrderNo,
        type: freeze ? 'Freeze' : 'UnFreeze',
        amount: new Decimal(0),
        fee: new Decimal(0),
        remark: q.clientRemark ?? (freeze ? 'Freeze' : 'UnFreeze'),
      },
      'v2',
    );
    order.internal.previousStatus = card.status;
    card.status = freeze ? 'Freezing' : 'UnFreezing';
    this.schedule(order);
    return order;
  }

  /** v1 freeze/unfreeze: immediate, `{status, statusStr}` (seed example). */
  private freezeV1(cardNo: string, freeze: boolean): unknown {
    const card = this.activeCardOf(cardNo, [freeze ? 'Normal' : 'Freeze'], freeze ? 'freeze' : 'unfreeze');
    card.status = freeze ? 'Freeze' : 'Normal';
    return { status: 'success', statusStr: '成功' };
  }

  private activeCard(q: {
    merchantOrderNo: string;
    cardNo: string;
    pin: string;
    activeCode: string;
    noPinPaymentAmount?: string;
  }): SandboxOrder {
    const card = this.card(q.cardNo);
    if (card.cardType.type !== 'Physical' || card.status !== 'un_activated')
      throw new SandboxError(400, 'Card is not awaiting activation');
    if (card.activationCode !== q.activeCode) throw new SandboxError(400, 'Activation code is incorrect');
    this.claimOrderNo('card', q.merchantOrderNo);
    const order = this.newOrder(
      card,
      {
        merchantOrderNo: q.merchantOrderNo,
        type: 'card_activated',
        amount: new Decimal(0),
        fee: new Decimal(0),
      },
      'v2',
    );
    order.internal.pin = q.pin;
    if (q.noPinPaymentAmount) card.noPinPaymentAmount = q.noPinPaymentAmount;
    this.schedule(order);
    return order;
  }

  private updatePin(q: { cardNo: string; merchantOrderNo: string; pin: string }): SandboxOrder {
    const card = this.card(q.cardNo);
    if (card.cardType.type !== 'Physical') throw new SandboxError(400, 'Only physical cards have a PIN');
    if (card.status !== 'Normal') throw new SandboxError(400, 'Card status does not allow a PIN change');
    this.claimOrderNo('card', q.merchantOrderNo);
    const order = this.newOrder(
      card,
      { merchantOrderNo: q.merchantOrderNo, type: 'update_pin', amount: new Decimal(0), fee: new Decimal(0) },
      'v2',
    );
    order.internal.pin = q.pin;
    this.schedule(order);
    return order;
  }

  // --- moving orders forward -------------------------------------------------------------------

  private schedule(order: SandboxOrder): void {
    if (!this.deps.autoAdvance) return;
    const { orderProcessingMs, orderCompleteMs } = this.deps.timings;
    this.deps.scheduler.after(orderProcessingMs, () => {
      if (order.status === 'wait_process') order.status = 'processing';
      this.deps.scheduler.after(orderCompleteMs, () => this.tryComplete(order));
    });
  }

  private tryComplete(order: SandboxOrder): void {
    if (order.status === 'success' || order.status === 'fail') return;
    if (order.internal.polls < order.internal.holdPolls) {
      order.internal.ready = true;
      return;
    }
    this.complete(order);
  }

  private decideOutcome(order: SandboxOrder): 'success' | 'fail' {
    if (order.internal.outcome) return order.internal.outcome;
    const rule = this.orderScripts.find(
      (r) =>
        r.left > 0 &&
        (r.match.merchantOrderNo === undefined || r.match.merchantOrderNo === order.merchantOrderNo) &&
        (r.match.type === undefined || r.match.type.toLowerCase() === order.type.toLowerCase()) &&
        (r.match.cardNo === undefined || r.match.cardNo === order.internal.card.cardNo),
    );
    if (rule) rule.left -= 1;
    order.internal.outcome = rule?.outcome ?? 'success';
    return order.internal.outcome;
  }

  /** Finishes an order now with its scripted (default: success) outcome. */
  complete(order: SandboxOrder): void {
    if (order.status === 'success' || order.status === 'fail') return;
    const outcome = this.decideOutcome(order);
    const card = order.internal.card;
    const amount = new Decimal(order.amount);
    const fee = new Decimal(order.fee);
    const cardAccount = `card:${card.cardNo}`;
    const hold = `hold:${order.orderNo}`;
    order.status = outcome;
    order.transactionTime = this.now();
    if (outcome === 'fail') order.remark = order.remark ?? 'Sandbox: order failed';
    switch (order.type) {
      case 'create': {
        if (outcome === 'success') {
          // v2: amount is the first deposit, fee = card price + deposit fee. v1: amount is the card price.
          if (order.internal.api === 'v2')
            this.move(hold, cardAccount, amount, 'card_deposit_settle', order.orderNo);
          this.releaseHold(order, FEES, 'card_fee');
          card.status = card.cardType.type === 'Physical' ? 'un_activated' : 'Normal';
          card.visible = true;
          order.cardNo = card.cardNo;
          order.receivedAmount = order.internal.api === 'v2' ? amount.toFixed() : '0';
          if (card.cardType.type === 'Physical') this.issueActivationCode(card);
        } else {
          this.releaseHold(order, card.funding, 'card_purchase');
          card.status = 'fail';
          if (order.internal.api === 'v2') order.cardNo = card.cardNo;
        }
        break;
      }
      case 'deposit': {
        if (outcome === 'success') {
          this.move(hold, cardAccount, amount, 'card_deposit_settle', order.orderNo);
          this.releaseHold(order, FEES, 'card_fee');
          order.receivedAmount = amount.toFixed();
        } else this.releaseHold(order, card.funding, 'card_deposit');
        break;
      }
      case 'withdraw': {
        if (outcome === 'success') {
          this.move(hold, card.funding, amount.minus(fee), 'card_withdraw', order.orderNo);
          this.releaseHold(order, FEES, 'card_fee');
          order.receivedAmount = amount.minus(fee).toFixed();
        } else this.releaseHold(order, cardAccount, 'card_withdraw_hold_release');
        break;
      }
      case 'cancel': {
        if (outcome === 'success') {
          this.move(hold, card.funding, amount.minus(fee), 'card_cancel', order.orderNo);
          this.releaseHold(order, FEES, 'card_fee');
          order.receivedAmount = amount.minus(fee).toFixed();
          order.subType = 'REFUND';
          card.status = 'cancel';
        } else {
          this.releaseHold(order, cardAccount, 'card_cancel_hold_release');
          card.status = order.internal.previousStatus ?? 'Normal';
        }
        break;
      }
      case 'Freeze':
        card.status = outcome === 'success' ? 'Freeze' : (order.internal.previousStatus ?? 'Normal');
        break;
      case 'UnFreeze':
        card.status = outcome === 'success' ? 'Normal' : (order.internal.previousStatus ?? 'Freeze');
        break;
      case 'card_activated':
      case 'update_pin':
        if (outcome === 'success') {
          card.pin = order.internal.pin ?? card.pin;
          if (order.type === 'card_activated') card.status = 'Normal';
        }
        break;
    }
    delete order.internal.pin;
    if (order.type === 'card_activated') {
      this.deps.notify(
        'physical_card',
        {
          cardNo: card.cardNo,
          merchantOrderNo: order.merchantOrderNo,
          orderNo: order.orderNo,
          type: order.type,
          status: order.status,
          remark: order.remark,
        },
        card.cardNo,
      );
    } else {
      this.deps.notify('card_transaction', this.wireOrder(order), order.orderNo);
    }
    // v1 openCard: the initial deposit follows the create order.
    const next = order.internal.next;
    if (next) {
      if (outcome === 'success') {
        next.cardNo = card.cardNo;
        this.schedule(next);
      } else {
        next.internal.outcome = 'fail';
        this.complete(next);
      }
    }
  }

  private issueActivationCode(card: SandboxCard): void {
    card.activationCode = this.digits(8);
    this.inbox.set(card.cardNo, [...(this.inbox.get(card.cardNo) ?? []), card.activationCode]);
    this.push3ds(card, 'activation_code', card.activationCode, {
      amount: '0',
      currency: null,
      merchantName: null,
    });
  }

  // --- spend -----------------------------------------------------------------------------------

  private simulateAuth(q: {
    cardNo: string;
    type: 'auth' | 'refund' | 'Void' | 'maintain_fee';
    amount: string;
    currency: string;
    originSerialNumber?: string;
    description?: string;
  }): void {
    const card = this.card(q.cardNo);
    const amount = new Decimal(q.amount);
    const cardAccount = `card:${card.cardNo}`;
    const base = (type: string, typeStr: string): AuthRecord => ({
      cardNo: card.cardNo,
      tradeNo: this.longId(),
      originTradeNo: q.originSerialNumber ?? null,
      currency: q.currency,
      amount: amount.toFixed(),
      authorizedAmount: amount.toFixed(),
      authorizedCurrency: card.cardType.fiatCurrency,
      fee: '0',
      feeCurrency: card.cardType.fiatCurrency,
      crossBoardFee: '0',
      crossBoardFeeCurrency: null,
      settleAmount: null,
      settleCurrency: null,
      settleDate: null,
      authorizationCode: this.digits(6),
      merchantName: 'SANDBOX MERCHANT',
      merchantData: {
        name: 'SANDBOX MERCHANT',
        categoryCode: '5734',
        category: 'Computer Software Stores',
        country: 'USA',
      },
      type,
      typeStr,
      status: 'succeed',
      statusStr: 'Succeed',
      description: q.description ?? null,
      transactionTime: this.now(),
      refunded: new Decimal(0),
    });
    const record = (r: AuthRecord) => {
      this.auths.push(r);
      this.deps.notify('card_auth_transaction', wireAuth(r), r.tradeNo);
    };
    if (q.type === 'auth') {
      const r = base('auth', 'Auth');
      const authFee = new Decimal(card.cardType.sandboxAuthFee);
      if (card.status !== 'Normal' || this.balanceOf(card).lt(amount)) {
        r.status = 'failed';
        r.statusStr = 'Failed';
        r.description = card.status !== 'Normal' ? 'Card not active' : 'Insufficient balance';
        return record(r);
      }
      this.move(cardAccount, EXTERNAL, amount, 'card_spend', r.tradeNo);
      card.usedAmount = card.usedAmount.plus(amount);
      r.status = 'authorized';
      r.statusStr = 'Authorized';
      r.fee = authFee.toFixed();
      record(r);
      if (authFee.gt(0)) this.chargeAuthFee(card, r, authFee);
      if (this.deps.autoAdvance)
        this.deps.scheduler.after(this.deps.timings.authSettleMs, () => this.settle(r));
      return;
    }
    if (q.type === 'maintain_fee') {
      const r = base('maintain_fee', 'Maintain fee');
      if (this.balanceOf(card).lt(amount)) {
        r.status = 'failed';
        r.statusStr = 'Failed';
        return record(r);
      }
      this.move(cardAccount, FEES, amount, 'card_maintain_fee', r.tradeNo);
      return record(r);
    }
    const origin = this.auths.find((a) => a.tradeNo === q.originSerialNumber && a.type === 'auth');
    if (!origin || origin.cardNo !== card.cardNo)
      throw new SandboxError(404, 'Original transaction not found');
    if (q.type === 'Void') {
      if (origin.status !== 'authorized')
        throw new SandboxError(400, 'Only an authorized transaction can be voided');
      if (!amount.eq(origin.amount)) throw new SandboxError(400, 'Void amount must equal the authorization');
      this.move(EXTERNAL, cardAccount, amount, 'card_void', origin.tradeNo);
      card.usedAmount = card.usedAmount.minus(amount);
      origin.status = 'revoked';
      origin.statusStr = 'Revoked';
      this.deps.notify('card_auth_transaction', wireAuth(origin), origin.tradeNo);
      return record(base('Void', 'Void'));
    }
    // refund: after settlement, at most what is left of the original
    if (origin.status !== 'succeed')
      throw new SandboxError(400, 'Only a settled transaction can be refunded');
    if (origin.refunded.plus(amount).gt(origin.amount))
      throw new SandboxError(400, 'Refund exceeds the original amount');
    origin.refunded = origin.refunded.plus(amount);
    this.move(EXTERNAL, cardAccount, amount, 'card_refund', origin.tradeNo);
    card.usedAmount = card.usedAmount.minus(amount);
    record(base('refund', 'Refund'));
  }

  private chargeAuthFee(card: SandboxCard, auth: AuthRecord, fee: Decimal): void {
    // Charged to the card; the merchant's wallet pays when the card cannot (spec §1.3).
    const fromCard = this.balanceOf(card).gte(fee);
    const source = fromCard ? `card:${card.cardNo}` : card.funding;
    const f: FeeRecord = {
      cardNo: card.cardNo,
      tradeNo: this.longId(),
      originTradeNo: auth.tradeNo,
      currency: card.cardType.fiatCurrency,
      amount: fee.toFixed(),
      type: 'card_patch_fee',
      deductionSourceFunds: fromCard ? 'card' : 'wallet',
      status: 'success',
      transactionTime: this.now(),
    };
    this.move(source, FEES, fee, fromCard ? 'card_auth_fee' : 'card_auth_fee_patch', f.tradeNo);
    this.fees.push(f);
    this.deps.notify('card_fee_patch', { ...f }, f.tradeNo);
  }

  private settle(auth: AuthRecord): void {
    if (auth.status !== 'authorized') return;
    auth.status = 'succeed';
    auth.statusStr = 'Succeed';
    auth.settleAmount = auth.amount;
    auth.settleCurrency = auth.authorizedCurrency;
    auth.settleDate = this.now();
    this.deps.notify('card_auth_transaction', wireAuth(auth), auth.tradeNo);
  }

  // --- 3DS -------------------------------------------------------------------------------------

  push3ds(
    card: SandboxCard,
    type: ThreeDsRecord['type'],
    plaintext: string,
    extra: { amount?: string; currency?: string | null; merchantName?: string | null } = {},
  ): ThreeDsRecord {
    const b64 = encryptForMerchant(plaintext, this.deps.merchantPublicKey);
    const r: ThreeDsRecord = {
      cardNo: card.cardNo,
      tradeNo: this.longId(),
      originTradeNo: null,
      currency: extra.currency === undefined ? 'USD' : extra.currency,
      amount: extra.amount ?? '0',
      merchantName: extra.merchantName === undefined ? 'SANDBOX MERCHANT' : extra.merchantName,
      values: this.deps.switches.sensitiveEncoding === 'url-encoded' ? encodeURIComponent(b64) : b64,
      type,
      description: null,
      transactionTime: this.now(),
      ...(type === 'auth_url' ? { expirationTime: this.now() + 10 * 60_000 } : {}),
    };
    this.threeDs.push(r);
    this.deps.notify(this.deps.switches.threeDsCategory, { ...r }, r.tradeNo);
    return r;
  }

  /** Control: a 3DS challenge on a card (an OTP or an authorization URL). Returns the plaintext. */
  trigger3ds(
    cardNo: string,
    type: 'third_3ds_otp' | 'auth_url',
    amount = '16.96',
  ): { tradeNo: string; plaintext: string } {
    const card = this.card(cardNo);
    const plaintext =
      type === 'third_3ds_otp'
        ? this.digits(6)
        : `https://3ds.sandbox.test/challenge/${randomUUID()}?card=${card.cardNo}&amount=${amount}&return=${'x'.repeat(80)}`;
    const r = this.push3ds(card, type, plaintext, { amount });
    return { tradeNo: r.tradeNo, plaintext };
  }

  // --- cardholders -----------------------------------------------------------------------------

  private createHolder(q: z.output<typeof rules.holderCreate>): SandboxHolder {
    this.cardType(q.cardTypeId);
    this.assertEmailFree(q.cardTypeId, q.email);
    this.claimOrderNo('holder', q.merchantOrderNo);
    const { cardHolderModel, merchantOrderNo, cardTypeId, ...personal } = q;
    const holder: SandboxHolder = {
      holderId: this.longId(),
      merchantOrderNo,
      cardTypeId,
      cardHolderModel,
      statusFlowLocation: 'admin',
      status: 'wait_audit',
      description: null,
      respMsg: null,
      personal,
      createTime: this.now(),
      updateTime: this.now(),
      emailOrders: [],
    };
    this.holders.set(holder.holderId, holder);
    this.scheduleReview(holder);
    return holder;
  }

  private assertEmailFree(cardTypeId: string, email: string, except?: string): void {
    for (const h of this.holders.values())
      if (h.cardTypeId === cardTypeId && h.personal.email === email && h.holderId !== except)
        throw new SandboxError(400, 'Cardholder email is in use for this card type');
  }

  private updateHolder(q: z.output<typeof rules.holderUpdate>): SandboxHolder {
    const holder = this.holders.get(q.holderId);
    if (!holder) throw new SandboxError(404, 'Cardholder not found');
    if (holder.status !== 'reject' || holder.statusFlowLocation !== 'admin')
      throw new SandboxError(400, 'Cardholder can only be updated after a rejection by review');
    this.assertEmailFree(q.cardTypeId, q.email, holder.holderId);
    const { cardHolderModel, holderId: _id, cardTypeId, ...personal } = q;
    Object.assign(holder, {
      cardHolderModel,
      cardTypeId,
      personal,
      status: 'wait_audit',
      statusFlowLocation: 'admin',
      description: null,
      respMsg: null,
      updateTime: this.now(),
    });
    this.scheduleReview(holder);
    return holder;
  }

  private scheduleReview(holder: SandboxHolder): void {
    if (!this.deps.autoAdvance) return;
    const step = this.deps.timings.holderReviewStepMs;
    const stamp = holder.updateTime;
    const next = () => {
      if (holder.updateTime !== stamp && holder.status === 'wait_audit') return; // superseded by an update
      if (this.reviewStep(holder)) this.deps.scheduler.after(step, next);
    };
    this.deps.scheduler.after(step, next);
  }

  /** One review step; true while the review goes on. */
  reviewStep(holder: SandboxHolder): boolean {
    if (holder.status === 'wait_audit') {
      holder.status = 'under_review';
      holder.updateTime = this.now();
      return true;
    }
    if (holder.status !== 'under_review') return false;
    const script = this.holderScripts.find((s) => s.left > 0 && s.email === holder.personal.email);
    const outcome = script?.outcome ?? 'pass';
    if (holder.statusFlowLocation === 'admin') {
      if (outcome === 'reject') {
        if (script) script.left -= 1;
        this.finishReview(holder, 'reject', 'Sandbox: rejected by review (update and resubmit)');
        return false;
      }
      holder.statusFlowLocation = 'channel';
      holder.updateTime = this.now();
      return true;
    }
    if (script) script.left -= 1;
    if (outcome === 'reject-channel')
      this.finishReview(holder, 'reject', 'Sandbox: rejected by the issuing bank');
    else this.finishReview(holder, 'pass_audit', null);
    return false;
  }

  private finishReview(holder: SandboxHolder, status: 'pass_audit' | 'reject', reason: string | null): void {
    holder.status = status;
    holder.description = reason;
    holder.respMsg = reason;
    holder.updateTime = this.now();
    this.deps.notify('card_holder', this.wireHolderResult(holder), holder.holderId);
  }

  private updateEmail(q: { holderId: string; merchantOrderNo: string; email: string }): unknown {
    const holder = this.holders.get(q.holderId);
    if (!holder) throw new SandboxError(404, 'Cardholder not found');
    if (holder.status !== 'pass_audit')
      throw new SandboxError(400, 'Email can only be changed after the review passed');
    this.assertEmailFree(holder.cardTypeId, q.email, holder.holderId);
    this.claimOrderNo('holder-email', q.merchantOrderNo);
    const order = {
      orderNo: this.longId(),
      merchantOrderNo: q.merchantOrderNo,
      email: q.email,
      status: 'wait_process' as OrderStatus,
    };
    holder.emailOrders.push(order);
    const view = () => ({
      holderId: holder.holderId,
      merchantOrderNo: order.merchantOrderNo,
      orderNo: order.orderNo,
      status: order.status,
      description: null,
      remark: null,
    });
    const finish = () => {
      if (order.status !== 'wait_process') return;
      order.status = 'success';
      holder.personal.email = order.email;
      holder.updateTime = this.now();
      this.deps.notify('card_holder_change_email', view(), holder.holderId);
    };
    if (this.deps.autoAdvance) this.deps.scheduler.after(this.deps.timings.orderCompleteMs, finish);
    else this.pendingEmailChanges.push(finish);
    return view();
  }
  private pendingEmailChanges: Array<() => void> = [];

  // --- reads -----------------------------------------------------------------------------------

  private orderLog(
    q: Omit<z.output<typeof rules.transactionV2>, 'type'> & { type?: string | undefined },
    api: 'v1' | 'v2',
  ): unknown {
    const rows = this.orders.filter(
      (o) =>
        // Cards opened with v1 openCard are absent from the v2 log (change log).
        (api === 'v1' || o.internal.card.api === 'v2') &&
        (q.type === undefined || o.type.toLowerCase() === q.type.toLowerCase()) &&
        (q.merchantOrderNo === undefined || o.merchantOrderNo === q.merchantOrderNo) &&
        (q.orderNo === undefined || o.orderNo === q.orderNo) &&
        (q.cardNo === undefined || o.cardNo === q.cardNo) &&
        inWindow(o.transactionTime, q),
    );
    for (const o of rows) this.poll(o);
    return this.paged(rows, q.pageNum, q.pageSize, (o) => this.wireOrder(o));
  }

  /** "The Nth poll still says pending": holds count polls, then let the order finish. */
  private poll(order: SandboxOrder): void {
    if (order.status === 'success' || order.status === 'fail') return;
    if (order.internal.polls < order.internal.holdPolls) order.internal.polls += 1;
    else if (order.internal.ready) this.complete(order);
  }

  private balanceInfo(card: SandboxCard) {
    return {
      cardNo: card.cardNo,
      amount: this.balanceOf(card).toFixed(),
      usedAmount: card.usedAmount.toFixed(),
      currency: card.cardType.fiatCurrency,
    };
  }

  private accountLedger(q: z.output<typeof rules.accountTransaction>): unknown {
    if (q.accountId !== undefined) this.account(q.accountId);
    const running = new Map<string, Decimal>();
    const rows: Array<Record<string, unknown>> = [];
    const touched = (e: { from: string; to: string }) =>
      [e.from, e.to].filter((a) => a.startsWith('wallet:')).map((a) => a.slice('wallet:'.length));
    for (const e of this.deps.ledger.entries()) {
      for (const accountId of touched(e)) {
        const out = e.from === `wallet:${accountId}`;
        const before = running.get(accountId) ?? new Decimal(0);
        const after = out ? before.minus(e.amount) : before.plus(e.amount);
        running.set(accountId, after);
        const createTime = Date.parse(e.at);
        if (q.accountId !== undefined && accountId !== q.accountId) continue;
        if (q.orderNo !== undefined && e.ref !== q.orderNo) continue;
        if (q.bizType !== undefined && e.kind !== q.bizType) continue;
        if (!inWindow(createTime, q)) continue;
        rows.push({
          txId: `1${String(e.seq).padStart(17, '0')}${out ? '1' : '2'}`,
          accountId,
          currency: e.currency,
          amount: e.amount,
          beforeBalance: before.toFixed(),
          afterBalance: after.toFixed(),
          orderNo: e.ref,
          bizType: e.kind,
          direction: out ? 'OUT' : 'IN',
          remark: null,
          createTime,
        });
      }
    }
    rows.reverse(); // newest first
    return this.paged(rows, q.pageNum, q.pageSize, (r) => r);
  }

  private paged<T>(rows: T[], pageNum: number, pageSize: number, view: (row: T) => unknown) {
    return {
      total: rows.length,
      records: rows.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(view),
    };
  }

  // --- wire views ------------------------------------------------------------------------------

  private cardStatus(status: string): string {
    return this.deps.switches.cardStatusCase === 'lower' ? (CARD_STATUS_LOWER[status] ?? status) : status;
  }

  wireOrder(o: SandboxOrder): Record<string, unknown> {
    const { internal: _internal, ...wire } = o;
    return { ...wire, status: this.deps.switches.orderStatusNames[o.status] ?? o.status };
  }

  /** A sensitive value as the provider sends it: encrypted to the merchant (switch: URL-encoded). */
  private sensitive(value: string): string {
    const b64 = encryptForMerchant(value, this.deps.merchantPublicKey);
    return this.deps.switches.sensitiveEncoding === 'url-encoded' ? encodeURIComponent(b64) : b64;
  }

  private wireCard(card: SandboxCard, simple: boolean): Record<string, unknown> {
    const holder = card.holderId ? this.holders.get(card.holderId) : undefined;
    return {
      cardTypeId: card.cardType.cardTypeId,
      cardBankBin: card.cardType.bankCardBin,
      holderId: card.holderId,
      cardNo: card.cardNo,
      // Seed 002 marks cardNumber, cvv and validPeriod required; cvv and validPeriod "encrypted
      // with the merchant's public key".
      cardNumber: card.pan,
      cvv: this.sensitive(card.cvv),
      validPeriod: this.sensitive(card.expireDate),
      status: this.cardStatus(card.status),
      statusStr: card.status,
      blocked: card.blocked,
      bindTime: card.bindTime,
      remark: card.remark,
      noPinPaymentAmount: card.noPinPaymentAmount,
      ...(simple ? {} : { balanceInfo: this.balanceInfo(card) }),
      holderInfo: holder
        ? {
            firstName: holder.personal.firstName,
            lastName: holder.personal.lastName,
            country: holder.personal.country,
            town: holder.personal.town,
            address: holder.personal.address,
            postCode: holder.personal.postCode,
          }
        : null,
      spendingControls: [],
      riskControls: null,
    };
  }

  private wireHolderResult(h: SandboxHolder): Record<string, unknown> {
    return {
      holderId: h.holderId,
      merchantOrderNo: h.merchantOrderNo,
      cardTypeId: h.cardTypeId,
      statusFlowLocation: h.statusFlowLocation,
      status: h.status,
      description: h.description,
      respMsg: h.respMsg,
    };
  }

  private wireHolderRecord(h: SandboxHolder): Record<string, unknown> {
    const p = h.personal;
    return {
      ...this.wireHolderResult(h),
      areaCode: p.areaCode,
      mobile: p.mobile,
      email: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      birthday: p.birthday,
      country: p.country,
      countryStr: REGIONS.find((r) => r.code === p.country)?.name ?? null,
      town: p.town,
      townStr: CITIES.find((c) => c.code === p.town)?.name ?? null,
      address: p.address,
      postCode: p.postCode,
      createTime: h.createTime,
      updateTime: h.updateTime,
    };
  }

  private wireAccount(account: SandboxAccount): Record<string, unknown> {
    const balance = this.deps.ledger.balance(`wallet:${account.accountId}`);
    return {
      ...account,
      currency: 'USD',
      totalBalance: balance,
      availableBalance: balance,
      frozenBalance: '0',
      digital: 2,
    };
  }

  // --- control ---------------------------------------------------------------------------------

  scriptOrder(script: OrderScript): void {
    this.orderScripts.push({ ...script, left: script.times ?? 1 });
  }

  scriptHolder(script: HolderScript): void {
    this.holderScripts.push({ ...script, left: script.times ?? 1 });
  }

  /** The order with this merchantOrderNo stays pending for the next `polls` reads of the order log. */
  holdForPolls(merchantOrderNo: string, polls: number): void {
    for (const o of this.orders)
      if (o.merchantOrderNo === merchantOrderNo) {
        o.internal.holdPolls = o.internal.polls + polls;
      }
  }

  /** Finishes pending work now (manual mode, or to skip waiting): orders, reviews, email changes, settlements. */
  advance(filter: { merchantOrderNo?: string } = {}): void {
    for (const o of [...this.orders])
      if (filter.merchantOrderNo === undefined || o.merchantOrderNo === filter.merchantOrderNo) {
        if (o.status === 'wait_process' || o.status === 'processing') this.complete(o);
      }
    if (filter.merchantOrderNo !== undefined) return;
    for (const h of this.holders.values()) while (this.reviewStep(h));
    for (const finish of this.pendingEmailChanges.splice(0)) finish();
    for (const a of this.auths) this.settle(a);
  }

  orderByMerchantOrderNo(merchantOrderNo: string): SandboxOrder[] {
    return this.orders.filter((o) => o.merchantOrderNo === merchantOrderNo);
  }

  snapshot() {
    return {
      accountId: this.accountId,
      cards: [...this.cards.values()].map((c) => ({
        cardNo: c.cardNo,
        cardTypeId: c.cardType.cardTypeId,
        status: c.status,
        holderId: c.holderId,
        balance: this.balanceOf(c).toFixed(),
        visible: c.visible,
      })),
      holders: [...this.holders.values()].map((h) => this.wireHolderResult(h)),
      orders: this.orders.map((o) => this.wireOrder(o)),
      auths: this.auths.map(wireAuth),
      fees: this.fees.map((f) => ({ ...f })),
      threeDs: this.threeDs.map((r) => ({ ...r })),
    };
  }

  storeFile(name: string, bytes: number): string {
    const fileId = this.longId();
    this.files.set(fileId, { name, bytes });
    return fileId;
  }
}

function inWindow(time: number, q: { startTime?: number; endTime?: number }): boolean {
  return (q.startTime === undefined || time >= q.startTime) && (q.endTime === undefined || time <= q.endTime);
}

function wireAuth(a: AuthRecord): Record<string, unknown> {
  const { refunded: _refunded, ...wire } = a;
  return { ...wire };
}
