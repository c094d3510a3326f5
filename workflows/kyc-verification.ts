// The KYC flow: upload the documents, submit the applicant, follow the review until the
// provider decides. The provider's steps come from the registry (workflows/providers.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- the zod schema loads only for an input the plain check does not pass (support/input.ts) */
import { checkKycInput } from '../src/contract/input-checks/kyc';
import type * as Kyc from '../src/contract/kyc';
import type { KycInput, KycResult, KycState } from '../src/contract/kyc';
import { stepsFor } from './providers';
import type { KycTracker } from './steps/kyc';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { INITIAL_STATES } from '../src/contract/initial-states';
import { checkInput } from './support/input';
import { Notifications } from './support/waits';

/** Upload the documents, submit KYC, follow it until the provider decides. */
export async function kycVerification(rawInput: KycInput): Promise<KycResult> {
  const input = checkInput(
    checkKycInput,
    () => (require('../src/contract/kyc') as typeof Kyc).kycInputSchema,
    rawInput,
    'kycVerification input',
  );
  const tracker: KycTracker = new FlowTracker<KycState>(
    'kycVerification',
    input.provider,
    INITIAL_STATES.kycVerification,
    {
      customerRef: input.customerRef,
    },
  );
  const notifications = new Notifications();
  try {
    return await stepsFor(input.provider, 'kyc').verify(input, tracker, notifications);
  } catch (error) {
    endWithFailure(tracker, error, `KYC in state ${tracker.state}`);
  }
}
