// KazePay's KYC steps: documents uploaded and submitted (no idempotency key: a lost answer is
// reconciled by reading the email's KYC status), or a hosted KYC page; then the review is followed.
import { patched, setHandler } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../src/contract/failures';
import type { KycParsedInput, KycResult } from '../../src/contract/kyc';
import { kycUrlQuery } from '../../src/contract/kyc-messages';
import { idempotentSends, reads, unkeyedSends } from '../support/activities';
import { waitSettings } from '../support/durations';
import { failFlow } from '../support/failures';
import { sendReconciled } from '../support/reconcile';
import { about, waitForProvider } from '../support/waits';
import {
  deleteAcceptedDocuments,
  documentRefs,
  type KycSteps,
  REVIEW_DEFAULTS,
  uploadAll,
} from '../steps/kyc';

type KazepayKycInput = Extract<KycParsedInput, { provider: 'kazepay' }>;

export const kazepayKyc: KycSteps<KazepayKycInput> = {
  async verify(input, tracker, notifications): Promise<KycResult> {
    const { applicant } = input;
    let kycUrl: string | null = null;
    setHandler(kycUrlQuery, () => kycUrl);
    const email = applicant.email;
    const alreadySubmitted = async () => {
      // The status answer of a submission that did land; null when KazePay has no KYC for the email.
      const { status } = await reads(
        `Look for the KYC submission of customer ${input.customerRef} (its answer was lost)`,
      ).kazepayKycStatus({ email, untilDecided: false });
      return status === 'NONE' ? null : { status };
    };

    if (input.mode === 'hosted') {
      const started = await sendReconciled({
        what: 'hosted KYC start',
        tracker,
        ...(input.reconcile ? { options: input.reconcile } : {}),
        send: async () =>
          (
            await unkeyedSends(
              `Start the hosted KYC page of customer ${input.customerRef}`,
            ).kazepayStartHostedKyc({
              applicant,
            })
          ).kycUrl,
        // A hosted KYC whose answer was lost cannot give its URL back: start it again.
        reconcile: async () => null,
        fromResolution: () => '',
      });
      kycUrl = started;
      tracker.set('WAITING_FOR_CUSTOMER', 'the customer completes KYC at the KazePay page');
    } else {
      const documents = input.documents;
      if (!documents?.selfie) {
        failFlow(
          tracker,
          FAILURE_TYPES.validationFailed,
          'KazePay KYC needs documents.front and documents.selfie (handheld)',
        );
      }
      if (applicant.identification.type === 'ID_CARD' && !documents.back) {
        failFlow(tracker, FAILURE_TYPES.validationFailed, 'an ID_CARD needs documents.back');
      }
      tracker.set('UPLOADING_DOCUMENTS');
      const fileIds = await uploadAll(documents, (document) =>
        idempotentSends(`Upload a KYC document of customer ${input.customerRef}`)
          .kazepayUploadDocument({
            document,
            email,
            mobilePrefix: applicant.mobile.prefix,
            mobileNumber: applicant.mobile.number,
          })
          .then((r) => r.fileId),
      );
      tracker.set('SUBMITTING');
      await sendReconciled({
        what: 'KYC submission',
        tracker,
        ...(input.reconcile ? { options: input.reconcile } : {}),
        send: () =>
          unkeyedSends(`Submit the KYC of customer ${input.customerRef}`).kazepaySubmitKyc({
            applicant,
            fileIds,
          }),
        reconcile: alreadySubmitted,
        fromResolution: () => ({ status: 'WAITING_KYC' }),
      });
      tracker.set('WAITING_FOR_REVIEW');
    }

    const review = waitSettings(input.review, REVIEW_DEFAULTS);
    const decided = await waitForProvider({
      what: 'KYC review',
      summary: `Wait for KazePay's review of the KYC of customer ${input.customerRef}`,
      deadlineAt: Date.now() + review.deadlineMs,
      pollIntervalMs: review.pollIntervalMs,
      notifications,
      poll: (a) => a.kazepayKycStatus({ email, untilDecided: true }),
      read: () =>
        reads(`Read the KYC status of customer ${input.customerRef}`).kazepayKycStatus({
          email,
          untilDecided: false,
        }),
      isFinal: (s) => s.status !== 'WAITING_KYC',
      // Routed by the applicant's email: everything this flow receives is about its KYC.
      about: about.anything,
    });
    const outcome = decided.status === 'PASSED' ? 'PASSED' : 'REJECTED';
    tracker.set(outcome, `KazePay answered ${decided.status}`);
    if (outcome === 'PASSED' && input.mode === 'documents')
      await deleteAcceptedDocuments(documentRefs(input.documents));
    const result: KycResult = {
      outcome,
      provider: 'kazepay',
      customerRef: input.customerRef,
      submissions: 1,
    };
    // KazePay's KYC status has no reason field (seed): a rejection says that much. Results recorded
    // before this carried no reason and must replay so.
    if (outcome === 'REJECTED' && patched('kazepay-rejection-reason'))
      return { ...result, reason: `KazePay answered ${decided.status} (KazePay states no reason)` };
    return result;
  },
};
