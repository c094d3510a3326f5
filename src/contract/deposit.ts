// cardDeposit: fund a card and follow the deposit until settled or failed. WasabiCard: deposit
// order (merchantOrderNo from the workflow id) -> success | fail. KazePay: cardRecharge ->
// PENDING -> settled, followed through queryTransactions. A deposit whose answer was lost is
// reconciled against the provider's records before anything is sent again.
import { z } from 'zod';
import { FAILURE_STATES } from './failures';
import { positiveAmount } from './money-schemas';
import { providerSchema, refSchema, reconcileOptionsSchema, waitOptionsSchema } from './common';

export const depositInputSchema = z.object({
  provider: providerSchema,
  cardRef: refSchema,
  /** The caller's reference for this deposit: the same reference is the same deposit. */
  depositRef: refSchema,
  amount: positiveAmount(6),
  currency: z.string().regex(/^[A-Z]{3,5}$/, 'expected a currency code such as USD'),
  customerRef: refSchema.optional(),
  /** Bounds the wait for settlement (default 24h, polled every 30s). */
  settlement: waitOptionsSchema.optional(),
  /** How an unknown outcome is reconciled (settle 30s, resolveWithin 30d when absent). */
  reconcile: reconcileOptionsSchema.optional(),
});
export type DepositInput = z.input<typeof depositInputSchema>;

/**
 * What a depositRef moves. A depositRef moves money at most once for the life of a card,
 * whichever door it came through (the HTTP API, the typed client, the card account, the CLI):
 * every door starts the deposit flow under the ref's workflow id, never reusing it, and a repeat
 * whose terms differ from the first flow's input is refused as a conflict.
 */
export interface DepositTerms {
  amount: string;
  currency: string;
}
export type DepositParsedInput = z.output<typeof depositInputSchema>;

export const DEPOSIT_STATES = [
  'CHECKING',
  'SENDING',
  'RECONCILING',
  'WAITING_FOR_SETTLEMENT',
  'SETTLED',
  /** The provider failed the deposit (money returned to the merchant account). */
  'FAILED',
  ...FAILURE_STATES,
] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];

export interface DepositResult {
  outcome: 'SETTLED' | 'FAILED';
  provider: 'kazepay' | 'wasabi';
  cardRef: string;
  depositRef: string;
  amount: string;
  currency: string;
  /** What reached the card (after fees), when the provider reports it. */
  receivedAmount?: string;
  fee?: string;
  /** KazePay transactionId / WasabiCard orderNo. */
  providerTransactionId: string;
  reason?: string;
  /**
   * An operator asked to cancel after the deposit was sent: money may already be moving, so the
   * deposit was followed to its end regardless and is reported here.
   */
  cancelRequested?: boolean;
}
