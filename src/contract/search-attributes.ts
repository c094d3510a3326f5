// Search attribute keys the engine sets on its workflows. Values are opaque references only:
// never a card number, a name, an email or any other personal data (they are not encrypted).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** `kazepay` or `wasabi`. */
export const CardProvider = defineSearchAttributeKey('CardProvider', SearchAttributeType.KEYWORD);
/** The workflow type, e.g. `cardDeposit`. */
export const CardFlow = defineSearchAttributeKey('CardFlow', SearchAttributeType.KEYWORD);
/** The flow's current state, e.g. `WAITING_FOR_PROVIDER`, `COMPLETED`, `FAILED_REJECTED`. */
export const CardState = defineSearchAttributeKey('CardState', SearchAttributeType.KEYWORD);
/** The caller's opaque customer reference (never an email or a name). */
export const CustomerRef = defineSearchAttributeKey('CustomerRef', SearchAttributeType.KEYWORD);
/** The provider's card id (never a card number). */
export const CardRef = defineSearchAttributeKey('CardRef', SearchAttributeType.KEYWORD);

/**
 * The key a provider's notifications name this flow by, when that is not the card id: set when
 * the flow starts, so any API replica finds the flow from the notification alone. A WasabiCard
 * KYC: `wasabi-holder:<merchantOrderNo of its holder>`; a KazePay KYC: `kazepay-email:<keyed digest
 * of the applicant's email>` (an HMAC, never the email: src/client/notification-keys.ts).
 */
export const NotificationKey = defineSearchAttributeKey('NotificationKey', SearchAttributeType.KEYWORD);

/** Every key, for registering on a namespace (dev server flags, operator commands, tests). */
export const CARD_SEARCH_ATTRIBUTES = [
  CardProvider,
  CardFlow,
  CardState,
  CustomerRef,
  CardRef,
  NotificationKey,
] as const;
