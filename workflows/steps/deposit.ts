// What a provider does for the deposit flow (workflows/card-deposit.ts tells the story): check
// the card, then send the deposit and follow it until it settles or fails.
import type { DepositParsedInput, DepositResult, DepositState } from '../../src/contract/deposit';
import { waitSettings } from '../support/durations';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

/** How a deposit waits for settlement when its input says nothing (the account follows it the same way). */
export const SETTLEMENT_DEFAULTS = { deadline: '24h', pollInterval: '30s' };

export type DepositTracker = FlowTracker<DepositState>;

/** Sends the deposit and follows it to its end: from its first call on, money may move. */
export type DepositSend = (notifications: Notifications) => Promise<DepositResult>;

export interface DepositSteps {
  /** Reads and checks only (a failure here frees the depositRef); answers the send. */
  prepare(input: DepositParsedInput, tracker: DepositTracker): Promise<DepositSend>;
}

export function settlementWait(input: DepositParsedInput) {
  const wait = waitSettings(input.settlement, SETTLEMENT_DEFAULTS);
  return { deadlineAt: Date.now() + wait.deadlineMs, pollIntervalMs: wait.pollIntervalMs };
}

export function finishDeposit(tracker: DepositTracker, result: DepositResult): DepositResult {
  tracker.set(result.outcome, result.reason ?? `transaction ${result.providerTransactionId}`);
  return result;
}
