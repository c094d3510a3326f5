// What a provider does for the virtual-card issuance flow (workflows/virtual-card-issuance.ts
// tells the story): check the card type and the cardholder, then open the card and follow the
// order until it is issued or fails.
import type { IssuanceParsedInput, IssuanceResult, IssuanceState } from '../../src/contract/issuance';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

export type IssuanceTracker = FlowTracker<IssuanceState>;

/** Opens the card and follows its order to the end: from its first call on, money moves. */
export type IssuanceOpen = (notifications: Notifications) => Promise<IssuanceResult>;

/** `I`: the input as the provider's own variant of the contract reads it. */
export interface IssuanceSteps<I extends IssuanceParsedInput = IssuanceParsedInput> {
  /** Reads and checks only (a failure here frees the requestRef); answers the open. */
  prepare(input: I, tracker: IssuanceTracker): Promise<IssuanceOpen>;
}
