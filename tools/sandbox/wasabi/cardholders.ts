// WasabiCard cardholders (KYC): create and update, the review (admin, then the issuing bank, scripted
// by email), the email change order, and the cardholder list.
import type { z } from 'zod';
import type { EngineContext } from './context';
import { claimOrderNo, findCardType, findHolder } from './guards';
import { type OrderStatus, SandboxError, type SandboxHolder } from './model';
import { paged } from './paging';
import type * as rules from './request-rules';
import { wireHolderRecord, wireHolderResult } from './wire-views';

export function createHolder(ctx: EngineContext, q: z.output<typeof rules.holderCreate>): SandboxHolder {
  findCardType(ctx, q.cardTypeId);
  assertEmailFree(ctx, q.cardTypeId, q.email);
  claimOrderNo(ctx, 'holder', q.merchantOrderNo);
  const { cardHolderModel, merchantOrderNo, cardTypeId, ...personal } = q;
  const holder: SandboxHolder = {
    holderId: ctx.ids.longId(),
    merchantOrderNo,
    cardTypeId,
    cardHolderModel,
    statusFlowLocation: 'admin',
    status: 'wait_audit',
    description: null,
    respMsg: null,
    personal,
    createTime: Date.now(),
    updateTime: Date.now(),
    emailOrders: [],
  };
  ctx.holders.set(holder.holderId, holder);
  scheduleReview(ctx, holder);
  return holder;
}

function assertEmailFree(ctx: EngineContext, cardTypeId: string, email: string, except?: string): void {
  for (const h of ctx.holders.values())
    if (h.cardTypeId === cardTypeId && h.personal.email === email && h.holderId !== except)
      throw new SandboxError(400, 'Cardholder email is in use for this card type');
}

export function updateHolder(ctx: EngineContext, q: z.output<typeof rules.holderUpdate>): SandboxHolder {
  const holder = findHolder(ctx, q.holderId);
  if (holder.status !== 'reject' || holder.statusFlowLocation !== 'admin')
    throw new SandboxError(400, 'Cardholder can only be updated after a rejection by review');
  assertEmailFree(ctx, q.cardTypeId, q.email, holder.holderId);
  const { cardHolderModel, holderId: _id, cardTypeId, ...personal } = q;
  Object.assign(holder, {
    cardHolderModel,
    cardTypeId,
    personal,
    status: 'wait_audit',
    statusFlowLocation: 'admin',
    description: null,
    respMsg: null,
    updateTime: Date.now(),
  });
  scheduleReview(ctx, holder);
  return holder;
}

function scheduleReview(ctx: EngineContext, holder: SandboxHolder): void {
  if (!ctx.deps.autoAdvance) return;
  const step = ctx.deps.timings.holderReviewStepMs;
  const stamp = holder.updateTime;
  const next = () => {
    if (holder.updateTime !== stamp && holder.status === 'wait_audit') return; // superseded by an update
    if (reviewStep(ctx, holder)) ctx.deps.scheduler.after(step, next);
  };
  ctx.deps.scheduler.after(step, next);
}

/** One review step; true while the review goes on. */
export function reviewStep(ctx: EngineContext, holder: SandboxHolder): boolean {
  if (holder.status === 'wait_audit') {
    holder.status = 'under_review';
    holder.updateTime = Date.now();
    return true;
  }
  if (holder.status !== 'under_review') return false;
  const script = ctx.holderScripts.find((s) => s.left > 0 && s.email === holder.personal.email);
  const outcome = script?.outcome ?? 'pass';
  if (holder.statusFlowLocation === 'admin') {
    if (outcome === 'reject') {
      if (script) script.left -= 1;
      finishReview(ctx, holder, 'reject', 'Sandbox: rejected by review (update and resubmit)');
      return false;
    }
    holder.statusFlowLocation = 'channel';
    holder.updateTime = Date.now();
    return true;
  }
  if (script) script.left -= 1;
  if (outcome === 'reject-channel')
    finishReview(ctx, holder, 'reject', 'Sandbox: rejected by the issuing bank');
  else finishReview(ctx, holder, 'pass_audit', null);
  return false;
}

function finishReview(
  ctx: EngineContext,
  holder: SandboxHolder,
  status: 'pass_audit' | 'reject',
  reason: string | null,
): void {
  holder.status = status;
  holder.description = reason;
  holder.respMsg = reason;
  holder.updateTime = Date.now();
  ctx.deps.notify('card_holder', wireHolderResult(holder), holder.holderId);
}

export function updateEmail(
  ctx: EngineContext,
  q: { holderId: string; merchantOrderNo: string; email: string },
): unknown {
  const holder = findHolder(ctx, q.holderId);
  if (holder.status !== 'pass_audit')
    throw new SandboxError(400, 'Email can only be changed after the review passed');
  assertEmailFree(ctx, holder.cardTypeId, q.email, holder.holderId);
  claimOrderNo(ctx, 'holder-email', q.merchantOrderNo);
  const order = {
    orderNo: ctx.ids.longId(),
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
    holder.updateTime = Date.now();
    ctx.deps.notify('card_holder_change_email', view(), holder.holderId);
  };
  if (ctx.deps.autoAdvance) ctx.deps.scheduler.after(ctx.deps.timings.orderCompleteMs, finish);
  else ctx.pendingEmailChanges.push(finish);
  return view();
}

export function listHolders(ctx: EngineContext, q: z.output<typeof rules.holderQuery>): unknown {
  const rows = [...ctx.holders.values()].filter(
    (h) =>
      (q.holderId === undefined || h.holderId === q.holderId) &&
      (q.email === undefined || h.personal.email === q.email) &&
      (q.mobile === undefined || (h.personal.mobile === q.mobile && h.personal.areaCode === q.areaCode)) &&
      (q.merchantOrderNo === undefined || h.merchantOrderNo === q.merchantOrderNo),
  );
  return paged(rows, q.pageNum, q.pageSize, wireHolderRecord);
}
