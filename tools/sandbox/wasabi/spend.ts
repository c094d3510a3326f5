// Simulated spend on a WasabiCard card: authorizations (with the auth fee), voids, refunds after
// settlement and maintenance fees, each recorded and sent as a webhook; their two lists.
import type { z } from 'zod';
import { Decimal } from '../../../src/contract/money';
import type { EngineContext } from './context';
import { findCard } from './guards';
import { type AuthRecord, type FeeRecord, type SandboxCard, SandboxError } from './model';
import { balanceOf, cardAccount, EXTERNAL, FEES, move } from './money';
import { inWindow, paged } from './paging';
import type * as rules from './request-rules';
import type * as seed from './seed-rules';
import { wireAuth } from './wire-views';

export function simulateAuth(
  ctx: EngineContext,
  q: {
    cardNo: string;
    type: 'auth' | 'refund' | 'Void' | 'maintain_fee';
    amount: string;
    currency: string;
    originSerialNumber?: string;
    description?: string;
  },
): void {
  const card = findCard(ctx, q.cardNo);
  const amount = new Decimal(q.amount);
  const account = cardAccount(card);
  const base = (type: string, typeStr: string): AuthRecord => ({
    cardNo: card.cardNo,
    tradeNo: ctx.ids.longId(),
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
    authorizationCode: ctx.ids.digits(6),
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
    transactionTime: Date.now(),
    refunded: new Decimal(0),
  });
  const record = (r: AuthRecord) => {
    ctx.auths.push(r);
    ctx.deps.notify('card_auth_transaction', wireAuth(r), r.tradeNo);
  };
  if (q.type === 'auth') {
    const r = base('auth', 'Auth');
    const authFee = new Decimal(card.cardType.sandboxAuthFee);
    if (card.status !== 'Normal' || balanceOf(ctx, card).lt(amount)) {
      r.status = 'failed';
      r.statusStr = 'Failed';
      r.description = card.status !== 'Normal' ? 'Card not active' : 'Insufficient balance';
      return record(r);
    }
    move(ctx, account, EXTERNAL, amount, 'card_spend', r.tradeNo);
    card.usedAmount = card.usedAmount.plus(amount);
    r.status = 'authorized';
    r.statusStr = 'Authorized';
    r.fee = authFee.toFixed();
    record(r);
    if (authFee.gt(0)) chargeAuthFee(ctx, card, r, authFee);
    if (ctx.deps.autoAdvance)
      ctx.deps.scheduler.after(ctx.deps.timings.authSettleMs, () => settleAuth(ctx, r));
    return;
  }
  if (q.type === 'maintain_fee') {
    const r = base('maintain_fee', 'Maintain fee');
    if (balanceOf(ctx, card).lt(amount)) {
      r.status = 'failed';
      r.statusStr = 'Failed';
      return record(r);
    }
    move(ctx, account, FEES, amount, 'card_maintain_fee', r.tradeNo);
    return record(r);
  }
  const origin = ctx.auths.find((a) => a.tradeNo === q.originSerialNumber && a.type === 'auth');
  if (!origin || origin.cardNo !== card.cardNo) throw new SandboxError(404, 'Original transaction not found');
  if (q.type === 'Void') {
    if (origin.status !== 'authorized')
      throw new SandboxError(400, 'Only an authorized transaction can be voided');
    if (!amount.eq(origin.amount)) throw new SandboxError(400, 'Void amount must equal the authorization');
    move(ctx, EXTERNAL, account, amount, 'card_void', origin.tradeNo);
    card.usedAmount = card.usedAmount.minus(amount);
    origin.status = 'revoked';
    origin.statusStr = 'Revoked';
    ctx.deps.notify('card_auth_transaction', wireAuth(origin), origin.tradeNo);
    return record(base('Void', 'Void'));
  }
  // refund: after settlement, at most what is left of the original
  if (origin.status !== 'succeed') throw new SandboxError(400, 'Only a settled transaction can be refunded');
  if (origin.refunded.plus(amount).gt(origin.amount))
    throw new SandboxError(400, 'Refund exceeds the original amount');
  origin.refunded = origin.refunded.plus(amount);
  move(ctx, EXTERNAL, account, amount, 'card_refund', origin.tradeNo);
  card.usedAmount = card.usedAmount.minus(amount);
  record(base('refund', 'Refund'));
}

function chargeAuthFee(ctx: EngineContext, card: SandboxCard, auth: AuthRecord, fee: Decimal): void {
  // Charged to the card; the merchant's wallet pays when the card cannot (spec §1.3).
  const fromCard = balanceOf(ctx, card).gte(fee);
  const source = fromCard ? cardAccount(card) : card.funding;
  const f: FeeRecord = {
    cardNo: card.cardNo,
    tradeNo: ctx.ids.longId(),
    originTradeNo: auth.tradeNo,
    currency: card.cardType.fiatCurrency,
    amount: fee.toFixed(),
    type: 'card_patch_fee',
    deductionSourceFunds: fromCard ? 'card' : 'wallet',
    status: 'success',
    transactionTime: Date.now(),
  };
  move(ctx, source, FEES, fee, fromCard ? 'card_auth_fee' : 'card_auth_fee_patch', f.tradeNo);
  ctx.fees.push(f);
  ctx.deps.notify('card_fee_patch', { ...f }, f.tradeNo);
}

/** An authorization settles: succeed, with its settlement amount and date. */
export function settleAuth(ctx: EngineContext, auth: AuthRecord): void {
  if (auth.status !== 'authorized') return;
  auth.status = 'succeed';
  auth.statusStr = 'Succeed';
  auth.settleAmount = auth.amount;
  auth.settleCurrency = auth.authorizedCurrency;
  auth.settleDate = Date.now();
  ctx.deps.notify('card_auth_transaction', wireAuth(auth), auth.tradeNo);
}

export function listAuths(ctx: EngineContext, q: z.output<typeof seed.authTransaction>): unknown {
  const rows = ctx.auths.filter(
    (a) =>
      (q.type === undefined || a.type.toLowerCase() === q.type.toLowerCase()) &&
      (q.tradeNo === undefined || a.tradeNo === q.tradeNo) &&
      (q.cardNo === undefined || a.cardNo === q.cardNo) &&
      inWindow(a.transactionTime, q),
  );
  return paged(rows, q.pageNum, q.pageSize, wireAuth);
}

export function listAuthFees(ctx: EngineContext, q: z.output<typeof rules.authFeeTransaction>): unknown {
  const rows = ctx.fees.filter(
    (f) =>
      (q.tradeType === undefined || f.type === q.tradeType) &&
      (q.tradeNo === undefined || f.tradeNo === q.tradeNo) &&
      (q.originTradeNo === undefined || f.originTradeNo === q.originTradeNo) &&
      (q.cardNo === undefined || f.cardNo === q.cardNo) &&
      inWindow(f.transactionTime, q),
  );
  return paged(rows, q.pageNum, q.pageSize, (f) => ({ ...f }));
}
