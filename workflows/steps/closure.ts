// What a provider does for the closure flow (workflows/card-closure.ts tells the story): send
// the close and follow it until the card is closed and its refund is known.
import type { ClosureParsedInput, ClosureResult, ClosureState } from '../../src/contract/closure';
import { waitSettings } from '../support/durations';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

const COMPLETION_DEFAULTS = { deadline: '24h', pollInterval: '30s' };

export type ClosureTracker = FlowTracker<ClosureState>;

export interface ClosureSteps {
  /** Sends the close and follows it to its end; runs shielded from cancellation. */
  close(
    input: ClosureParsedInput,
    tracker: ClosureTracker,
    notifications: Notifications,
  ): Promise<ClosureResult>;
}

export function completionWait(input: ClosureParsedInput) {
  const wait = waitSettings(input.completion, COMPLETION_DEFAULTS);
  return { deadlineAt: Date.now() + wait.deadlineMs, pollIntervalMs: wait.pollIntervalMs };
}
