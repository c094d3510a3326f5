// Card management responses (seed 002 and spec §1.2). Objects are loose: fields Wasabi adds
// later are kept, not rejected.
import { z } from 'zod';
import {
  amount,
  caseInsensitiveEnum,
  epochMs,
  idString,
  intLike,
  opt,
  orderStatus,
  page,
} from './primitives';

/** v2/cardTypes ("Support Bins"). */
export const cardTypeV2Schema = z.looseObject({
  cardTypeId: idString,
  organization: opt(z.string()),
  country: opt(z.string()),
  mode: opt(z.string()),
  bankCardBin: opt(z.string()),
  type: opt(z.string()),
  typeStr: opt(z.string()),
  category: opt(z.string()),
  cardName: opt(z.string()),
  cardDesc: opt(z.string()),
  cardPrice: opt(amount),
  cardPriceCurrency: opt(z.string()),
  support: opt(z.array(z.string())),
  risk: opt(z.array(z.unknown())),
  needCardHolder: opt(z.boolean()),
  supportHolderRegin: opt(z.array(z.string())),
  supportHolderNationality: opt(z.array(z.string())),
  supportHolderAreaCode: opt(z.array(z.string())),
  needDepositForActiveCard: opt(z.boolean()),
  depositAmountMinQuotaForActiveCard: opt(amount),
  depositAmountMaxQuotaForActiveCard: opt(amount),
  fiatCurrency: opt(z.string()),
  maxCount: opt(intLike),
  balanceRetentionQuota: opt(amount),
  status: opt(z.string()),
  rechargeCurrency: opt(z.string()),
  rechargeMinQuota: opt(amount),
  rechargeMaxQuota: opt(amount),
  rechargeFeeRate: opt(amount),
  rechargeFixedFee: opt(amount),
  rechargeDigital: opt(intLike),
  enableActiveCard: opt(z.boolean()),
  enableDeposit: opt(z.boolean()),
  enableFreeze: opt(z.boolean()),
  enableUnFreeze: opt(z.boolean()),
  metadata: opt(z.looseObject({})),
});
export type WasabiCardTypeV2 = z.output<typeof cardTypeV2Schema>;

/** v1 cardTypes (no longer maintained): recharge details nested in extFieldVO. */
export const cardTypeV1Schema = z.looseObject({
  cardTypeId: idString,
  organization: opt(z.string()),
  country: opt(z.string()),
  bankCardBin: opt(z.string()),
  type: opt(z.string()),
  cardName: opt(z.string()),
  cardPrice: opt(amount),
  cardPriceCurrency: opt(z.string()),
  needCardHolder: opt(z.boolean()),
  status: opt(z.string()),
  extFieldVO: opt(
    z.looseObject({
      rechargeCurrencyInfos: opt(
        z.array(
          z.looseObject({
            currency: opt(z.string()),
            rechargeMinQuota: opt(amount),
            rechargeMaxQuota: opt(amount),
            rechargeFeeRate: opt(amount),
            rechargeFixedFee: opt(amount),
            rechargeDigital: opt(intLike),
          }),
        ),
      ),
    }),
  ),
});
export type WasabiCardTypeV1 = z.output<typeof cardTypeV1Schema>;

export const ORDER_TYPES = [
  'create',
  'deposit',
  'cancel',
  'Freeze',
  'UnFreeze',
  'withdraw',
  'update_pin',
  'blocked',
  'card_update',
  'overdraft_statement',
  'card_activated',
] as const;

/** A card operation order: openCard, createCard, deposit, withdraw, cancel, freeze/unfreeze v2, … */
export const orderSchema = z.looseObject({
  orderNo: idString,
  merchantOrderNo: opt(z.string()),
  cardNo: opt(z.string()),
  currency: opt(z.string()),
  amount: opt(amount),
  fee: opt(amount),
  receivedAmount: opt(amount),
  receivedCurrency: opt(z.string()),
  type: caseInsensitiveEnum(ORDER_TYPES),
  subType: opt(z.string()),
  status: orderStatus,
  description: opt(z.string()),
  remark: opt(z.string()),
  transactionTime: opt(epochMs),
});
export type WasabiOrder = z.output<typeof orderSchema>;

/** openCard (v1) answers with an array holding the create order. */
export const openCardDataSchema = z.array(orderSchema).min(1);

export const CARD_STATUSES = [
  'pending',
  'un_activated',
  'Normal',
  'Freezing',
  'Freeze',
  'UnFreezing',
  'canceling',
  'cancel',
  'fail',
] as const;
export const cardStatus = caseInsensitiveEnum(CARD_STATUSES);

export const balanceSchema = z.looseObject({
  cardNo: opt(z.string()),
  amount: amount,
  usedAmount: opt(amount),
  currency: opt(z.string()),
});
export type WasabiBalance = z.output<typeof balanceSchema>;

