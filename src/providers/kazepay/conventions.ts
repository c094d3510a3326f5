// KazePay's own names for what its unpublished appendix would list (spec §0.4, UNCONFIRMED):
// terminal card and transaction states, transaction types and error codes. One source for the
// sandbox (which answers with them) and the activities (which read them); configure per
// environment when a real KazePay sample shows otherwise.

/**
 * UNCONFIRMED names (spec §0.4): the terminal states the seed does not show. The sandbox uses
 * these; the client passes whatever KazePay sends through (upper-cased).
 */
export interface KazepayStatusNames {
  cardClosed: string;
  cardActivationFailed: string;
  /** A physical card assigned without autoActive, waiting for ucardActive. */
  cardAwaitingActivation: string;
  transactionSuccess: string;
  transactionFailed: string;
}

export const KAZEPAY_STATUS_NAMES: KazepayStatusNames = {
  cardClosed: 'CLOSED',
  cardActivationFailed: 'ACTIVE_FAILED',
  cardAwaitingActivation: 'WAITING_ACTIVE',
  transactionSuccess: 'SUCCESS',
  transactionFailed: 'FAILED',
};

/**
 * UNCONFIRMED error codes (KazePay's appendix is not available). The auth-type ones are in the
 * client's default `authenticationErrorCodes`.
 */
export const KAZEPAY_ERROR_CODES = {
  invalidSysId: 'INVALID_SYS_ID',
  decryptError: 'DECRYPT_ERROR',
  signError: 'SIGN_ERROR',
  paramError: 'PARAM_ERROR',
  duplicateRequestNo: 'DUPLICATE_REQUEST_NO',
  unknownApiCode: 'API_CODE_NOT_SUPPORTED',
  fileNotFound: 'FILE_NOT_FOUND',
  kycInReview: 'KYC_IN_REVIEW',
  kycAlreadyPassed: 'KYC_ALREADY_PASSED',
  kycNotPassed: 'KYC_NOT_PASSED',
  userNotFound: 'USER_NOT_FOUND',
  cardNotFound: 'CARD_NOT_FOUND',
  cardAlreadyAssigned: 'CARD_ALREADY_ASSIGNED',
  cardStatusError: 'CARD_STATUS_ERROR',
  activationCodeError: 'ACTIVATION_CODE_ERROR',
  insufficientBalance: 'INSUFFICIENT_BALANCE',
  currencyNotSupported: 'CURRENCY_NOT_SUPPORTED',
} as const;

/** `transType` of the queryTransactions rows a recharge and a close refund produce (UNCONFIRMED). */
export const KAZEPAY_TRANSACTION_TYPES = { recharge: 'Recharge', closeRefund: 'Refund' } as const;

/**
 * UNCONFIRMED (spec §0.6): the `head.apiCode` of KazePay's notifications, by what they are about:
 * a KYC decision (keyed by email) or a card, recharge or close (keyed by cardID). Compared
 * case-insensitively; any other event is journalled, not routed.
 */
export interface KazepayWebhookEvents {
  kyc: readonly string[];
  card: readonly string[];
}

export const KAZEPAY_WEBHOOK_EVENTS: KazepayWebhookEvents = {
  kyc: ['kycStatusNotify'],
  card: ['cardStatusNotify', 'rechargeNotify', 'closeCardNotify'],
};
