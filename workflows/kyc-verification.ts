// The KYC flow: upload the documents, submit the applicant, follow the review until the
// provider decides. The provider's steps come from the registry (workflows/providers.ts).
import { type KycInput, type KycResult, type KycState, kycInputSchema } from '../src/contract/kyc';
import { stepsFor } from './providers';
import type { KycTracker } from './steps/kyc';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { Notifications } from './support/waits';

/** Upload the documents, submit KYC, follow it until the provider decides. */
export async function kycVerification(rawInput: KycInput): Promise<KycResult> {
  const input = parseInput(kycInputSchema, rawInput, 'kycVerification input');
  const tracker: KycTracker = new FlowTracker<KycState>('kycVerification', input.provider, 'SUBMITTING', {
    customerRef: input.customerRef,
  });
  const notifications = new Notifications();
  try {
    return await stepsFor(input.provider, 'kyc').verify(input, tracker, notifications);
  } catch (error) {
    endWithFailure(tracker, error, `KYC in state ${tracker.state}`);
  }
}
