// What a provider does for the KYC flow (workflows/kyc-verification.ts tells the story): upload
// the documents, submit the applicant, follow the review until the provider decides.
import type { KycFileIds } from '../../activities/kyc-files';
import type { KycDocuments, KycParsedInput, KycResult, KycState } from '../../src/contract/kyc';
import type { FlowTracker } from '../support/flow-tracker';
import type { Notifications } from '../support/waits';

export const REVIEW_DEFAULTS = { deadline: '7d', pollInterval: '1m' };

export type KycTracker = FlowTracker<KycState>;

/** `I`: the input as the provider's own variant of the contract reads it. */
export interface KycSteps<I extends KycParsedInput = KycParsedInput> {
  verify(input: I, tracker: KycTracker, notifications: Notifications): Promise<KycResult>;
}

/** Uploads the documents one by one (order kept stable for replay). */
export async function uploadAll(
  documents: KycDocuments,
  uploadOne: (doc: { ref: string }) => Promise<string>,
): Promise<KycFileIds> {
  const front = await uploadOne(documents.front);
  const back = documents.back ? await uploadOne(documents.back) : undefined;
  const selfie = documents.selfie ? await uploadOne(documents.selfie) : undefined;
  return { front, ...(back ? { back } : {}), ...(selfie ? { selfie } : {}) };
}
