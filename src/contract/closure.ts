// cardClosure: close a card and follow it until closed, recording the refund. KazePay closeCard
// answers CLOSE_PROCESSING with refundAmt, then the card closes; WasabiCard cancel is an order
// that on success refunds the remaining balance to the merchant account (receivedAmount).
import { z } from 'zod';
import { FAILURE_STATES } from './failures';
import { providerSchema, refSchema, reconcileOptionsSchema, waitOptionsSchema } from './common';

export const closureInputSchema = z.object({
  provider: providerSchema,
  cardRef: refSchema,
  customerRef: refSchema.optional(),
  /** Bounds the wait for the close to complete (default 24h, polled every 30s). */
  completion: waitOptionsSchema.optional(),
  /** How an unknown outcome is reconciled (settle 30s, resolveWithin 30d when absent). */
  reconcile: reconcileOptionsSchema.optional(),
});
export type ClosureInput = z.input<typeof closureInputSchema>;
export type ClosureParsedInput = z.output<typeof closureInputSchema>;

export const CLOSURE_STATES = [
  'CLOSING',
  'RECONCILING',
  'WAITING_FOR_CLOSE',
  'CLOSED',
  ...FAILURE_STATES,
] as const;
export type ClosureState = (typeof CLOSURE_STATES)[number];

export interface ClosureResult {
  outcome: 'CLOSED';
  provider: 'kazepay' | 'wasabi';
  cardRef: string;
  /** The balance returned to the merchant account. */
  refundAmount: string;
  currency: string;
  /** What the provider kept for closing the card (WasabiCard's cancel fee), when it reports one. */
  fee?: string;
  /** KazePay txnId / WasabiCard orderNo. */
  providerTransactionId: string;
}
