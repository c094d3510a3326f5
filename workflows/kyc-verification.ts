import { condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../src/contract/failures';
import {
  type Applicant,
  type KycDocuments,
  type KycInput,
  type KycParsedInput,
  type KycResult,
  type KycResubmission,
  type KycState,
  kycInputSchema,
  kycResubmissionSchema,
  kycUrlQuery,
  resubmitKycUpdate,
} from '../src/contract/kyc';
import { providerOrderKey } from '../src/contract/workflow-ids';
import type { KycFileIds } from '../activities/interface';
import { idempotentSends, reads, unkeyedSends } from './support/activities';
import { durationMs, waitSettings } from './support/durations';
import { endWithFailure, failFlow } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { sendReconciled } from './support/reconcile';
import { about, Notifications, waitForProvider } from './support/waits';

const REVIEW_DEFAULTS = { deadline: '7d', pollInterval: '1m' };
const MAX_RESUBMISSIONS = 3;

type KazepayInput = Extract<KycParsedInput, { provider: 'kazepay' }>;
type WasabiInput = Extract<KycParsedInput, { provider: 'wasabi' }>;

/** Upload the documents, submit KYC, follow it until the provider decides. */
export async function kycVerification(rawInput: KycInput): Promise<KycResult> {
  const input = parseInput(kycInputSchema, rawInput, 'kycVerification input');
  const tracker = new FlowTracker<KycState>('kycVerification', input.provider, 'SUBMITTING', {
    customerRef: input.customerRef,
  });
  const notifications = new Notifications();
  try {
    return input.provider === 'kazepay'
      ? await kazepayKyc(input, tracker, notifications)
      : await wasabiKyc(input, tracker, notifications);
  } catch (error) {
    endWithFailure(tracker, error, `KYC in state ${tracker.state}`);
  }
}

async function kazepayKyc(
  input: KazepayInput,
  tracker: FlowTracker<KycState>,
  notifications: Notifications,
): Promise<KycResult> {
  const { applicant } = input;
  let kycUrl: string | null = null;
  setHandler(kycUrlQuery, () => kycUrl);
  const email = applicant.email;
  const alreadySubmitted = async () => {
    // The status answer of a submission that did land; null when KazePay has no KYC for the email.
    const { status } = await reads.kazepayKycStatus({ email, untilDecided: false });
    return status === 'NONE' ? null : { status };
  };

  if (input.mode === 'hosted') {
    const started = await sendReconciled({
      what: 'hosted KYC start',
      tracker,
      ...(input.reconcile ? { options: input.reconcile } : {}),
      send: async () => (await unkeyedSends.kazepayStartHostedKyc({ applicant })).kycUrl,
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
      idempotentSends
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
      send: () => unkeyedSends.kazepaySubmitKyc({ applicant, fileIds }),
      reconcile: alreadySubmitted,
      fromResolution: () => ({ status: 'WAITING_KYC' }),
    });
    tracker.set('WAITING_FOR_REVIEW');
  }

  const review = waitSettings(input.review, REVIEW_DEFAULTS);
  const decided = await waitForProvider({
    what: 'KYC review',
    deadlineAt: Date.now() + review.deadlineMs,
    pollIntervalMs: review.pollIntervalMs,
    notifications,
    poll: (a) => a.kazepayKycStatus({ email, untilDecided: true }),
    read: () => reads.kazepayKycStatus({ email, untilDecided: false }),
    isFinal: (s) => s.status !== 'WAITING_KYC',
    // Routed by the applicant's email: everything this flow receives is about its KYC.
    about: about.anything,
  });
  const outcome = decided.status === 'PASSED' ? 'PASSED' : 'REJECTED';
  tracker.set(outcome, `KazePay answered ${decided.status}`);
  const result: KycResult = { outcome, provider: 'kazepay', customerRef: input.customerRef, submissions: 1 };
  // KazePay's KYC status has no reason field (seed): a rejection says that much. Results recorded
  // before this carried no reason and must replay so.
  if (outcome === 'REJECTED' && patched('kazepay-rejection-reason'))
    return { ...result, reason: `KazePay answered ${decided.status} (KazePay states no reason)` };
  return result;
}

async function wasabiKyc(
  input: WasabiInput,
  tracker: FlowTracker<KycState>,
  notifications: Notifications,
): Promise<KycResult> {
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
        const parsed = kycResubmissionSchema.safeParse(correction);
        if (!parsed.success)
          throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      },
    },
  );

  const upload = async (docs: KycDocuments | undefined): Promise<KycFileIds | undefined> =>
    docs
      ? uploadAll(docs, (document) =>
          idempotentSends.wasabiUploadDocument({ document }).then((r) => r.fileId),
        )
      : undefined;

  if (documents) tracker.set('UPLOADING_DOCUMENTS');
  let fileIds = await upload(documents);
  tracker.set('SUBMITTING');
  const { holderId } = await idempotentSends.wasabiSubmitHolder({
    merchantOrderNo: providerOrderKey(workflowInfo().workflowId, 'holder'),
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
      deadlineAt: Date.now() + review.deadlineMs,
      pollIntervalMs: review.pollIntervalMs,
      notifications,
      poll: (a) => a.wasabiHolderStatus({ holderId, untilDecided: true }),
      read: () => reads.wasabiHolderStatus({ holderId, untilDecided: false }),
      isFinal: (s) => s.status === 'pass_audit' || s.status === 'reject',
      about: about.key(holderId),
    });
    if (decided.status === 'pass_audit') {
      tracker.set('PASSED', `cardholder ${holderId}`);
      return { outcome: 'PASSED', provider: 'wasabi', customerRef: input.customerRef, submissions, holderId };
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
    await idempotentSends.wasabiResubmitHolder({
      holderId,
      cardTypeId: input.cardTypeId,
      cardHolderModel: input.cardHolderModel,
      applicant,
      ...(fileIds ? { fileIds } : {}),
    });
  }
}

function rejected(
  tracker: FlowTracker<KycState>,
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

/** Uploads the documents one by one (order kept stable for replay). */
async function uploadAll(
  documents: KycDocuments,
  uploadOne: (doc: { ref: string }) => Promise<string>,
): Promise<KycFileIds> {
  const front = await uploadOne(documents.front);
  const back = documents.back ? await uploadOne(documents.back) : undefined;
  const selfie = documents.selfie ? await uploadOne(documents.selfie) : undefined;
  return { front, ...(back ? { back } : {}), ...(selfie ? { selfie } : {}) };
}