export const cardInfoSchema = z.looseObject({
  cardTypeId: opt(idString),
  cardBankBin: opt(z.string()),
  holderId: opt(idString),
  cardNo: z.string(),
  /** v1 only: plaintext or encrypted depending on version; use getSensitive(). */
  cardNumber: opt(z.string()),
  cvv: opt(z.string()),
  validPeriod: opt(z.string()),
  status: cardStatus,
  statusStr: opt(z.string()),
  blocked: opt(z.boolean()),
  bindTime: opt(epochMs),
  remark: opt(z.string()),
  noPinPaymentAmount: opt(amount),
  balanceInfo: opt(balanceSchema),
  customCategory: opt(z.string()),
  holderInfo: opt(z.looseObject({})),
  spendingControls: opt(z.array(z.unknown())),
  riskControls: opt(z.unknown()),
});
export type WasabiCardInfo = z.output<typeof cardInfoSchema>;

/** /card/sensitive as received: every value encrypted to the merchant public key. */
export const sensitiveSchema = z.looseObject({
  cardNumber: opt(z.string()),
  cvv: opt(z.string()),
  expireDate: opt(z.string()),
  activateUrl: opt(z.string()),
});

/** v1 freeze / unfreeze: `{status, statusStr}` (UNCONFIRMED beyond the seed example). */
export const v1StatusSchema = z.looseObject({ status: z.string(), statusStr: opt(z.string()) });

export const cardListSchema = page(cardInfoSchema);
export const orderPageSchema = page(orderSchema);

export const activeCardSchema = z.looseObject({
  merchantOrderNo: opt(z.string()),
  cardNo: opt(z.string()),
  orderNo: opt(idString),
  type: opt(z.string()),
  status: orderStatus,
  remark: opt(z.string()),
});

export const AUTH_TYPES = [
  'auth',
  'correct_auth',
  'correct_refund',
  'refund',
  'verification',
  'Void',
  'maintain_fee',
] as const;
export const AUTH_STATUSES = ['authorized', 'revoked', 'failed', 'succeed'] as const;

export const authTransactionSchema = z.looseObject({
  cardNo: z.string(),
  tradeNo: idString,
  originTradeNo: opt(idString),
  currency: opt(z.string()),
  amount: opt(amount),
  authorizedAmount: opt(amount),
  authorizedCurrency: opt(z.string()),
  fee: opt(amount),
  feeCurrency: opt(z.string()),
  crossBoardFee: opt(amount),
  crossBoardFeeCurrency: opt(z.string()),
  settleAmount: opt(amount),
  settleCurrency: opt(z.string()),
  settleDate: opt(epochMs),
  authorizationCode: opt(z.string()),
  merchantName: opt(z.string()),
  merchantData: opt(z.looseObject({})),
  type: caseInsensitiveEnum(AUTH_TYPES),
  typeStr: opt(z.string()),
  status: caseInsensitiveEnum(AUTH_STATUSES),
  statusStr: opt(z.string()),
  description: opt(z.string()),
  transactionTime: opt(epochMs),
});
export type WasabiAuthTransaction = z.output<typeof authTransactionSchema>;

export const authFeeTransactionSchema = z.looseObject({
  cardNo: z.string(),
  tradeNo: idString,
  originTradeNo: opt(idString),
  currency: opt(z.string()),
  amount: opt(amount),
  type: z.string(),
  deductionSourceFunds: opt(z.string()),
  status: z.string(),
  transactionTime: opt(epochMs),
});
export type WasabiAuthFeeTransaction = z.output<typeof authFeeTransactionSchema>;

export const THREE_DS_TYPES = ['third_3ds_otp', 'auth_url', 'activation_code'] as const;

/** A 3DS record as received: `values` encrypted to the merchant public key. */
export const threeDsRecordSchema = z.looseObject({
  cardNo: z.string(),
  tradeNo: idString,
  originTradeNo: opt(idString),
  currency: opt(z.string()),
  amount: opt(amount),
  merchantName: opt(z.string()),
  values: z.string(),
  type: caseInsensitiveEnum(THREE_DS_TYPES),
  description: opt(z.string()),
  transactionTime: opt(epochMs),
  expirationTime: opt(epochMs),
});
export type WasabiThreeDsRecord = z.output<typeof threeDsRecordSchema>;

export const purchaseTransactionSchema = z.looseObject({
  orderNo: idString,
  merchantOrderNo: opt(z.string()),
  cardTypeId: opt(idString),
  cardType: opt(z.string()),
  organization: opt(z.string()),
  bankCardBin: opt(z.string()),
  currency: opt(z.string()),
  cardFee: opt(amount),
  depositAmount: opt(amount),
  status: opt(orderStatus),
  transactionTime: opt(epochMs),
});
