// Reading WasabiCard cards: the card list, and the sensitive values (PAN, CVV, expiry) encrypted
// to the merchant.
import type { z } from 'zod';
import type { EngineContext } from './context';
import type { SandboxCard } from './model';
import { inWindow, paged } from './paging';
import type * as rules from './request-rules';
import { sensitiveValue, wireCard } from './wire-views';

export function listCards(ctx: EngineContext, q: z.output<typeof rules.cardList>): unknown {
  const rows = [...ctx.cards.values()].filter(
    (c) =>
      c.visible &&
      (q.cardNo === undefined || c.cardNo === q.cardNo) &&
      (q.status === undefined || c.status.toLowerCase() === q.status.toLowerCase()) &&
      (q.cardTypeId === undefined || c.cardType.cardTypeId === q.cardTypeId) &&
      (q.holderId === undefined || c.holderId === q.holderId) &&
      inWindow(c.bindTime, q),
  );
  return paged(rows, q.pageNum, q.pageSize, (c) => wireCard(ctx, c, false));
}

/** card/sensitive: every value encrypted; gift cards also carry their activation URL. */
export function sensitiveInfo(ctx: EngineContext, card: SandboxCard): unknown {
  return {
    cardNumber: sensitiveValue(ctx, card.pan),
    cvv: sensitiveValue(ctx, card.cvv),
    expireDate: sensitiveValue(ctx, card.expireDate),
    activateUrl:
      card.cardType.category === 'GIFT'
        ? sensitiveValue(ctx, `https://gift.sandbox.test/${card.cardNo}`)
        : null,
  };
}
