// KazePay's reading of an operator's resolution (workflows/support/unknown-status.ts): a recharge
// or a close whose status at the deadline was one the profile does not know.
import type { KazepayRechargeRecord } from '../../activities/kazepay/interface';
import type { ReconcileOptions } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';
import {
  KAZEPAY_CARD_STATES,
  KAZEPAY_TRANSACTION_STATES,
  unknownStatus,
} from '../../src/contract/provider-statuses';
import { failFlow } from '../support/failures';
import type { FlowTracker } from '../support/flow-tracker';
import { NOT_APPLIED } from '../support/unknown-status';
import type { UnknownAtDeadline } from '../support/waits';

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
