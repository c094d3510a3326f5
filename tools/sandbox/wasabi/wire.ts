// How the sandbox writes JSON the way Wasabi does: Long ids as JSON numbers, order numbers as
// strings, amounts as strings or numbers (a switch), exact decimal text either way.
import { LosslessNumber, stringify } from 'lossless-json';

const AMOUNT_KEYS = new Set([
  'amount',
  'fee',
  'receivedAmount',
  'usedAmount',
  'cardPrice',
  'depositAmountMinQuotaForActiveCard',
  'depositAmountMaxQuotaForActiveCard',
  'rechargeMinQuota',
  'rechargeMaxQuota',
  'rechargeFeeRate',
  'rechargeFixedFee',
  'balanceRetentionQuota',
  'authorizedAmount',
  'crossBoardFee',
  'settleAmount',
  'totalBalance',
  'availableBalance',
  'frozenBalance',
  'beforeBalance',
  'afterBalance',
  'noPinPaymentAmount',
  'cardFee',
  'depositAmount',
]);
/** Java Longs the provider writes as JSON numbers (holderId 10090 and cardTypeId 111002 in the seed). */
const LONG_KEYS = new Set(['holderId', 'cardTypeId', 'accountId', 'txId']);
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function toWireJson(value: unknown, amountsAs: 'string' | 'number'): string {
  return stringify(convert(value, amountsAs)) ?? 'null';
}

function convert(value: unknown, amountsAs: 'string' | 'number', key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, amountsAs));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = convert(v, amountsAs, k);
    return out;
  }
  if (typeof value === 'string' && key) {
    if (LONG_KEYS.has(key) && /^\d+$/.test(value)) return new LosslessNumber(value);
    if (AMOUNT_KEYS.has(key) && DECIMAL.test(value) && amountsAs === 'number')
      return new LosslessNumber(value);
  }
  return value;
}
