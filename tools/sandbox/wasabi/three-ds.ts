// WasabiCard 3DS records: OTPs, authorization URLs and physical-card activation codes, each sent
// encrypted to the merchant and pushed as a webhook; the control that raises a challenge; their list.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { EngineContext } from './context';
import { findCard } from './guards';
import type { SandboxCard, ThreeDsRecord } from './model';
import { inWindow, paged } from './paging';
import type * as seed from './seed-rules';
import { sensitiveValue } from './wire-views';

export function push3ds(
  ctx: EngineContext,
  card: SandboxCard,
  type: ThreeDsRecord['type'],
  plaintext: string,
  extra: { amount?: string; currency?: string | null; merchantName?: string | null } = {},
): ThreeDsRecord {
  const values = sensitiveValue(ctx, plaintext);
  const r: ThreeDsRecord = {
    cardNo: card.cardNo,
    tradeNo: ctx.ids.longId(),
    originTradeNo: null,
    currency: extra.currency === undefined ? 'USD' : extra.currency,
    amount: extra.amount ?? '0',
    merchantName: extra.merchantName === undefined ? 'SANDBOX MERCHANT' : extra.merchantName,
    values,
    type,
    description: null,
    transactionTime: Date.now(),
    ...(type === 'auth_url' ? { expirationTime: Date.now() + 10 * 60_000 } : {}),
  };
  ctx.threeDs.push(r);
  ctx.deps.notify(ctx.deps.switches.threeDsCategory, { ...r }, r.tradeNo);
  return r;
}

/** A physical card's activation code: to the cardholder's inbox and, as the provider does, as a 3DS record. */
export function issueActivationCode(ctx: EngineContext, card: SandboxCard): void {
  card.activationCode = ctx.ids.digits(8);
  ctx.inbox.set(card.cardNo, [...(ctx.inbox.get(card.cardNo) ?? []), card.activationCode]);
  push3ds(ctx, card, 'activation_code', card.activationCode, {
    amount: '0',
    currency: null,
    merchantName: null,
  });
}

/** Control: a 3DS challenge on a card (an OTP or an authorization URL). Returns the plaintext. */
export function trigger3ds(
  ctx: EngineContext,
  cardNo: string,
  type: 'third_3ds_otp' | 'auth_url',
  amount = '16.96',
): { tradeNo: string; plaintext: string } {
  const card = findCard(ctx, cardNo);
  const plaintext =
    type === 'third_3ds_otp'
      ? ctx.ids.digits(6)
      : `https://3ds.sandbox.test/challenge/${randomUUID()}?card=${card.cardNo}&amount=${amount}&return=${'x'.repeat(80)}`;
  const r = push3ds(ctx, card, type, plaintext, { amount });
  return { tradeNo: r.tradeNo, plaintext };
}

export function list3ds(ctx: EngineContext, q: z.output<typeof seed.threeDsTransaction>): unknown {
  const rows = ctx.threeDs.filter(
    (r) =>
      (q.type === undefined || r.type.toLowerCase() === q.type.toLowerCase()) &&
      (q.tradeNo === undefined || r.tradeNo === q.tradeNo) &&
      (q.cardNo === undefined || r.cardNo === q.cardNo) &&
      inWindow(r.transactionTime, q),
  );
  return paged(rows, q.pageNum, q.pageSize, (r) => ({ ...r }));
}
