// What an operator's resolution stands for when a money-moving wait reached its deadline on a
// status the profile does not know (waits.ts `unknownAtDeadline`): "applied" is the success the
// provider did not name in a way we know, "not applied" the failure.
import type { KazepayRechargeRecord, WasabiOrderSummary } from '../../activities/interface';
import type { ReconcileOptions } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';
import {
  KAZEPAY_CARD_STATES,
  KAZEPAY_TRANSACTION_STATES,
  unknownStatus,
  WASABI_ORDER_STATES,
} from '../../src/contract/provider-statuses';
import { reads } from './activities';
import { failFlow } from './failures';
import type { FlowTracker } from './flow-tracker';
import type { UnknownAtDeadline } from './waits';

const NOT_APPLIED = 'resolved by an operator as not applied';

/** A KazePay recharge: applied = SUCCESS, not applied = FAILED. */
export function kazepayRechargeUnknown(
  tracker: FlowTracker<string>,
  sent: KazepayRechargeRecord,
  options?: ReconcileOptions,
): UnknownAtDeadline<KazepayRechargeRecord> {
  return {
    tracker,
    ...(options ? { options } : {}),
    unknownStatusOf: (r) => unknownStatus(r.status, KAZEPAY_TRANSACTION_STATES),
    fromResolution: (r) =>
      r.applied ? { ...sent, status: 'SUCCESS' } : { ...sent, status: 'FAILED', reason: NOT_APPLIED },
  };
}

/** A KazePay close: applied = CLOSED; not applied ends the flow as rejected (the card is not closed). */
export function kazepayCloseUnknown(
  tracker: FlowTracker<string>,
  options?: ReconcileOptions,
): UnknownAtDeadline<{ status: string }> {
  return {
    tracker,
    ...(options ? { options } : {}),
    unknownStatusOf: (s) => unknownStatus(s.status, KAZEPAY_CARD_STATES),
    fromResolution: (r) =>
      r.applied
        ? { status: 'CLOSED' }
        : failFlow(tracker, FAILURE_TYPES.providerRejected, `close ${NOT_APPLIED}`),
  };
}

/**
 * A WasabiCard order: the order as it reads now, with the operator's verdict as its status
 * (`success` / `fail`), so its amounts, fee and card come from the provider where it shows them.
 * A card order resolved as applied must name its card: without one nobody can tell which card
 * was issued, so the flow ends as OutcomeUnknown.
 */
export function wasabiOrderUnknown(
  tracker: FlowTracker<string>,
  merchantOrderNo: string,
  options?: ReconcileOptions,
  needCardNo = false,
): UnknownAtDeadline<WasabiOrderSummary> {
  return {
    tracker,
    ...(options ? { options } : {}),
    unknownStatusOf: (o) => unknownStatus(o.status, WASABI_ORDER_STATES),
    fromResolution: async (r) => {
      const order = await reads.wasabiOrder({ merchantOrderNo, untilFinal: false });
      if (r.applied && needCardNo && !order.cardNo)
        failFlow(
          tracker,
          FAILURE_TYPES.outcomeUnknown,
          'card order resolved as applied; the order names no card',
        );
      return r.applied
        ? { ...order, status: 'success' }
        : { ...order, status: 'fail', description: `order ${NOT_APPLIED}` };
    },
  };
}
