// The WasabiCard sandbox's records as the provider's wire shows them: orders, cards (with balance and
// encrypted values), cardholders, accounts and authorizations. Reads only, never a change.
import type { EngineContext } from './context';
import { balanceOf, walletAccount } from './money';
import type { AuthRecord, SandboxAccount, SandboxCard, SandboxHolder, SandboxOrder } from './model';
import { CITIES, REGIONS } from './reference-data';
import { sensitiveOnTheWire } from './sensitive';

const CARD_STATUS_LOWER: Record<string, string> = {
  Normal: 'normal',
  Freezing: 'freezing',
  Freeze: 'freeze',
  UnFreezing: 'unfreezing',
};

/** A sensitive value encrypted to this sandbox's merchant, encoded as the switches say. */
export function sensitiveValue(ctx: EngineContext, plaintext: string): string {
  return sensitiveOnTheWire(plaintext, ctx.deps.merchantPublicKey, ctx.deps.switches.sensitiveEncoding);
}

export function wireOrder(ctx: EngineContext, o: SandboxOrder): Record<string, unknown> {
  const { internal: _internal, ...wire } = o;
  return { ...wire, status: ctx.deps.switches.orderStatusNames[o.status] ?? o.status };
}

export function balanceInfo(ctx: EngineContext, card: SandboxCard) {
  return {
    cardNo: card.cardNo,
    amount: balanceOf(ctx, card).toFixed(),
    usedAmount: card.usedAmount.toFixed(),
    currency: card.cardType.fiatCurrency,
  };
}

export function wireCard(ctx: EngineContext, card: SandboxCard, simple: boolean): Record<string, unknown> {
  const holder = card.holderId ? ctx.holders.get(card.holderId) : undefined;
  const status =
    ctx.deps.switches.cardStatusCase === 'lower'
      ? (CARD_STATUS_LOWER[card.status] ?? card.status)
      : card.status;
  return {
    cardTypeId: card.cardType.cardTypeId,
    cardBankBin: card.cardType.bankCardBin,
    holderId: card.holderId,
    cardNo: card.cardNo,
    // Seed 002 marks cardNumber, cvv and validPeriod required; cvv and validPeriod "encrypted
    // with the merchant's public key".
    cardNumber: card.pan,
    cvv: sensitiveValue(ctx, card.cvv),
    validPeriod: sensitiveValue(ctx, card.expireDate),
    status,
    statusStr: card.status,
    blocked: card.blocked,
    bindTime: card.bindTime,
    remark: card.remark,
    noPinPaymentAmount: card.noPinPaymentAmount,
    ...(simple ? {} : { balanceInfo: balanceInfo(ctx, card) }),
    holderInfo: holder
      ? {
          firstName: holder.personal.firstName,
          lastName: holder.personal.lastName,
          country: holder.personal.country,
          town: holder.personal.town,
          address: holder.personal.address,
          postCode: holder.personal.postCode,
        }
      : null,
    spendingControls: [],
    riskControls: null,
  };
}

export function wireHolderResult(h: SandboxHolder): Record<string, unknown> {
  return {
    holderId: h.holderId,
    merchantOrderNo: h.merchantOrderNo,
    cardTypeId: h.cardTypeId,
    statusFlowLocation: h.statusFlowLocation,
    status: h.status,
    description: h.description,
    respMsg: h.respMsg,
  };
}

export function wireHolderRecord(h: SandboxHolder): Record<string, unknown> {
  const p = h.personal;
  return {
    ...wireHolderResult(h),
    areaCode: p.areaCode,
    mobile: p.mobile,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    birthday: p.birthday,
    country: p.country,
    countryStr: REGIONS.find((r) => r.code === p.country)?.name ?? null,
    town: p.town,
    townStr: CITIES.find((c) => c.code === p.town)?.name ?? null,
    address: p.address,
    postCode: p.postCode,
    createTime: h.createTime,
    updateTime: h.updateTime,
  };
}

export function wireAccount(ctx: EngineContext, account: SandboxAccount): Record<string, unknown> {
  const balance = ctx.deps.ledger.balance(walletAccount(account.accountId));
  return {
    ...account,
    currency: 'USD',
    totalBalance: balance,
    availableBalance: balance,
    frozenBalance: '0',
    digital: 2,
  };
}

export function wireAuth(a: AuthRecord): Record<string, unknown> {
  const { refunded: _refunded, ...wire } = a;
  return { ...wire };
}
