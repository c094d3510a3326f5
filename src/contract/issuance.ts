// virtualCardIssuance (WasabiCard): pick a card type and check the request against its limits,
// make sure the cardholder passed review when the type needs one, open the card with a
// merchantOrderNo derived from the workflow id, follow the order to success or fail.
// Card number, CVV and expiry never enter history: the result carries the provider's card id.
import { z } from 'zod';
import { FAILURE_STATES } from './failures';
import { positiveAmount } from './money-schemas';
import { refSchema, waitOptionsSchema } from './common';

export const issuanceInputSchema = z.object({
  provider: z.literal('wasabi'),
  customerRef: refSchema,
  requestRef: refSchema,
  cardTypeId: z.string().regex(/^\d{1,19}$/),
  /** First load of the card, in the card type's recharge currency. */
  initialDeposit: positiveAmount(6),
  /** WasabiCard cardholder id (from kycVerification), required when the card type needs one. */
  holderId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  /** Bounds the wait for the order (default 1h, polled every 15s). */
  order: waitOptionsSchema.optional(),
});
export type IssuanceInput = z.input<typeof issuanceInputSchema>;
export type IssuanceParsedInput = z.output<typeof issuanceInputSchema>;

export const ISSUANCE_STATES = [
  'CHECKING',
  'OPENING',
  'RECONCILING',
  'WAITING_FOR_ORDER',
  'ISSUED',
  /** The provider failed the order (money returned to the merchant account). */
  'FAILED',
  ...FAILURE_STATES,
] as const;
export type IssuanceState = (typeof ISSUANCE_STATES)[number];

export interface IssuanceResult {
  outcome: 'ISSUED' | 'FAILED';
  provider: 'wasabi';
  /** WasabiCard's card id (`cardNo`), when issued. */
  cardRef?: string;
  orderNo: string;
  merchantOrderNo: string;
  currency: string;
  amount: string;
  fee?: string;
  reason?: string;
  /**
   * An operator asked to cancel after the order was sent: the card price and initial deposit may
   * already be moving, so the order was followed to its end regardless and is reported here.
   */
  cancelRequested?: boolean;
}
