// The lifecycle written the way Temporal's TypeScript samples write workflows: plain
// proxyActivities, a wait on the provider as an activity that throws while the state is pending
// and is retried by the server at the poll interval, nothing else (no local activities, no search
// attributes, no queries or updates, no lazily loaded modules). Same activity functions, calls,
// retry policies and idempotency keys as cardflow's workflows.
import { proxyActivities } from '@temporalio/workflow';
import type { CardflowActivities } from '../../../activities/interface';
import { NON_RETRYABLE_ACTIVITY_ERRORS } from '../../../workflows/support/failures';
import type { ClosureInput, DepositInput, IssuanceInput, KycInput, Wait } from './contract';

const nonRetryableErrorTypes = NON_RETRYABLE_ACTIVITY_ERRORS;

const reads = proxyActivities<CardflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes },
});

const sends = proxyActivities<CardflowActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
});

/** Polling by retry: every attempt reads once; "still pending" fails it, retried at the interval. */
const polling = (wait: Wait) =>
  proxyActivities<CardflowActivities>({
    startToCloseTimeout: Math.min(30_000, wait.deadlineMs),
    scheduleToCloseTimeout: wait.deadlineMs,
    retry: {
      initialInterval: wait.pollIntervalMs,
      backoffCoefficient: 1,
      maximumInterval: wait.pollIntervalMs,
      nonRetryableErrorTypes,
    },
  });

export async function idiomaticKyc(input: KycInput): Promise<{ holderId: string }> {
  const { holderId } = await sends.wasabiSubmitHolder({
    merchantOrderNo: input.holderKey,
    cardTypeId: input.cardTypeId,
    cardHolderModel: 'B2C',
    applicant: input.applicant,
  });
  const review = await polling(input.wait).wasabiHolderStatus({ holderId, untilDecided: true });
  if (review.status !== 'pass_audit') throw new Error(`cardholder review ended ${review.status}`);
  return { holderId };
}

export async function idiomaticIssuance(input: IssuanceInput): Promise<{ cardNo: string }> {
  const type = await reads.wasabiCardType({ cardTypeId: input.cardTypeId });
  if (type.status.toLowerCase() !== 'online') throw new Error(`card type is ${type.status}`);
  const holder = await reads.wasabiHolderStatus({ holderId: input.holderId, untilDecided: false });
  if (holder.status !== 'pass_audit') throw new Error(`cardholder is ${holder.status}`);
  await sends.wasabiOpenCard({
    merchantOrderNo: input.openKey,
    cardTypeId: input.cardTypeId,
    amount: input.initialDeposit,
    holderId: input.holderId,
  });
  const order = await polling(input.wait).wasabiOrder({ merchantOrderNo: input.openKey, untilFinal: true });
  if (order?.status !== 'success' || !order.cardNo) throw new Error(`card order ended ${order?.status}`);
  return { cardNo: order.cardNo };
}

export async function idiomaticDeposit(input: DepositInput): Promise<{ orderNo: string }> {
  const card = await reads.wasabiCardStatus({ cardNo: input.cardNo });
  await reads.wasabiCardType({ cardTypeId: card.cardTypeId });
  if (card.status !== 'normal') throw new Error(`card is ${card.status}`);
  await sends.wasabiDeposit({
    merchantOrderNo: input.depositKey,
    cardNo: input.cardNo,
    amount: input.amount,
  });
  const order = await polling(input.wait).wasabiOrder({
    merchantOrderNo: input.depositKey,
    untilFinal: true,
  });
  if (order?.status !== 'success') throw new Error(`deposit ended ${order?.status}`);
  return { orderNo: order.orderNo };
}

export async function idiomaticClosure(input: ClosureInput): Promise<{ refundAmount: string }> {
  await sends.wasabiCancel({ merchantOrderNo: input.cancelKey, cardNo: input.cardNo });
  const order = await polling(input.wait).wasabiOrder({ merchantOrderNo: input.cancelKey, untilFinal: true });
  if (order?.status !== 'success') throw new Error(`closure ended ${order?.status}`);
  return { refundAmount: order.receivedAmount ?? '0' };
}
