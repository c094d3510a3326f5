// The closure flow: close a card and follow it until it is closed, with its refund recorded. The
// provider's steps come from the registry (workflows/providers.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- the zod schema loads only for an input the plain check does not pass (support/input.ts) */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type * as Closure from '../src/contract/closure';
import type { ClosureInput, ClosureResult, ClosureState } from '../src/contract/closure';
import { checkClosureInput } from '../src/contract/input-checks/closure';
import { stepsFor } from './providers';
import type { ClosureTracker } from './steps/closure';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { INITIAL_STATES } from '../src/contract/initial-states';
import { checkInput } from './support/input';
import { Notifications } from './support/waits';

/**
 * Close a card and follow it until closed, with the refund recorded. The close is sent at the
 * start; from then on it is followed to its end even if an operator cancels (the balance is on
 * its way back to the merchant account and must be reported).
 */
export async function cardClosure(rawInput: ClosureInput): Promise<ClosureResult> {
  const input = checkInput(
    checkClosureInput,
    () => (require('../src/contract/closure') as typeof Closure).closureInputSchema,
    rawInput,
    'cardClosure input',
  );
  const tracker: ClosureTracker = new FlowTracker<ClosureState>(
    'cardClosure',
    input.provider,
    INITIAL_STATES.cardClosure,
    {
      cardRef: input.cardRef,
      ...(input.customerRef ? { customerRef: input.customerRef } : {}),
    },
  );
  const notifications = new Notifications();
  try {
    const steps = stepsFor(input.provider, 'closure');
    return await CancellationScope.nonCancellable(() => steps.close(input, tracker, notifications));
  } catch (error) {
    if (isCancellation(error)) tracker.set('CANCELLED');
    endWithFailure(tracker, error, `closure in state ${tracker.state}`);
  }
}
