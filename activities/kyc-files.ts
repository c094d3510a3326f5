// The provider file ids of one applicant's uploaded KYC documents: both providers submit them.
export interface KycFileIds {
  front: string;
  back?: string;
  selfie?: string;
}
