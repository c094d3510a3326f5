// Opening a WasabiCard card: the card-type catalogue (v1 and v2 views), openCard (v1: a create order
// then a deposit order) and v2 createCard (one order), and the purchase log.
import type { z } from 'zod';
import { Decimal } from '../../../src/contract/money';
import type { SandboxCardType } from './catalogue';
import type { EngineContext } from './context';
import { check, claimOrderNo, findAccount, findCardType, findHolder } from './guards';
import { type SandboxCard, SandboxError, type SandboxOrder } from './model';
import {
  cardAccount,
  checkPrecision,
  holdFunds,
  rechargeFee,
  requireWalletBalance,
  walletAccount,
} from './money';
import { newOrder, scheduleOrder } from './order-lifecycle';
import { inWindow, paged } from './paging';
import * as rules from './request-rules';
import * as seed from './seed-rules';

/** card/v2/cardTypes: the catalogue without the sandbox's own knobs. */
export function cardTypesV2(ctx: EngineContext): unknown {
  return ctx.deps.catalogue.map((t) => ({
    ...Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('sandbox'))),
    cardTypeId: t.cardTypeId,
  }));
}

/** card/cardTypes (v1): recharge terms nested under extFieldVO. */
export function cardTypesV1(ctx: EngineContext): unknown {
  return ctx.deps.catalogue.map((t: SandboxCardType) => ({
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
  }));
}

export function openCard(
  ctx: EngineContext,
  params: Record<string, unknown>,
  api: 'v1' | 'v2',
): SandboxOrder {
  const q = api === 'v2' ? check(rules.createCardV2, params) : check(seed.openCard, params);
  const type = findCardType(ctx, q.cardTypeId);
  if (type.status !== 'online' || !type.enableActiveCard)
    throw new SandboxError(400, 'Card type is not available');
  if (type.needCardHolder) {
    if (!q.holderId) throw new SandboxError(400, 'Parameter error: holderId required for this card type');
    const holder = findHolder(ctx, q.holderId);
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
  checkPrecision(type, amount);
  const count = [...ctx.cards.values()].filter((c) => c.cardType === type && c.status !== 'fail').length;
  if (count >= type.maxCount) throw new SandboxError(400, 'Card limit reached for this card type');
  const price = new Decimal(type.cardPrice);
  const depositFee = rechargeFee(type, amount);
  const funding = q.accountId
    ? walletAccount(findAccount(ctx, q.accountId).accountId)
    : walletAccount(ctx.accountId);
  requireWalletBalance(ctx, funding, price.plus(amount).plus(depositFee));
  claimOrderNo(ctx, 'card', q.merchantOrderNo);

  const card = newCard(ctx, type, q.holderId ?? null, api, funding);
  if (api === 'v2') {
    // v2 merges the create and the first deposit into one order (change log).
    const order = newOrder(
      ctx,
      card,
      { merchantOrderNo: q.merchantOrderNo, type: 'create', amount, fee: price.plus(depositFee) },
      'v2',
    );
    holdFunds(ctx, order, card.funding, price, 'card_purchase');
    holdFunds(ctx, order, card.funding, amount.plus(depositFee), 'card_deposit');
    scheduleOrder(ctx, order);
    return order;
  }
  // v1: a create order carrying the card fee, then a deposit order for the initial load.
  const create = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'create', amount: price, fee: new Decimal(0) },
    'v1',
  );
  const deposit = newOrder(
    ctx,
    card,
    { merchantOrderNo: q.merchantOrderNo, type: 'deposit', amount, fee: depositFee, remark: 'Card Deposit' },
    'v1',
  );
  create.internal.next = deposit;
  holdFunds(ctx, create, card.funding, price, 'card_purchase');
  holdFunds(ctx, deposit, card.funding, amount.plus(depositFee), 'card_deposit');
  scheduleOrder(ctx, create);
  return create;
}

/** A pending card with its number, PAN, CVV and expiry drawn from the seeded stream, in this order. */
function newCard(
  ctx: EngineContext,
  type: SandboxCardType,
  holderId: string | null,
  api: 'v1' | 'v2',
  funding: string,
): SandboxCard {
  const expiry = new Date(Date.now());
  const card: SandboxCard = {
    cardNo: `WC${ctx.ids.digits(4)}${String(ctx.ids.nextSeq).padStart(8, '0')}${ctx.ids.digits(6)}`,
    cardType: type,
    holderId,
    status: 'pending',
    blocked: false,
    bindTime: Date.now(),
    remark: null,
    pan: ctx.ids.pan(type.bankCardBin),
    cvv: ctx.ids.digits(3),
    expireDate: `${String(expiry.getUTCMonth() + 1).padStart(2, '0')}/${expiry.getUTCFullYear() + 3}`,
    activationCode: null,
    pin: null,
    noPinPaymentAmount: '500',
    usedAmount: new Decimal(0),
    api,
    visible: api === 'v2',
    funding,
  };
  ctx.cards.set(card.cardNo, card);
  ctx.deps.ledger.ensureAccount(cardAccount(card), type.fiatCurrency);
  return card;
}

/** card/purchaseTransaction: the create orders with their card fee and first deposit. */
export function purchaseLog(ctx: EngineContext, q: z.output<typeof rules.purchaseTransaction>): unknown {
  const rows = ctx.orders.filter(
    (o) =>
      o.type === 'create' &&
      (q.merchantOrderNo === undefined || o.merchantOrderNo === q.merchantOrderNo) &&
      (q.orderNo === undefined || o.orderNo === q.orderNo) &&
      inWindow(o.transactionTime, q),
  );
  return paged(rows, q.pageNum, q.pageSize, (o) => {
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
}
