// The deposit flow: check the card, send the deposit, follow it until it settles or fails. The
// provider's steps come from the registry (workflows/providers.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- the zod schema loads only for an input the plain check does not pass (support/input.ts) */
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type * as Deposit from '../src/contract/deposit';
import type { DepositInput, DepositResult, DepositState } from '../src/contract/deposit';
import { checkDepositInput } from '../src/contract/input-checks/deposit';
import { stepsFor } from './providers';
import { type DepositTracker } from './steps/deposit';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { INITIAL_STATES } from '../src/contract/initial-states';
import { checkInput } from './support/input';
import { Notifications } from './support/waits';

/**
 * Fund a card and follow the deposit until it settles or fails. Once the deposit is sent, an
 * operator's cancellation no longer stops the flow: money may be moving, so the deposit is
 * followed to its end and reported (with `cancelRequested`).
 */
export async function cardDeposit(rawInput: DepositInput): Promise<DepositResult> {
  const input = checkInput(
    checkDepositInput,
    () => (require('../src/contract/deposit') as typeof Deposit).depositInputSchema,
    rawInput,
    'cardDeposit input',
  );
  const tracker: DepositTracker = new FlowTracker<DepositState>(
    'cardDeposit',
    input.provider,
    INITIAL_STATES.cardDeposit,
    {
      cardRef: input.cardRef,
      ...(input.customerRef ? { customerRef: input.customerRef } : {}),
    },
  );
  const notifications = new Notifications();
  // Until the send starts the flow has only read the provider: a failure then frees the depositRef.
  let sending = false;
  try {
    const send = await stepsFor(input.provider, 'deposit').prepare(input, tracker);
    sending = true;
    // From here on money may move: shielded from cancellation, still bounded by its deadline.
    const result = await CancellationScope.nonCancellable(() => send(notifications));
    const cancelRequested = CancellationScope.current().consideredCancelled;
    return cancelRequested ? { ...result, cancelRequested } : result;
  } catch (error) {
    if (isCancellation(error)) tracker.set('CANCELLED', 'cancelled before anything was sent');
    endWithFailure(tracker, error, `deposit in state ${tracker.state}`, { nothingSent: !sending });
  }
}
