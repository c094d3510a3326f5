// A WasabiCard card order's life: created wait_process, moved to processing and finished success |
// fail (scripted outcome, held back for N polls), settling its holds and card status, then the
// webhook; plus the order log that polls it.
import type { z } from 'zod';
import { Decimal } from '../../../src/contract/money';
import type { EngineContext } from './context';
import { cardAccount, FEES, releaseHold, settleFromHold } from './money';
import type { OrderType, SandboxCard, SandboxOrder } from './model';
import { inWindow, paged } from './paging';
import type * as rules from './request-rules';
import { issueActivationCode } from './three-ds';
import { wireOrder } from './wire-views';

export function newOrder(
  ctx: EngineContext,
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
    orderNo: ctx.ids.longId(),
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
    transactionTime: Date.now(),
    internal: { api, card, holdPolls: 0, polls: 0, ready: false },
  };
  ctx.orders.push(order);
  return order;
}

/** True while a freeze, unfreeze, cancel or create order on this card is unfinished. */
export function pendingOrderOn(ctx: EngineContext, card: SandboxCard): boolean {
  return ctx.orders.some(
    (o) =>
      o.internal.card === card &&
      (o.status === 'wait_process' || o.status === 'processing') &&
      ['Freeze', 'UnFreeze', 'cancel', 'create'].includes(o.type),
  );
}

const finished = (order: SandboxOrder) => order.status === 'success' || order.status === 'fail';

export function scheduleOrder(ctx: EngineContext, order: SandboxOrder): void {
  if (!ctx.deps.autoAdvance) return;
  const { orderProcessingMs, orderCompleteMs } = ctx.deps.timings;
  ctx.deps.scheduler.after(orderProcessingMs, () => {
    if (order.status === 'wait_process') order.status = 'processing';
    ctx.deps.scheduler.after(orderCompleteMs, () => tryComplete(ctx, order));
  });
}

function tryComplete(ctx: EngineContext, order: SandboxOrder): void {
  if (finished(order)) return;
  if (order.internal.polls < order.internal.holdPolls) {
    order.internal.ready = true;
    return;
  }
  completeOrder(ctx, order);
}

function decideOutcome(ctx: EngineContext, order: SandboxOrder): 'success' | 'fail' {
  if (order.internal.outcome) return order.internal.outcome;
  const rule = ctx.orderScripts.find(
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
export function completeOrder(ctx: EngineContext, order: SandboxOrder): void {
  if (finished(order)) return;
  const outcome = decideOutcome(ctx, order);
  const card = order.internal.card;
  const amount = new Decimal(order.amount);
  const fee = new Decimal(order.fee);
  order.status = outcome;
  order.transactionTime = Date.now();
  if (outcome === 'fail') order.remark = order.remark ?? 'Sandbox: order failed';
  switch (order.type) {
    case 'create': {
      if (outcome === 'success') {
        // v2: amount is the first deposit, fee = card price + deposit fee. v1: amount is the card price.
        if (order.internal.api === 'v2')
          settleFromHold(ctx, order, cardAccount(card), amount, 'card_deposit_settle');
        releaseHold(ctx, order, FEES, 'card_fee');
        card.status = card.cardType.type === 'Physical' ? 'un_activated' : 'Normal';
        card.visible = true;
        order.cardNo = card.cardNo;
        order.receivedAmount = order.internal.api === 'v2' ? amount.toFixed() : '0';
        if (card.cardType.type === 'Physical') issueActivationCode(ctx, card);
      } else {
        releaseHold(ctx, order, card.funding, 'card_purchase');
        card.status = 'fail';
        if (order.internal.api === 'v2') order.cardNo = card.cardNo;
      }
      break;
    }
    case 'deposit': {
      if (outcome === 'success') {
        settleFromHold(ctx, order, cardAccount(card), amount, 'card_deposit_settle');
        releaseHold(ctx, order, FEES, 'card_fee');
        order.receivedAmount = amount.toFixed();
      } else releaseHold(ctx, order, card.funding, 'card_deposit');
      break;
    }
    case 'withdraw': {
      if (outcome === 'success') {
        settleFromHold(ctx, order, card.funding, amount.minus(fee), 'card_withdraw');
        releaseHold(ctx, order, FEES, 'card_fee');
        order.receivedAmount = amount.minus(fee).toFixed();
      } else releaseHold(ctx, order, cardAccount(card), 'card_withdraw_hold_release');
      break;
    }
    case 'cancel': {
      if (outcome === 'success') {
        settleFromHold(ctx, order, card.funding, amount.minus(fee), 'card_cancel');
        releaseHold(ctx, order, FEES, 'card_fee');
        order.receivedAmount = amount.minus(fee).toFixed();
        order.subType = 'REFUND';
        card.status = 'cancel';
      } else {
        releaseHold(ctx, order, cardAccount(card), 'card_cancel_hold_release');
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
  notifyOrderFinished(ctx, order);
  // v1 openCard: the initial deposit follows the create order.
  const next = order.internal.next;
  if (next) {
    if (outcome === 'success') {
      next.cardNo = card.cardNo;
      scheduleOrder(ctx, next);
    } else {
      next.internal.outcome = 'fail';
      completeOrder(ctx, next);
    }
  }
}

/** Activation answers in the physical_card category, every other order in card_transaction. */
function notifyOrderFinished(ctx: EngineContext, order: SandboxOrder): void {
  const card = order.internal.card;
  if (order.type === 'card_activated') {
    ctx.deps.notify(
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
    ctx.deps.notify('card_transaction', wireOrder(ctx, order), order.orderNo);
  }
}

/** "The Nth poll still says pending": holds count polls, then let the order finish. */
function pollOrder(ctx: EngineContext, order: SandboxOrder): void {
  if (finished(order)) return;
  if (order.internal.polls < order.internal.holdPolls) order.internal.polls += 1;
  else if (order.internal.ready) completeOrder(ctx, order);
}

/** card/transaction (v1) and card/v2/transaction: the order log; every read counts as a poll. */
export function orderLog(
  ctx: EngineContext,
  q: Omit<z.output<typeof rules.transactionV2>, 'type'> & { type?: string | undefined },
  api: 'v1' | 'v2',
): unknown {
  const rows = ctx.orders.filter(
    (o) =>
      // Cards opened with v1 openCard are absent from the v2 log (change log).
      (api === 'v1' || o.internal.card.api === 'v2') &&
      (q.type === undefined || o.type.toLowerCase() === q.type.toLowerCase()) &&
      (q.merchantOrderNo === undefined || o.merchantOrderNo === q.merchantOrderNo) &&
      (q.orderNo === undefined || o.orderNo === q.orderNo) &&
      (q.cardNo === undefined || o.cardNo === q.cardNo) &&
      inWindow(o.transactionTime, q),
  );
  for (const o of rows) pollOrder(ctx, o);
  return paged(rows, q.pageNum, q.pageSize, (o) => wireOrder(ctx, o));
}
