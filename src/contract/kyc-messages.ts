// The KYC flow's own messages, apart from its zod schemas (kyc.ts), so the flow registers its
// handlers without constructing them (docs/benchmark.md).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { KycResubmission } from './kyc';

/** A corrected resubmission after a rejection (checked by kycResubmissionSchema). */
export const resubmitKycUpdate = defineUpdate<{ accepted: true; submissions: number }, [KycResubmission]>(
  'resubmitKyc',
);

/** KazePay hosted KYC: the URL the customer must visit, as soon as KazePay returned it. */
export const kycUrlQuery = defineQuery<string | null>('kycUrl');
