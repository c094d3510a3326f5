// What a provider does for the physical-card activation flow (workflows/physical-card-activation.ts
// tells the story): get the card to the customer's account, activate it with the cardholder's
// code, set the PIN. Codes and PIN handles arrive through the flow's inbox.
import type { ActivationParsedInput, ActivationResult, ActivationState } from '../../src/contract/activation';
import type { ActivationInbox } from '../support/activation-inbox';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

export const ACTIVATION_DEFAULTS = { deadline: '1h', pollInterval: '30s' };
export const CODE_WAIT_DEFAULT = '30d';
export const DEFAULT_MAX_CODE_ATTEMPTS = 3;

export type ActivationTracker = FlowTracker<ActivationState>;

/** `I`: the input as the provider's own variant of the contract reads it. */
export interface ActivationSteps<I extends ActivationParsedInput = ActivationParsedInput> {
  /** The state the flow starts in, and the card it is about when the input already names one. */
  start(input: I): { state: ActivationState; cardRef?: string };
  activate(
    input: I,
    tracker: ActivationTracker,
    inbox: ActivationInbox,
    notifications: Notifications,
  ): Promise<ActivationResult>;
}
