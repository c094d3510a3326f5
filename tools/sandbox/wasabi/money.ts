// How the WasabiCard sandbox moves money on the common ledger: account names, balances, recharge
// fees and precision, transfers that refuse like the provider, and the holds an order carries.
import { Decimal } from '../../../src/contract/money';
import { InsufficientFundsError } from '../common/ledger';
import type { SandboxCardType } from './catalogue';
import type { EngineContext } from './context';
import { type SandboxCard, SandboxError, type SandboxOrder } from './model';

/** Where card prices and fees go. */
export const FEES = 'wasabi:fees';
/** The outside world: merchants paid by card spend, refunds coming back. */
export const EXTERNAL = 'external:USD';

export const walletAccount = (accountId: string) => `wallet:${accountId}`;
export const cardAccount = (card: SandboxCard) => `card:${card.cardNo}`;
const holdAccount = (order: SandboxOrder) => `hold:${order.orderNo}`;

export function balanceOf(ctx: EngineContext, card: SandboxCard): Decimal {
  return new Decimal(ctx.deps.ledger.balance(cardAccount(card)));
}

/** Refuses before any order exists when a wallet account cannot pay `amount`. */
export function requireWalletBalance(ctx: EngineContext, account: string, amount: Decimal): void {
  if (new Decimal(ctx.deps.ledger.balance(account)).lt(amount))
    throw new SandboxError(400, 'Insufficient account balance');
}

export function rechargeFee(type: SandboxCardType, amount: Decimal): Decimal {
  return amount
    .times(type.rechargeFeeRate)
    .dividedBy(100)
    .plus(type.rechargeFixedFee)
    .toDecimalPlaces(type.rechargeDigital, Decimal.ROUND_UP);
}

export function checkPrecision(type: SandboxCardType, amount: Decimal): void {
  if (amount.decimalPlaces() > type.rechargeDigital)
    throw new SandboxError(400, `Parameter error: amount at most ${type.rechargeDigital} decimal places`);
}

/** Moves money or answers the provider's "insufficient balance" refusal. */
export function move(
  ctx: EngineContext,
  from: string,
  to: string,
  amount: Decimal,
  kind: string,
  ref: string,
): void {
  if (amount.isZero()) return;
  try {
    ctx.deps.ledger.transfer(from, to, amount.toFixed(), { kind, ref });
  } catch (error) {
    if (error instanceof InsufficientFundsError)
      throw new SandboxError(
        400,
        from.startsWith('wallet:') ? 'Insufficient account balance' : 'Insufficient card balance',
      );
    throw error;
  }
}

/** Sets money aside for a pending order (from the funding wallet or from the card). */
export function holdFunds(
  ctx: EngineContext,
  order: SandboxOrder,
  from: string,
  amount: Decimal,
  kind: string,
): void {
  ctx.deps.ledger.ensureAccount(holdAccount(order), order.currency);
  move(ctx, from, holdAccount(order), amount, kind, order.orderNo);
}

/** Settles part of an order's hold to `to` (the rest is released later). */
export function settleFromHold(
  ctx: EngineContext,
  order: SandboxOrder,
  to: string,
  amount: Decimal,
  kind: string,
): void {
  move(ctx, holdAccount(order), to, amount, kind, order.orderNo);
}

/** Empties what is left of an order's hold into `to`. */
export function releaseHold(ctx: EngineContext, order: SandboxOrder, to: string, kind: string): void {
  const hold = holdAccount(order);
  if (!ctx.deps.ledger.has(hold)) return;
  move(ctx, hold, to, new Decimal(ctx.deps.ledger.balance(hold)), kind, order.orderNo);
}
