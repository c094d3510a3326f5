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

/** Every key, for registering on a namespace (dev server flags, operator commands, tests). */
export const CARD_SEARCH_ATTRIBUTES = [CardProvider, CardFlow, CardState, CustomerRef, CardRef] as const;
