// The activities the workflows call: one provider call or one check each. Workflows import
// these types only (`import type`), never the implementations.
//
// Conventions every implementation follows:
// - "until..." reads throw a retryable, BENIGN `StillPending` failure while the provider has not
//   finished, so a wait costs retries, not history events (see workflows/support/waits.ts);
// - provider errors travel as their class names (ProviderRejectedError, ...), which the workflow
//   maps onto the contract's failure types;
// - calls that move money or state and have no idempotency key (KazePay) throw
//   ProviderAmbiguousError when the outcome is unknown; the workflow reconciles by reading;
// - WasabiCard calls carry a merchantOrderNo derived from the workflow id and step, and each
//   attempt first looks the order up, so repeating one can never create a second order;
// - card numbers, CVVs and PINs never appear in arguments or results: handles and card ids only.
import type { Applicant, DocumentRef } from '../src/contract';
import type { DepositResult } from '../src/contract/deposit';

export interface KycFileIds {
  front: string;
  back?: string;
  selfie?: string;
}

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

export interface KazepayCloseRecord {
  status: string;
  refundAmount: string;
  currency: string;
  transactionId: string;
}

export interface WasabiOrderSummary {
  orderNo: string;
  merchantOrderNo: string;
  type: string;
  /** wait_process, processing, success or fail (lower-cased). */
  status: string;
  /** WasabiCard's card id, when the order concerns or created a card. */
  cardNo?: string;
  currency?: string;
  amount?: string;
  fee?: string;
  receivedAmount?: string;
  receivedCurrency?: string;
  description?: string;
}

export interface WasabiCardTypeSummary {
  cardTypeId: string;
  status: string;
  needCardHolder: boolean;
  currency: string;
  rechargeMinQuota?: string;
  rechargeMaxQuota?: string;
  /** Decimal places allowed for deposits. */
  rechargeDigital?: number;
  /** Initial deposit bounds when opening a card. */
  depositAmountMinQuotaForActiveCard?: string;
  depositAmountMaxQuotaForActiveCard?: string;
  enableDeposit: boolean;
  enableFreeze: boolean;
  enableUnFreeze: boolean;
}

export interface CardflowActivities {
  // ---------------------------------------------------------------- KazePay
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
  /** Redeems the card-number handle; reconciles an unknown outcome with getCardId before answering. */
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
  /** Redeems the PIN handle (once) and sets the PIN. */
  kazepaySetPin(input: { cardId: string; pinHandle: string }): Promise<void>;
  /** Recharge transaction ids already on the card, taken before sending, for reconciliation. */
  kazepayRechargeSnapshot(input: { cardId: string }): Promise<{ transactionIds: string[]; since: string }>;
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

  // ---------------------------------------------------------------- WasabiCard
  wasabiUploadDocument(input: { document: DocumentRef }): Promise<{ fileId: string }>;
  /** Find-or-create by merchantOrderNo. */
  wasabiSubmitHolder(input: {
    merchantOrderNo: string;
    cardTypeId: string;
    cardHolderModel: 'B2C' | 'B2B';
    applicant: Applicant;
    fileIds?: KycFileIds;
  }): Promise<{ holderId: string; status: string }>;
  wasabiResubmitHolder(input: {
    holderId: string;
    cardTypeId: string;
    cardHolderModel: 'B2C' | 'B2B';
    applicant: Applicant;
    fileIds?: KycFileIds;
  }): Promise<{ status: string }>;
  /** With `untilDecided`, StillPending until pass_audit or reject. */
  wasabiHolderStatus(input: {
    holderId: string;
    untilDecided: boolean;
  }): Promise<{ status: string; statusFlowLocation?: string; description?: string }>;
  wasabiCardType(input: { cardTypeId: string }): Promise<WasabiCardTypeSummary>;
  wasabiOpenCard(input: {
    merchantOrderNo: string;
    cardTypeId: string;
    amount: string;
    holderId?: string;
  }): Promise<WasabiOrderSummary>;
  wasabiDeposit(input: {
    merchantOrderNo: string;
    cardNo: string;
    amount: string;
  }): Promise<WasabiOrderSummary>;
  wasabiCancel(input: { merchantOrderNo: string; cardNo: string }): Promise<WasabiOrderSummary>;
  wasabiSetFrozen(input: {
    merchantOrderNo: string;
    cardNo: string;
    frozen: boolean;
  }): Promise<WasabiOrderSummary>;
  /** Redeems the PIN handle and sends activeCard (find-or-create by merchantOrderNo). */
  wasabiActivatePhysicalCard(input: {
    merchantOrderNo: string;
    cardNo: string;
    code: string;
    pinHandle: string;
    noPinPaymentAmount?: string;
  }): Promise<WasabiOrderSummary>;
  /**
   * With `untilFinal`, StillPending while wait_process / processing or not listed (and, with
   * `needCardNo`, while a success names no card). Without it, an order not listed (yet) reads as
   * status `not_listed`.
   */
  wasabiOrder(input: {
    merchantOrderNo: string;
    untilFinal: boolean;
    needCardNo?: boolean;
  }): Promise<WasabiOrderSummary>;
  // ---------------------------------------------------------------- Temporal
  /**
   * The result of the deposit flow already under `workflowId` (StillPending while it runs);
   * Conflict when it was made with other terms.
   */
  followDeposit(input: { workflowId: string; amount: string; currency: string }): Promise<DepositResult>;

  /** The card's status (`normal`, `freeze`, `cancel`, ...; lower-cased) and its card type. */
  wasabiCardStatus(input: { cardNo: string }): Promise<{ status: string; cardTypeId: string }>;
}
