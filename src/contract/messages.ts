// Messages shared by every flow.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { FlowStatus } from './common';

/** Every flow answers its current state. */
export const stateQuery = defineQuery<FlowStatus>('state');

/**
 * A verified provider notification (webhook) for this flow. It only makes the flow look at the
 * provider now instead of at its next poll: the flow still reads the provider's state itself,
 * so polling alone stays correct and a notification can never invent an outcome.
 */
export const providerNotificationSchema = z.object({
  /** Provider event name (KazePay apiCode, WasabiCard X-WSB-CATEGORY). */
  event: z.string().min(1).max(64),
  /** The business key it is about (order no, holder id, card id, transaction id). */
  key: z.string().min(1).max(128),
  /** The status the provider reported, as sent. */
  status: z.string().max(64).optional(),
});
export type ProviderNotification = z.infer<typeof providerNotificationSchema>;
export const providerNotificationSignal = defineSignal<[ProviderNotification]>('providerNotification');

/**
 * An operator's answer to a flow in NEEDS_RECONCILIATION, after checking the provider by hand:
 * the call took effect (with the provider's transaction id where the step needs one), or it did
 * not (the flow then sends it again). Recorded in the flow's state detail and history.
 */
export const outcomeResolutionSchema = z.discriminatedUnion('applied', [
  z.object({
    applied: z.literal(true),
    transactionId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected the provider transaction id')
      .optional(),
    note: z.string().max(200).optional(),
  }),
  z.object({ applied: z.literal(false), note: z.string().max(200).optional() }),
]);
export type OutcomeResolution = z.infer<typeof outcomeResolutionSchema>;
export const resolveOutcomeUpdate = defineUpdate<{ accepted: true }, [OutcomeResolution]>('resolveOutcome');
