// The physical-card activation flow: get the card to the customer, activate it with the
// cardholder's code, set the PIN. The provider's steps come from the registry
// (workflows/providers.ts); codes and PIN handles arrive through the inbox.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import {
  type ActivationInput,
  type ActivationResult,
  type ActivationState,
  activationInputSchema,
} from '../src/contract/activation';
import { stepsFor } from './providers';
import type { ActivationTracker } from './steps/activation';
import { ActivationInbox } from './support/activation-inbox';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { Notifications } from './support/waits';

/** Get a physical card to the customer, activate it with the cardholder's code, set the PIN. */
export async function physicalCardActivation(rawInput: ActivationInput): Promise<ActivationResult> {
  const input = parseInput(activationInputSchema, rawInput, 'physicalCardActivation input');
  const steps = stepsFor(input.provider, 'activation');
  const start = steps.start(input);
  const tracker: ActivationTracker = new FlowTracker<ActivationState>(
    'physicalCardActivation',
    input.provider,
    start.state,
    { customerRef: input.customerRef, ...(start.cardRef ? { cardRef: start.cardRef } : {}) },
  );
  const inbox = new ActivationInbox(tracker, input.pinHandle);
  const notifications = new Notifications();
  try {
    const result = await steps.activate(input, tracker, inbox, notifications);
    await condition(allHandlersFinished);
    return result;
  } catch (error) {
    // Let a waiting code submitter read its answer before the flow ends.
    inbox.abandon();
    await condition(allHandlersFinished);
    endWithFailure(tracker, error, `activation in state ${tracker.state}`);
  }
}
