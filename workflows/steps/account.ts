// What a provider does for the card-account workflow (workflows/card-account.ts tells the story;
// its deposits and closure are child flows with steps of their own): freeze and unfreeze.
import type { CardAccountParsedInput, CardAccountState } from '../../src/contract/card-account';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

/** What a freeze or unfreeze may use of the account running it. */
export interface FreezeContext {
  input: CardAccountParsedInput;
  tracker: FlowTracker<CardAccountState>;
  notifications: Notifications;
  /** Operations the account has run so far, this one included: a new order key per operation. */
  operations: number;
  /** Adds a line to the account's recent operations. */
  remember(op: string, ref: string, outcome: string): void;
}

export interface AccountSteps {
  /** Freezes (or unfreezes) the card; throws when the provider refuses, the account keeping its state. */
  setFrozen(account: FreezeContext, frozen: boolean): Promise<void>;
}
