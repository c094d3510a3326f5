// WasabiCard's reading of an operator's resolution (workflows/support/unknown-status.ts): an
// order whose status at the deadline was one the profile does not know.
import type { WasabiOrderSummary } from '../../activities/wasabi/interface';
import type { ReconcileOptions } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { unknownStatus, WASABI_ORDER_STATES } from '../../src/contract/provider-statuses';
import { reads } from '../support/activities';
import { failFlow } from '../support/failures';
import type { FlowTracker } from '../support/flow-tracker';
import { NOT_APPLIED } from '../support/unknown-status';
import type { UnknownAtDeadline } from '../support/waits';

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
      const order = await reads(
        `Read WasabiCard order ${merchantOrderNo} to apply the operator's resolution`,
      ).wasabiOrder({ merchantOrderNo, untilFinal: false });
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
