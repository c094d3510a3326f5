// The WasabiCard sandbox's business state behind one facade: cardholders under review, cards, orders
// moving wait_process → processing → success | fail, simulated spend, 3DS records, the merchant
// wallet, all money on the common double-entry ledger. The domains live in their own modules and
// share one `EngineContext`; this class opens the wallet and serves the handlers and the control
// API. Transport (signatures, faults, HTTP) lives in server.ts.
import { reviewStep } from './cardholders';
import { createEngineContext, type EngineContext } from './context';
import { createHandlers, type Handler } from './handlers';
import type {
  EngineDeps,
  HolderScript,
  OrderScript,
  SandboxCard,
  SandboxHolder,
  SandboxOrder,
  ThreeDsRecord,
} from './model';
import { balanceOf, FEES, walletAccount } from './money';
import { completeOrder } from './order-lifecycle';
import { settleAuth } from './spend';
import { push3ds, trigger3ds } from './three-ds';
import { wireAuth, wireHolderResult, wireOrder } from './wire-views';

export class WasabiSandboxEngine {
  private readonly ctx: EngineContext;
  readonly accountId: string;
  /** The cardholder's messages (activation codes) by cardNo: stands in for the physical card mailer. */
  readonly inbox: Map<string, string[]>;
  readonly handlers: Record<string, Handler>;

  constructor(deps: EngineDeps) {
    this.ctx = createEngineContext(deps);
    this.accountId = this.ctx.accountId;
    this.inbox = this.ctx.inbox;
    this.handlers = createHandlers(this.ctx);
    deps.ledger.ensureAccount(this.wallet, 'USD');
    deps.ledger.ensureAccount(FEES, 'USD');
    deps.ledger.fund(this.wallet, deps.merchantBalance, { kind: 'chain_deposit', ref: 'opening-balance' });
  }

  get wallet(): string {
    return walletAccount(this.accountId);
  }

  /** Finishes an order now with its scripted (default: success) outcome. */
  complete(order: SandboxOrder): void {
    completeOrder(this.ctx, order);
  }

  /** One review step; true while the review goes on. */
  reviewStep(holder: SandboxHolder): boolean {
    return reviewStep(this.ctx, holder);
  }

  push3ds(
    card: SandboxCard,
    type: ThreeDsRecord['type'],
    plaintext: string,
    extra?: { amount?: string; currency?: string | null; merchantName?: string | null },
  ): ThreeDsRecord {
    return push3ds(this.ctx, card, type, plaintext, extra);
  }

  /** Control: a 3DS challenge on a card (an OTP or an authorization URL). Returns the plaintext. */
  trigger3ds(cardNo: string, type: 'third_3ds_otp' | 'auth_url', amount?: string) {
    return trigger3ds(this.ctx, cardNo, type, amount);
  }

  wireOrder(o: SandboxOrder): Record<string, unknown> {
    return wireOrder(this.ctx, o);
  }

  // --- control ---------------------------------------------------------------------------------

  scriptOrder(script: OrderScript): void {
    this.ctx.orderScripts.push({ ...script, left: script.times ?? 1 });
  }

  scriptHolder(script: HolderScript): void {
    this.ctx.holderScripts.push({ ...script, left: script.times ?? 1 });
  }

  /** The order with this merchantOrderNo stays pending for the next `polls` reads of the order log. */
  holdForPolls(merchantOrderNo: string, polls: number): void {
    for (const o of this.ctx.orders)
      if (o.merchantOrderNo === merchantOrderNo) {
        o.internal.holdPolls = o.internal.polls + polls;
      }
  }

  /** Finishes pending work now (manual mode, or to skip waiting): orders, reviews, email changes, settlements. */
  advance(filter: { merchantOrderNo?: string } = {}): void {
    for (const o of [...this.ctx.orders])
      if (filter.merchantOrderNo === undefined || o.merchantOrderNo === filter.merchantOrderNo) {
        if (o.status === 'wait_process' || o.status === 'processing') this.complete(o);
      }
    if (filter.merchantOrderNo !== undefined) return;
    for (const h of this.ctx.holders.values()) while (this.reviewStep(h));
    for (const finish of this.ctx.pendingEmailChanges.splice(0)) finish();
    for (const a of this.ctx.auths) settleAuth(this.ctx, a);
  }

  orderByMerchantOrderNo(merchantOrderNo: string): SandboxOrder[] {
    return this.ctx.orders.filter((o) => o.merchantOrderNo === merchantOrderNo);
  }

  snapshot() {
    const ctx = this.ctx;
    return {
      accountId: this.accountId,
      cards: [...ctx.cards.values()].map((c) => ({
        cardNo: c.cardNo,
        cardTypeId: c.cardType.cardTypeId,
        status: c.status,
        holderId: c.holderId,
        balance: balanceOf(ctx, c).toFixed(),
        visible: c.visible,
      })),
      holders: [...ctx.holders.values()].map((h) => wireHolderResult(h)),
      orders: ctx.orders.map((o) => wireOrder(ctx, o)),
      auths: ctx.auths.map(wireAuth),
      fees: ctx.fees.map((f) => ({ ...f })),
      threeDs: ctx.threeDs.map((r) => ({ ...r })),
    };
  }

  storeFile(name: string, bytes: number): string {
    const fileId = this.ctx.ids.longId();
    this.ctx.files.set(fileId, { name, bytes });
    return fileId;
  }
}
