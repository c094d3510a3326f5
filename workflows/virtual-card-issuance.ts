// The virtual-card issuance flow: check the card type and the cardholder, open the card, follow
// the order until the card is issued or the order fails. The provider's steps come from the
// registry (workflows/providers.ts); a provider that issues no virtual cards says so there.
/* eslint-disable @typescript-eslint/no-require-imports -- the zod schema loads only for an input the plain check does not pass (support/input.ts) */
import { CancellationScope } from '@temporalio/workflow';
import type * as Issuance from '../src/contract/issuance';
import type { IssuanceInput, IssuanceResult, IssuanceState } from '../src/contract/issuance';
import { checkIssuanceInput } from '../src/contract/input-checks/issuance';
import { stepsFor } from './providers';
import type { IssuanceTracker } from './steps/issuance';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { INITIAL_STATES } from '../src/contract/initial-states';
import { checkInput } from './support/input';
import { Notifications } from './support/waits';

/** Open a virtual card and follow the order until it succeeds or fails. */
export async function virtualCardIssuance(rawInput: IssuanceInput): Promise<IssuanceResult> {
  const input = checkInput(
    checkIssuanceInput,
    () => (require('../src/contract/issuance') as typeof Issuance).issuanceInputSchema,
    rawInput,
    'virtualCardIssuance input',
  );
  const tracker: IssuanceTracker = new FlowTracker<IssuanceState>(
    'virtualCardIssuance',
    input.provider,
    INITIAL_STATES.virtualCardIssuance,
    { customerRef: input.customerRef },
  );
  const notifications = new Notifications();
  // Until the order is sent the flow has only read the provider: a failure then frees the requestRef.
  let sending = false;
  try {
    const open = await stepsFor(input.provider, 'issuance').prepare(input, tracker);
    // From here on money moves (card price, initial deposit): shielded from cancellation, still
    // bounded by the order's deadline, and reported with `cancelRequested`.
    sending = true;
    const result = await CancellationScope.nonCancellable(() => open(notifications));
    const cancelRequested = CancellationScope.current().consideredCancelled;
    return cancelRequested ? { ...result, cancelRequested } : result;
  } catch (error) {
    endWithFailure(tracker, error, `issuance in state ${tracker.state}`, { nothingSent: !sending });
  }
}
