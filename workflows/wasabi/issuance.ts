// WasabiCard's issuance steps: the card type's opening rules and the cardholder's review are read
// (one activity) and checked first, then one open-card order keyed by the workflow id is sent (a
// repeat finds it) and followed until it names the card or fails.
import { workflowInfo } from '@temporalio/workflow';
import type { WasabiCardTypeSummary, WasabiHolderReview } from '../../activities/wasabi/interface';
import { FAILURE_TYPES } from '../../src/contract/failures';
import type { IssuanceParsedInput, IssuanceResult } from '../../src/contract/issuance';
import { wasabiOpeningRefusal } from '../../src/contract/wasabi-card-type';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { waitSettings } from '../support/durations';
import { failFlow } from '../support/failures';
import { readsPreconditionsTogether } from '../support/precondition-reads';
import { about, type Notifications, waitForProvider } from '../support/waits';
import type { IssuanceSteps, IssuanceTracker } from '../steps/issuance';
import { wasabiOrderUnknown } from './unknown-status';

const ORDER_DEFAULTS = { deadline: '1h', pollInterval: '15s' };

export const wasabiIssuance: IssuanceSteps = {
  async prepare(input, tracker) {
    const { cardType, holder } = await readPreconditions(input);
    const refusal = wasabiOpeningRefusal(cardType, input.initialDeposit);
    if (refusal) failFlow(tracker, refusal.type, refusal.message);
    if (cardType.needCardHolder) {
      if (!input.holderId) {
        failFlow(
          tracker,
          FAILURE_TYPES.preconditionFailed,
          `card type ${input.cardTypeId} needs a cardholder (holderId)`,
        );
      }
      // Read with the card type since the patch; runs started before read it here.
      const review =
        holder ??
        (await reads(
          `Check cardholder ${input.holderId} passed review before opening card request ${input.requestRef}`,
        ).wasabiHolderStatus({ holderId: input.holderId, untilDecided: false }));
      if (review.status !== 'pass_audit') {
        failFlow(
          tracker,
          FAILURE_TYPES.preconditionFailed,
          `cardholder ${input.holderId} has not passed review (${review.status})`,
        );
      }
    }
    return (notifications) => openAndFollow(input, tracker, notifications, cardType);
  },
};

/**
 * The card type, and the cardholder's review where the flow will look at it: one activity since
 * the precondition-reads patch, the card type alone (the holder read after the checks) before.
 * Without a holderId there is no second read to join (the flow reads the card type alone, as
 * before), so the patch is not asked and its marker and upsert are not recorded.
 */
async function readPreconditions(
  input: IssuanceParsedInput,
): Promise<{ cardType: WasabiCardTypeSummary; holder?: WasabiHolderReview }> {
  if (input.holderId && readsPreconditionsTogether()) {
    return reads(
      `Read the opening rules of card type ${input.cardTypeId} and the review of cardholder ${input.holderId} for card request ${input.requestRef}`,
    ).wasabiIssuancePreconditions({
      cardTypeId: input.cardTypeId,
      initialDeposit: input.initialDeposit,
      holderId: input.holderId,
    });
  }
  const cardType = await reads(
    `Read the opening rules of card type ${input.cardTypeId} for card request ${input.requestRef}`,
  ).wasabiCardType({ cardTypeId: input.cardTypeId });
  return { cardType };
}

async function openAndFollow(
  input: IssuanceParsedInput,
  tracker: IssuanceTracker,
  notifications: Notifications,
  cardType: WasabiCardTypeSummary,
): Promise<IssuanceResult> {
  tracker.set('OPENING');
  const merchantOrderNo = providerOrderKey(workflowInfo().workflowId, 'open');
  const sent = await idempotentSends(
    `Open a card of type ${input.cardTypeId} with ${input.initialDeposit} for card request ${input.requestRef}: order ${merchantOrderNo}`,
  ).wasabiOpenCard({
    merchantOrderNo,
    cardTypeId: input.cardTypeId,
    amount: input.initialDeposit,
    ...(input.holderId ? { holderId: input.holderId } : {}),
  });
  tracker.set('WAITING_FOR_ORDER', `order ${merchantOrderNo}`);
  const wait = waitSettings(input.order, ORDER_DEFAULTS);
  const order = await waitForProvider({
    what: 'card order',
    summary: `Wait for card request ${input.requestRef} to name its card: WasabiCard order ${merchantOrderNo}`,
    deadlineAt: Date.now() + wait.deadlineMs,
    pollIntervalMs: wait.pollIntervalMs,
    notifications,
    poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true, needCardNo: true }),
    read: () =>
      reads(`Read WasabiCard card order ${merchantOrderNo} of card request ${input.requestRef}`).wasabiOrder({
        merchantOrderNo,
        untilFinal: false,
        needCardNo: true,
      }),
    // A success that names no card yet is not an outcome: the card exists, its number follows.
    isFinal: (o) => (o.status === 'success' && o.cardNo !== undefined) || o.status === 'fail',
    about: about.order(sent),
    unknownAtDeadline: wasabiOrderUnknown(tracker, merchantOrderNo, undefined, true),
  });
  const common = {
    provider: 'wasabi' as const,
    orderNo: order.orderNo,
    merchantOrderNo,
    currency: order.currency ?? cardType.currency,
    amount: order.amount ?? input.initialDeposit,
    ...(order.fee ? { fee: order.fee } : {}),
  };
  if (order.status === 'success' && order.cardNo) {
    tracker.setCardRef(order.cardNo);
    tracker.set('ISSUED', `card ${order.cardNo}`);
    return { outcome: 'ISSUED', cardRef: order.cardNo, ...common };
  }
  const reason = order.description ?? 'WasabiCard failed the card order';
  tracker.set('FAILED', reason);
  return { outcome: 'FAILED', ...common, reason };
}
