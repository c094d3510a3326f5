/* eslint-disable @typescript-eslint/no-require-imports -- the resubmission schema loads when a resubmission arrives */
// WasabiCard's KYC steps: a cardholder submitted once (keyed by the workflow id), its review
// followed; a correctable rejection waits for a resubmission (update) and submits again.
import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import type { KycFileIds } from '../../activities/kyc-files';
import type * as Kyc from '../../src/contract/kyc';
import type {
  Applicant,
  KycDocuments,
  KycParsedInput,
  KycResult,
  KycResubmission,
} from '../../src/contract/kyc';
import { resubmitKycUpdate } from '../../src/contract/kyc-messages';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { durationMs, waitSettings } from '../support/durations';
import { about, waitForProvider } from '../support/waits';
import {
  deleteAcceptedDocuments,
  documentRefs,
  type KycSteps,
  type KycTracker,
  REVIEW_DEFAULTS,
  uploadAll,
} from '../steps/kyc';

const MAX_RESUBMISSIONS = 3;

type WasabiKycInput = Extract<KycParsedInput, { provider: 'wasabi' }>;

export const wasabiKyc: KycSteps<WasabiKycInput> = {
  async verify(input, tracker, notifications): Promise<KycResult> {
    let applicant: Applicant = input.applicant;
    let documents: KycDocuments | undefined = input.documents;
    let resubmission: KycResubmission | undefined;
    let submissions = 1;
    setHandler(
      resubmitKycUpdate,
      (correction) => {
        resubmission = correction;
        return { accepted: true as const, submissions: submissions + 1 };
      },
      {
        validator: (correction) => {
          if (tracker.state !== 'AWAITING_RESUBMISSION') {
            throw new Error(`a resubmission is accepted only after a rejection (state is ${tracker.state})`);
          }
          // Loaded here: only a resubmission needs this zod schema (see support/input.ts).
          const { kycResubmissionSchema } = require('../../src/contract/kyc') as typeof Kyc;
          const parsed = kycResubmissionSchema.safeParse(correction);
          if (!parsed.success)
            throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        },
      },
    );

    // Every document this flow submitted, replaced ones included: all are deleted after a pass.
    const submitted: string[] = [];
    const upload = async (docs: KycDocuments | undefined): Promise<KycFileIds | undefined> => {
      submitted.push(...documentRefs(docs));
      return docs
        ? uploadAll(docs, (document) =>
            idempotentSends(`Upload a KYC document of customer ${input.customerRef}`)
              .wasabiUploadDocument({ document })
              .then((r) => r.fileId),
          )
        : undefined;
    };

    if (documents) tracker.set('UPLOADING_DOCUMENTS');
    let fileIds = await upload(documents);
    tracker.set('SUBMITTING');
    const holderOrderNo = providerOrderKey(workflowInfo().workflowId, 'holder');
    const { holderId } = await idempotentSends(
      `Submit the cardholder of customer ${input.customerRef}: order ${holderOrderNo}`,
    ).wasabiSubmitHolder({
      merchantOrderNo: holderOrderNo,
      cardTypeId: input.cardTypeId,
      cardHolderModel: input.cardHolderModel,
      applicant,
      ...(fileIds ? { fileIds } : {}),
    });
    const review = waitSettings(input.review, REVIEW_DEFAULTS);
    const windowMs = durationMs(input.resubmissionWindow ?? '3d');

    for (;;) {
      tracker.set('WAITING_FOR_REVIEW', `cardholder ${holderId}`);
      const decided = await waitForProvider({
        what: 'cardholder review',
        summary: `Wait for WasabiCard's review of cardholder ${holderId} (customer ${input.customerRef})`,
        deadlineAt: Date.now() + review.deadlineMs,
        pollIntervalMs: review.pollIntervalMs,
        notifications,
        poll: (a) => a.wasabiHolderStatus({ holderId, untilDecided: true }),
        read: () =>
          reads(`Read the review of cardholder ${holderId}`).wasabiHolderStatus({
            holderId,
            untilDecided: false,
          }),
        isFinal: (s) => s.status === 'pass_audit' || s.status === 'reject',
        about: about.key(holderId),
      });
      if (decided.status === 'pass_audit') {
        tracker.set('PASSED', `cardholder ${holderId}`);
        await deleteAcceptedDocuments(submitted);
        return {
          outcome: 'PASSED',
          provider: 'wasabi',
          customerRef: input.customerRef,
          submissions,
          holderId,
        };
      }
      const reason = decided.description;
      // A rejection by the bank (statusFlowLocation `channel`) cannot be corrected through update.
      const correctable = decided.statusFlowLocation !== 'channel' && submissions <= MAX_RESUBMISSIONS;
      if (!correctable) return rejected(tracker, input.customerRef, submissions, holderId, reason);
      tracker.set('AWAITING_RESUBMISSION', reason ? `rejected: ${reason}` : 'rejected');
      resubmission = undefined;
      if (!(await condition(() => resubmission !== undefined, windowMs))) {
        return rejected(tracker, input.customerRef, submissions, holderId, reason);
      }
      const correction = resubmission as unknown as KycResubmission;
      applicant = mergeApplicant(applicant, correction.applicant);
      if (correction.documents) {
        documents = { ...(documents ?? {}), ...correction.documents } as KycDocuments;
        tracker.set('UPLOADING_DOCUMENTS', 'corrected documents');
        fileIds = await upload(documents);
      }
      submissions++;
      tracker.set('SUBMITTING', `resubmission ${submissions - 1}`);
      await idempotentSends(
        `Resubmit cardholder ${holderId} (customer ${input.customerRef}), submission ${submissions}`,
      ).wasabiResubmitHolder({
        holderId,
        cardTypeId: input.cardTypeId,
        cardHolderModel: input.cardHolderModel,
        applicant,
        ...(fileIds ? { fileIds } : {}),
      });
    }
  },
};

function rejected(
  tracker: KycTracker,
  customerRef: string,
  submissions: number,
  holderId: string,
  reason?: string,
): KycResult {
  tracker.set('REJECTED', reason);
  return {
    outcome: 'REJECTED',
    provider: 'wasabi',
    customerRef,
    submissions,
    holderId,
    ...(reason ? { reason } : {}),
  };
}

function mergeApplicant(base: Applicant, patch: KycResubmission['applicant']): Applicant {
  if (!patch) return base;
  return {
    ...base,
    ...patch,
    mobile: { ...base.mobile, ...(patch.mobile ?? {}) },
    address: { ...base.address, ...(patch.address ?? {}) },
    identification: { ...base.identification, ...(patch.identification ?? {}) },
  };
}
