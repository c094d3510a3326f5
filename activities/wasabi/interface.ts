// The WasabiCard activities the workflows call (workflows/wasabi/), with the records they answer;
// activities/interface.ts states the conventions every implementation follows.
import type { Applicant, DocumentRef } from '../../src/contract';
import type { KycFileIds } from '../kyc-files';

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

/** A cardholder's review: `pass_audit` and `reject` are decisions (the configured names mapped onto them). */
export interface WasabiHolderReview {
  status: string;
  statusFlowLocation?: string;
  description?: string;
}

export interface WasabiActivities {
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
  wasabiHolderStatus(input: { holderId: string; untilDecided: boolean }): Promise<WasabiHolderReview>;
  wasabiCardType(input: { cardTypeId: string }): Promise<WasabiCardTypeSummary>;
  /**
   * The issuance's reads before a card is opened, in one activity: the card type (as
   * wasabiCardType), then the cardholder's review (as wasabiHolderStatus, so a missing holder is
   * PreconditionFailed) only when the type needs a holder, `holderId` is given and the type
   * accepts `initialDeposit` (wasabiOpeningRefusal): the holder is read exactly when the flow
   * would go on to look at it.
   */
  wasabiIssuancePreconditions(input: {
    cardTypeId: string;
    initialDeposit: string;
    holderId?: string;
  }): Promise<{ cardType: WasabiCardTypeSummary; holder?: WasabiHolderReview }>;
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
  /**
   * Redeems the PIN handle and sends activeCard (find-or-create by merchantOrderNo). A retry after
   * it was sent (its completion lost) answers the listed order, or the refused code again.
   */
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

  /** The card's status (`normal`, `freeze`, `cancel`, ...; lower-cased) and its card type. */
  wasabiCardStatus(input: { cardNo: string }): Promise<{ status: string; cardTypeId: string }>;
  /**
   * The deposit's reads before it is sent, in one activity: the card (as wasabiCardStatus), then
   * its card type (as wasabiCardType); the same provider calls in the same order.
   */
  wasabiDepositPreconditions(input: {
    cardNo: string;
  }): Promise<{ card: { status: string; cardTypeId: string }; cardType: WasabiCardTypeSummary }>;
}
