// The KazePay activities the workflows call (workflows/kazepay/), with the records they answer;
// activities/interface.ts states the conventions every implementation follows.
import type { Applicant, DocumentRef } from '../../src/contract';
import type { KycFileIds } from '../kyc-files';

export interface KazepayKycStatus {
  /** WAITING_KYC, PASSED or REJECTED (upper-cased); NONE when KazePay has no KYC for the email. */
  status: string;
}

export interface KazepayRechargeRecord {
  transactionId: string;
  /** PENDING, SUCCESS or FAILED (the configured terminal names, upper-cased). */
  status: string;
  amount?: string;
  fee?: string;
  currency?: string;
  reason?: string;
}

export interface KazepayRechargeSnapshot {
  transactionIds: string[];
  /** The start of the window the ids were read from (KazePay's time format). */
  since: string;
}

export interface KazepayCloseRecord {
  status: string;
  refundAmount: string;
  currency: string;
  transactionId: string;
}

export interface KazepayActivities {
  kazepayUploadDocument(input: {
    document: DocumentRef;
    email: string;
    mobilePrefix: string;
    mobileNumber: string;
  }): Promise<{ fileId: string }>;
  kazepaySubmitKyc(input: { applicant: Applicant; fileIds: KycFileIds }): Promise<KazepayKycStatus>;
  kazepayStartHostedKyc(input: { applicant: Applicant }): Promise<{ kycUrl: string }>;
  /** With `untilDecided`, StillPending while WAITING_KYC. */
  kazepayKycStatus(input: { email: string; untilDecided: boolean }): Promise<KazepayKycStatus>;
  /**
   * Redeems the card-number handle; reconciles an unknown outcome with getCardId before answering.
   * A retry after the assignment was done (its completion lost) confirms the card with queryCard.
   */
  kazepayAssignCard(input: {
    email: string;
    cardNumberHandle: string;
    autoActive: boolean;
  }): Promise<{ cardId: string }>;
  /** A refused code is an answer (`accepted: false`), not a failure. */
  kazepayActivateCard(input: {
    cardId: string;
    code: string;
  }): Promise<{ accepted: boolean; status?: string; reason?: string }>;
  /**
   * The card status, upper-cased, with the configured closed / failed names (UNCONFIRMED at
   * KazePay) reported as `CLOSED` / `ACTIVE_FAILED`. With `until`, StillPending until the status
   * is one of them; `failOn` statuses end the wait with PreconditionFailed.
   */
  kazepayCardStatus(input: {
    cardId: string;
    until?: string[];
    failOn?: string[];
  }): Promise<{ status: string }>;
  /** Redeems the PIN handle (once) and sets the PIN; a retry after it was set succeeds without sending. */
  kazepaySetPin(input: { cardId: string; pinHandle: string }): Promise<void>;
  /** Recharge transaction ids already on the card, taken before sending, for reconciliation. */
  kazepayRechargeSnapshot(input: { cardId: string }): Promise<KazepayRechargeSnapshot>;
  /**
   * The deposit's reads before it is sent, in one activity: the card status (as
   * kazepayCardStatus), then, only when it is ACTIVE (else the flow fails there), the recharge
   * snapshot (as kazepayRechargeSnapshot).
   */
  kazepayDepositPreconditions(input: {
    cardId: string;
  }): Promise<{ status: string; snapshot?: KazepayRechargeSnapshot }>;
  kazepayRecharge(input: {
    cardId: string;
    currency: string;
    amount: string;
  }): Promise<KazepayRechargeRecord>;
  /** After an unknown outcome: a recharge of this amount that is not in the snapshot, or null. */
  kazepayFindRecharge(input: {
    cardId: string;
    currency: string;
    amount: string;
    knownTransactionIds: string[];
    since: string;
  }): Promise<KazepayRechargeRecord | null>;
  /** With `untilFinal`, StillPending while PENDING. */
  kazepayRechargeStatus(input: {
    cardId: string;
    transactionId: string;
    untilFinal: boolean;
  }): Promise<KazepayRechargeRecord>;
  kazepayCloseCard(input: { cardId: string }): Promise<KazepayCloseRecord>;
  /** After an unknown outcome of closeCard: the close record if the card is closing or closed, else null. */
  kazepayFindClose(input: { cardId: string }): Promise<KazepayCloseRecord | null>;
  kazepaySetCardStatus(input: { cardId: string; status: 'ACTIVE' | 'INACTIVE' }): Promise<{ status: string }>;
}
