// Orders on an existing WasabiCard card: deposit, withdraw, cancel, freeze and unfreeze (v2 orders,
// v1 immediate), physical-card activation and PIN change. Each checks, holds money, then schedules.
import { Decimal } from '../../../src/contract/money';
import type { EngineContext } from './context';
import { claimOrderNo, findCard } from './guards';
import { type SandboxCard, SandboxError, type SandboxOrder } from './model';
import {
  balanceOf,
  cardAccount,
  checkPrecision,
  holdFunds,
  rechargeFee,
  requireWalletBalance,
} from './money';
import { newOrder, pendingOrderOn, scheduleOrder } from './order-lifecycle';

/** The card, if its status allows `what` and no create/freeze/unfreeze/cancel order is unfinished on it. */
function cardReadyFor(ctx: EngineContext, cardNo: string, allowed: string[], what: string): SandboxCard {
  const card = findCard(ctx, cardNo);
  if (!allowed.includes(card.status)) throw new SandboxError(400, `Card status does not allow ${what}`);
  if (pendingOrderOn(ctx, card)) throw new SandboxError(400, 'Card has an order in progress');
  return card;
}

/** An order that moves no money (freeze, activation, PIN). */
const noMoney = { amount: new Decimal(0), fee: new Decimal(0) };

export function deposit(
  ctx: EngineContext,
  q: { cardNo: string; merchantOrderNo: string; amount: string },
): SandboxOrder {
  const card = cardReadyFor(ctx, q.cardNo, ['Normal'], 'deposit');
  const type = card.cardType;
  if (!type.enableDeposit) throw new SandboxError(400, 'Deposit is not enabled for this card type');
  const amount = new Decimal(q.amount);
  if (amount.lt(type.rechargeMinQuota) || amount.gt(type.rechargeMaxQuota))
    throw new SandboxError(
      400,
      `Parameter error: amount must be between ${type.rechargeMinQuota} and ${type.rechargeMaxQuota}`,
    );
  checkPrecision(type, amount);
  const fee = rechargeFee(type, amount);
  requireWalletBalance(ctx, card.funding, amount.plus(fee));
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const order = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'deposit', amount, fee, remark: 'Card Deposit' },
    'v2',
  );
  holdFunds(ctx, order, card.funding, amount.plus(fee), 'card_deposit');
  scheduleOrder(ctx, order);
  return order;
}

export function withdraw(
  ctx: EngineContext,
  q: { cardNo: string; merchantOrderNo: string; amount: string; clientRemark?: string },
): SandboxOrder {
  const card = cardReadyFor(ctx, q.cardNo, ['Normal'], 'withdraw');
  const amount = new Decimal(q.amount);
  checkPrecision(card.cardType, amount);
  const fee = new Decimal(card.cardType.sandboxWithdrawFee);
  if (amount.lte(fee))
    throw new SandboxError(400, `Parameter error: amount must exceed the fee ${fee.toFixed()}`);
  if (balanceOf(ctx, card).minus(amount).lt(card.cardType.balanceRetentionQuota))
    throw new SandboxError(400, 'Insufficient card balance');
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const order = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'withdraw', amount, fee, remark: q.clientRemark ?? null },
    'v2',
  );
  holdFunds(ctx, order, cardAccount(card), amount, 'card_withdraw_hold');
  scheduleOrder(ctx, order);
  return order;
}

export function cancel(
  ctx: EngineContext,
  q: { cardNo: string; merchantOrderNo: string; clientRemark?: string },
): SandboxOrder {
  const card = cardReadyFor(ctx, q.cardNo, ['Normal', 'Freeze', 'un_activated'], 'cancel');
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const balance = balanceOf(ctx, card);
  const order = newOrder(
    ctx,
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
  holdFunds(ctx, order, cardAccount(card), balance, 'card_cancel_hold');
  scheduleOrder(ctx, order);
  return order;
}

export function freezeV2(
  ctx: EngineContext,
  q: { cardNo: string; merchantOrderNo: string; clientRemark?: string },
  freeze: boolean,
): SandboxOrder {
  const card = cardReadyFor(ctx, q.cardNo, [freeze ? 'Normal' : 'Freeze'], freeze ? 'freeze' : 'unfreeze');
  if (freeze ? !card.cardType.enableFreeze : !card.cardType.enableUnFreeze)
    throw new SandboxError(400, 'Operation not enabled for this card type');
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const type = freeze ? 'Freeze' : 'UnFreeze';
  const order = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type, ...noMoney, remark: q.clientRemark ?? type },
    'v2',
  );
  order.internal.previousStatus = card.status;
  card.status = freeze ? 'Freezing' : 'UnFreezing';
  scheduleOrder(ctx, order);
  return order;
}

/** v1 freeze/unfreeze: immediate, `{status, statusStr}` (seed example). */
export function freezeV1(ctx: EngineContext, cardNo: string, freeze: boolean): unknown {
  const card = cardReadyFor(ctx, cardNo, [freeze ? 'Normal' : 'Freeze'], freeze ? 'freeze' : 'unfreeze');
  card.status = freeze ? 'Freeze' : 'Normal';
  return { status: 'success', statusStr: '成功' };
}

export function activateCard(
  ctx: EngineContext,
  q: {
    merchantOrderNo: string;
    cardNo: string;
    pin: string;
    activeCode: string;
    noPinPaymentAmount?: string;
  },
): SandboxOrder {
  const card = findCard(ctx, q.cardNo);
  if (card.cardType.type !== 'Physical' || card.status !== 'un_activated')
    throw new SandboxError(400, 'Card is not awaiting activation');
  if (card.activationCode !== q.activeCode) throw new SandboxError(400, 'Activation code is incorrect');
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const order = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'card_activated', ...noMoney },
    'v2',
  );
  order.internal.pin = q.pin;
  if (q.noPinPaymentAmount) card.noPinPaymentAmount = q.noPinPaymentAmount;
  scheduleOrder(ctx, order);
  return order;
}

export function updatePin(
  ctx: EngineContext,
  q: { cardNo: string; merchantOrderNo: string; pin: string },
): SandboxOrder {
  const card = findCard(ctx, q.cardNo);
  if (card.cardType.type !== 'Physical') throw new SandboxError(400, 'Only physical cards have a PIN');
  if (card.status !== 'Normal') throw new SandboxError(400, 'Card status does not allow a PIN change');
  claimOrderNo(ctx, 'card', q.merchantOrderNo);
  const order = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'update_pin', ...noMoney },
    'v2',
  );
  order.internal.pin = q.pin;
  scheduleOrder(ctx, order);
  return order;
}
