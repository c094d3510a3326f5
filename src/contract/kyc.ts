// kycVerification: upload the identity documents, submit KYC, follow it until the provider
// decides. KazePay: setUcardKyc (documents) or setUserKyc (hosted, the customer finishes at a
// kycUrl), then WAITING_KYC -> PASSED | REJECTED. WasabiCard: the cardholder review
// wait_audit -> under_review -> pass_audit | reject, with a corrected resubmission (v2 update)
// after a rejection, within a window.
import { z } from 'zod';
import { FAILURE_STATES } from './failures';
import {
  documentRefSchema,
  durationSchema,
  refSchema,
  reconcileOptionsSchema,
  waitOptionsSchema,
} from './common';

const isoCountry = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd');

/** The person being verified. Provider-specific rules are checked by the provider client before sending. */
export const applicantSchema = z.object({
  email: z.email(),
  mobile: z.object({
    /** International dialling code without '+', e.g. `60`. */
    prefix: z.string().regex(/^\d{1,4}$/),
    number: z.string().regex(/^\d{4,15}$/),
    country: isoCountry,
  }),
  firstName: z.string().min(1).max(64),
  lastName: z.string().min(1).max(64),
  dateOfBirth: isoDate,
  address: z.object({
    line: z.string().min(1).max(140),
    city: z.string().min(1).max(64),
    state: z.string().min(1).max(64),
    postCode: z.string().min(1).max(16),
    country: isoCountry,
    /** WasabiCard's city code (`/common/city`), when it differs from `city`. */
    cityCode: z.string().max(32).optional(),
  }),
  identification: z.object({
    type: z.enum(['PASSPORT', 'ID_CARD', 'DRIVING_LICENCE', 'HK_HKID']),
    number: z.string().min(1).max(64),
    issueDate: isoDate.optional(),
    expiryDate: isoDate,
  }),
  nationality: isoCountry.optional(),
  gender: z.enum(['M', 'F']).optional(),
  occupation: z.string().max(64).optional(),
  annualSalary: z.string().max(64).optional(),
  accountPurpose: z.string().max(128).optional(),
  expectedMonthlyVolume: z.string().max(64).optional(),
  ipAddress: z.string().max(64).optional(),
});
export type Applicant = z.infer<typeof applicantSchema>;

export const kycDocumentsSchema = z.object({
  front: documentRefSchema,
  /** Required for identity cards. */
  back: documentRefSchema.optional(),
  /** The applicant holding the document. */
  selfie: documentRefSchema.optional(),
});
export type KycDocuments = z.infer<typeof kycDocumentsSchema>;

const common = {
  customerRef: refSchema,
  applicant: applicantSchema,
  /** Bounds the wait for the provider's decision (default 7d, polled every 1m). */
  review: waitOptionsSchema.optional(),
  /** How an unknown outcome is reconciled (settle 30s, resolveWithin 30d when absent). */
  reconcile: reconcileOptionsSchema.optional(),
};

export const kycInputSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('kazepay'),
    ...common,
    /** `documents`: we upload and submit (setUcardKyc); `hosted`: KazePay's own page (setUserKyc → kycUrl). */
    mode: z.enum(['documents', 'hosted']).default('documents'),
    documents: kycDocumentsSchema.optional(),
  }),
  z.object({
    provider: z.literal('wasabi'),
    ...common,
    /** The card type the cardholder is for (`/card/v2/cardTypes`). */
    cardTypeId: z.string().regex(/^\d{1,19}$/),
    cardHolderModel: z.enum(['B2C', 'B2B']).default('B2C'),
    documents: kycDocumentsSchema.optional(),
    /** After a rejection, how long a corrected resubmission is awaited (default 3d). */
    resubmissionWindow: durationSchema.optional(),
  }),
]);
export type KycInput = z.input<typeof kycInputSchema>;
export type KycParsedInput = z.output<typeof kycInputSchema>;

export const KYC_STATES = [
  'UPLOADING_DOCUMENTS',
  'SUBMITTING',
  'WAITING_FOR_CUSTOMER',
  'WAITING_FOR_REVIEW',
  'AWAITING_RESUBMISSION',
  'PASSED',
  'REJECTED',
  ...FAILURE_STATES,
] as const;
export type KycState = (typeof KYC_STATES)[number];

export interface KycResult {
  outcome: 'PASSED' | 'REJECTED';
  provider: 'kazepay' | 'wasabi';
  customerRef: string;
  /** How many times KYC was submitted (1 + resubmissions). */
  submissions: number;
  /** WasabiCard's cardholder id (needed to open cards for this customer). */
  holderId?: string;
  /** The provider's stated reason, for a rejection (KazePay states none: its result says so). */
  reason?: string;
}

/** A corrected resubmission after a rejection: the fields that change, and replacement documents. */
export const kycResubmissionSchema = z.object({
  applicant: applicantSchema.partial().optional(),
  documents: kycDocumentsSchema.partial().optional(),
});
export type KycResubmission = z.infer<typeof kycResubmissionSchema>;
