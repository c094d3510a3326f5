// The WasabiCard sandbox's refusals before any change: request validation, duplicate order numbers,
// and the lookups that answer "not found" (card, card type, account, cardholder).
import type { z } from 'zod';
import type { SandboxCardType } from './catalogue';
import type { EngineContext } from './context';
import { type SandboxAccount, type SandboxCard, SandboxError, type SandboxHolder } from './model';

/** The provider validates too: 400 naming the first field and rule. */
export function check<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new SandboxError(400, `Parameter error: ${field} ${issue?.message ?? 'invalid'}`);
}

export function claimOrderNo(ctx: EngineContext, namespace: string, merchantOrderNo: string): void {
  const key = `${namespace}|${merchantOrderNo}`;
  const { switches } = ctx.deps;
  if (ctx.usedOrderNos.has(key))
    throw new SandboxError(switches.duplicateOrderCode, switches.duplicateOrderMsg);
  ctx.usedOrderNos.add(key);
}

export function findCard(ctx: EngineContext, cardNo: string): SandboxCard {
  const card = ctx.cards.get(cardNo);
  if (!card || !card.visible) throw new SandboxError(404, 'Card not found');
  return card;
}

export function findCardType(ctx: EngineContext, id: string): SandboxCardType {
  const type = ctx.deps.catalogue.find((t) => t.cardTypeId === id);
  if (!type) throw new SandboxError(404, 'Card type not found');
  return type;
}

export function findAccount(ctx: EngineContext, accountId: string): SandboxAccount {
  const account = ctx.accounts.get(accountId);
  if (!account) throw new SandboxError(404, 'Account not found');
  return account;
}

export function findHolder(ctx: EngineContext, holderId: string): SandboxHolder {
  const holder = ctx.holders.get(holderId);
  if (!holder) throw new SandboxError(404, 'Cardholder not found');
  return holder;
}
