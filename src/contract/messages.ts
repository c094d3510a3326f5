// Messages shared by every flow.
import { defineQuery, defineSignal } from '@temporalio/workflow';
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
