// The sandbox's card-type catalogue, shaped like /card/v2/cardTypes (spec §1.2), plus a few
// sandbox-only fee settings the real catalogue does not publish (withdraw, cancel and auth fees).
export interface SandboxCardType {
  cardTypeId: string;
  organization: 'Visa' | 'MasterCard' | 'Discover';
  country: string;
  mode: 'PREPAID_CARD' | 'BUDGET_CARD';
  bankCardBin: string;
  type: 'Virtual' | 'Physical';
  typeStr: string;
  category: 'GIFT' | 'PURCHASE' | 'SUBSCRIPTION' | 'PHYSICAL';
  cardName: string;
  cardDesc: string;
  cardPrice: string;
  cardPriceCurrency: string;
  support: string[];
  risk: string[];
  needCardHolder: boolean;
  supportHolderRegin: string[];
  supportHolderNationality: string[];
  supportHolderAreaCode: string[];
  needDepositForActiveCard: boolean;
  depositAmountMinQuotaForActiveCard: string;
  depositAmountMaxQuotaForActiveCard: string;
  fiatCurrency: string;
  maxCount: number;
  balanceRetentionQuota: string;
  status: 'online' | 'offline';
  rechargeCurrency: string;
  rechargeMinQuota: string;
  rechargeMaxQuota: string;
  /** 1 = 1%. */
  rechargeFeeRate: string;
  rechargeFixedFee: string;
  rechargeDigital: number;
  enableActiveCard: boolean;
  enableDeposit: boolean;
  enableFreeze: boolean;
  enableUnFreeze: boolean;
  metadata: Record<string, unknown>;
  /** Sandbox-only: fixed fee of a withdraw order. */
  sandboxWithdrawFee: string;
  /** Sandbox-only: fixed fee of a cancel order (taken from the refunded balance). */
  sandboxCancelFee: string;
  /** Sandbox-only: authorization fee per `auth` (a `card_fee_patch` record when > 0). */
  sandboxAuthFee: string;
}

const base = {
  organization: 'Visa',
  country: 'US',
  mode: 'PREPAID_CARD',
  cardPriceCurrency: 'USD',
  support: ['Adobe', 'Aliexpress', 'Amazon'],
  risk: [],
  supportHolderRegin: ['US', 'GB', 'SG', 'HK', 'MY'],
  supportHolderNationality: ['US', 'GB', 'SG', 'HK', 'MY'],
  supportHolderAreaCode: ['+1', '+44', '+65', '+852', '+60'],
  needDepositForActiveCard: true,
  fiatCurrency: 'USD',
  maxCount: 100,
  status: 'online',
  rechargeCurrency: 'USD',
  rechargeDigital: 2,
  enableActiveCard: true,
  enableDeposit: true,
  enableFreeze: true,
  enableUnFreeze: true,
  sandboxCancelFee: '0',
} as const;

export const DEFAULT_CATALOGUE: SandboxCardType[] = [
  {
    ...base,
    support: [...base.support],
    risk: [],
    supportHolderRegin: [...base.supportHolderRegin],
    supportHolderNationality: [...base.supportHolderNationality],
    supportHolderAreaCode: [...base.supportHolderAreaCode],
    cardTypeId: '111002',
    bankCardBin: '486600',
    type: 'Virtual',
    typeStr: 'Virtual Card',
    category: 'PURCHASE',
    cardName: '4866**',
    cardDesc: 'Sandbox virtual Visa, no cardholder needed',
    cardPrice: '10',
    needCardHolder: false,
    depositAmountMinQuotaForActiveCard: '10',
    depositAmountMaxQuotaForActiveCard: '100000',
    balanceRetentionQuota: '0',
    rechargeMinQuota: '20',
    rechargeMaxQuota: '100000',
    rechargeFeeRate: '1',
    rechargeFixedFee: '0',
    metadata: { cardHolderMaxCardLimit: 5, cardHolderModel: 'B2B' },
    sandboxWithdrawFee: '1',
    sandboxAuthFee: '0.2',
  },
  {
    ...base,
    support: [...base.support],
    risk: [],
    supportHolderRegin: [...base.supportHolderRegin],
    supportHolderNationality: [...base.supportHolderNationality],
    supportHolderAreaCode: [...base.supportHolderAreaCode],
    cardTypeId: '111065',
    organization: 'MasterCard',
    bankCardBin: '531993',
    type: 'Virtual',
    typeStr: 'Virtual Card',
    category: 'SUBSCRIPTION',
    cardName: '5319**',
    cardDesc: 'Sandbox virtual MasterCard, cardholder required',
    cardPrice: '5',
    needCardHolder: true,
    depositAmountMinQuotaForActiveCard: '20',
    depositAmountMaxQuotaForActiveCard: '50000',
    balanceRetentionQuota: '1',
    rechargeMinQuota: '10',
    rechargeMaxQuota: '50000',
    rechargeFeeRate: '1.5',
    rechargeFixedFee: '0.5',
    metadata: { cardHolderMaxCardLimit: 5, cardHolderModel: 'B2C' },
    sandboxWithdrawFee: '0.5',
    sandboxCancelFee: '1',
    sandboxAuthFee: '0',
  },
  {
    ...base,
    support: [...base.support],
    risk: [],
    supportHolderRegin: [...base.supportHolderRegin],
    supportHolderNationality: [...base.supportHolderNationality],
    supportHolderAreaCode: [...base.supportHolderAreaCode],
    cardTypeId: '111200',
    bankCardBin: '428852',
    type: 'Physical',
    typeStr: 'Physical Card',
    category: 'PHYSICAL',
    cardName: '4288** physical',
    cardDesc: 'Sandbox physical Visa: activate with the code pushed as a card_3ds activation_code',
    cardPrice: '30',
    needCardHolder: true,
    depositAmountMinQuotaForActiveCard: '50',
    depositAmountMaxQuotaForActiveCard: '20000',
    balanceRetentionQuota: '0',
    rechargeMinQuota: '50',
    rechargeMaxQuota: '20000',
    rechargeFeeRate: '1',
    rechargeFixedFee: '1',
    metadata: { cardHolderMaxCardLimit: 1, cardHolderModel: 'B2C' },
    sandboxWithdrawFee: '0',
    sandboxAuthFee: '0',
  },
];
