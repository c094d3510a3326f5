// The provider statuses the engine knows, as the activities report them (KazePay's configured
// names already mapped onto these; WasabiCard's compared case-insensitively). Anything else is a
// status the profile does not know: never an outcome, and at a money-moving wait's deadline a
// case for a person (UNKNOWN_STATUS).

/** KazePay transaction states after normalisation (KAZEPAY_TRANSACTION_*_STATUS map onto these). */
export const KAZEPAY_TRANSACTION_STATES = ['PENDING', 'SUCCESS', 'FAILED'] as const;

/**
 * KazePay card states after normalisation: the seed's ACTIVE, INACTIVE, ACTIVE_PROCESSING and
 * CLOSE_PROCESSING, and the configured closed, activation-failed and awaiting-activation names.
 */
export const KAZEPAY_CARD_STATES = [
  'ACTIVE',
  'INACTIVE',
  'ACTIVE_PROCESSING',
  'CLOSE_PROCESSING',
  'CLOSED',
  'ACTIVE_FAILED',
  'WAITING_ACTIVE',
] as const;

/** WasabiCard order states (seed 002), and `not_listed` for an order the listing does not show yet. */
export const WASABI_ORDER_STATES = ['wait_process', 'processing', 'success', 'fail', 'not_listed'] as const;

/** The status itself when `known` does not list it (compared case-insensitively), else undefined. */
export function unknownStatus(status: string, known: readonly string[]): string | undefined {
  const s = status.toLowerCase();
  return known.some((k) => k.toLowerCase() === s) ? undefined : status;
}
