// physicalCardActivation: KazePay: (KYC must have PASSED) ucardAssign binds the physical card to
// the customer, the cardholder receives an activation code, ucardActive, wait for ACTIVE, then
// cardSetPin. WasabiCard physical cards: the code arrives, activeCard (with the PIN), wait for the
// activation result. The card number and the PIN reach the activities as secret handles only.
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { FAILURE_STATES } from './failures';
import { refSchema, secretHandleSchema, reconcileOptionsSchema, waitOptionsSchema } from './common';

const common = {
  customerRef: refSchema,
  /** The caller's reference for this activation request. */
  requestRef: refSchema,
  /** Handle to the PIN in the secret store; may instead arrive later through `providePin`. */
  pinHandle: secretHandleSchema.optional(),
  /** Bounds the wait for the cardholder's activation code (default 30d). */
  codeWait: waitOptionsSchema.pick({ deadline: true }).optional(),
  /** Bounds the wait for the card to become ACTIVE (default 1h, polled every 30s). */
  activation: waitOptionsSchema.optional(),
  /** How an unknown outcome is reconciled (settle 30s, resolveWithin 30d when absent). */
  reconcile: reconcileOptionsSchema.optional(),
  /** Wrong codes accepted before the flow gives up (default 3). */
  maxCodeAttempts: z.number().int().min(1).max(10).optional(),
};

export const activationInputSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('kazepay'),
    ...common,
    /** The customer's KazePay identity (the email KYC was submitted with). */
    email: z.email(),
    /** Handle to the printed card number in the secret store (a card number never enters history). */
    cardNumberHandle: secretHandleSchema,
    /** KazePay activates the card on assignment: no code is awaited. */
    autoActive: z.boolean().default(false),
  }),
  z.object({
    provider: z.literal('wasabi'),
    ...common,
    /** WasabiCard's card id (`cardNo`) of the physical card. */
    cardRef: refSchema,
    /** Largest payment without PIN, USD (0-2000, provider default 500). */
    noPinPaymentAmount: z
      .string()
      .regex(/^\d{1,4}(\.\d{1,2})?$/)
      .optional(),
  }),
]);
export type ActivationInput = z.input<typeof activationInputSchema>;
export type ActivationParsedInput = z.output<typeof activationInputSchema>;

export const ACTIVATION_STATES = [
  'CHECKING_KYC',
  'ASSIGNING',
  'WAITING_FOR_ACTIVATION_CODE',
  'ACTIVATING',
  'WAITING_FOR_ACTIVE',
  'WAITING_FOR_PIN',
  'SETTING_PIN',
  'ACTIVE',
  ...FAILURE_STATES,
] as const;
export type ActivationState = (typeof ACTIVATION_STATES)[number];

export interface ActivationResult {
  outcome: 'ACTIVE';
  provider: 'kazepay' | 'wasabi';
  /** The provider's card id (KazePay cardID, WasabiCard cardNo): never the card number. */
  cardRef: string;
  pinSet: boolean;
  codeAttempts: number;
}

/** Activation codes: what cardholders receive by message. Checked for shape before the flow sees it. */
export const activationCodeSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9]{4,16}$/, 'expected 4-16 letters or digits'),
});
export interface ActivationCodeOutcome {
  accepted: boolean;
  /** Wrong codes still allowed after this one. */
  attemptsLeft: number;
  reason?: string;
}
export const submitActivationCodeUpdate = defineUpdate<
  ActivationCodeOutcome,
  [z.infer<typeof activationCodeSchema>]
>('submitActivationCode');

export const providePinSchema = z.object({ pinHandle: secretHandleSchema });
export const providePinUpdate = defineUpdate<{ accepted: true }, [z.infer<typeof providePinSchema>]>(
  'providePin',
);
