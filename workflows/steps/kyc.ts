// What a provider does for the KYC flow (workflows/kyc-verification.ts tells the story): upload
// the documents, submit the applicant, follow the review until the provider decides.
import { isCancellation, log, patched } from '@temporalio/workflow';
import type { KycFileIds } from '../../activities/kyc-files';
import type { KycDocuments, KycParsedInput, KycResult, KycState } from '../../src/contract/kyc';
import { idempotentSends } from '../support/activities';
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

/** The document references of one submission, in a stable order. */
export function documentRefs(documents: KycDocuments | undefined): string[] {
  if (!documents) return [];
  return [documents.front, documents.back, documents.selfie].flatMap((doc) => (doc ? [doc.ref] : []));
}

/**
 * Deletes our copies of the documents once the provider has PASSED the KYC that used them. The
 * provider holds its own copy since the upload, and after a pass nothing of ours reads them again;
 * before a decision, or after a rejection, a resubmission may upload them again, so they wait
 * for the age limit (the document retention schedule). A delete that keeps failing does not
 * change the KYC's outcome: the schedule removes those documents at the age limit. Flows recorded
 * before this kept their documents and must replay so.
 */
export async function deleteAcceptedDocuments(refs: readonly string[]): Promise<void> {
  const unique = [...new Set(refs)];
  if (unique.length === 0 || !patched('delete-documents-after-acceptance')) return;
  try {
    await idempotentSends(`Delete our copies of the ${unique.length} accepted KYC documents`).deleteDocuments(
      {
        refs: unique,
      },
    );
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('accepted KYC documents not deleted: the retention schedule deletes them at the age limit', {
      documents: unique.length,
    });
  }
}
