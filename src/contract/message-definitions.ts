// The messages every flow answers, without their zod schemas (messages.ts): the workflows register
// their handlers from here and construct no schema graph until a message needs checking.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FlowStatus } from './common';

/** Every flow answers its current state. */
export const stateQuery = defineQuery<FlowStatus>('state');

/**
 * A verified provider notification (webhook) for this flow. It only makes the flow look at the
 * provider now instead of at its next poll: the flow still reads the provider's state itself,
 * so polling alone stays correct and a notification can never invent an outcome.
 */
export interface ProviderNotification {
  /** Provider event name (KazePay apiCode, WasabiCard X-WSB-CATEGORY). */
  event: string;
  /** The business key it is about (order no, holder id, card id, transaction id). */
  key: string;
  /** The status the provider reported, as sent. */
  status?: string | undefined;
}
export const providerNotificationSignal = defineSignal<[ProviderNotification]>('providerNotification');

/**
 * An operator's answer to a flow in NEEDS_RECONCILIATION, after checking the provider by hand:
 * the call took effect (with the provider's transaction id where the step needs one), or it did
 * not (the flow then sends it again). Recorded in the flow's state detail and history.
 */
export type OutcomeResolution =
  | { applied: true; transactionId?: string | undefined; note?: string | undefined }
  | { applied: false; note?: string | undefined };
export const resolveOutcomeUpdate = defineUpdate<{ accepted: true }, [OutcomeResolution]>('resolveOutcome');
