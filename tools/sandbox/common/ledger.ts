// The sandboxes' book of money: double entry, so every movement takes from one account and
// gives to another and the sum over all accounts of a currency is always zero. Money that
// enters or leaves the provider (merchant funding, card spend at a shop) goes through an
// external account per currency, the only kind allowed to go negative. A test or the
// benchmark reads it to prove nothing was created twice and no money appeared or vanished.
import { Decimal, type DecimalString } from '../../../src/contract/money';

export interface LedgerEntry {
  seq: number;
  at: string;
  from: string;
  to: string;
  amount: DecimalString;
  currency: string;
  /** What moved the money (e.g. `recharge`, `recharge_refund`, `close_refund`, `fee`). */
  kind: string;
  /** The business reference (provider order or transaction id). */
  ref: string;
}

export interface LedgerSnapshot {
  accounts: Record<string, { currency: string; balance: DecimalString }>;
  entries: LedgerEntry[];
  /** Sum of every account per currency; all zero when the books balance. */
  totals: Record<string, DecimalString>;
  balanced: boolean;
}

export class InsufficientFundsError extends Error {
  override name = 'InsufficientFundsError';
  constructor(
    readonly account: string,
    readonly available: DecimalString,
    readonly requested: DecimalString,
  ) {
    super(`account ${account} has ${available}, cannot move ${requested}`);
  }
}

export class LedgerError extends Error {
  override name = 'LedgerError';
}

/** The outside world for one currency. */
export const externalAccount = (currency: string) => `external:${currency}`;

export class Ledger {
  private readonly accounts = new Map<string, { currency: string; balance: Decimal }>();
  private readonly log: LedgerEntry[] = [];

  ensureAccount(id: string, currency: string): void {
    const existing = this.accounts.get(id);
    if (existing && existing.currency !== currency) {
      throw new LedgerError(`account ${id} is in ${existing.currency}, not ${currency}`);
    }
    if (!existing) this.accounts.set(id, { currency, balance: new Decimal(0) });
  }

  has(id: string): boolean {
    return this.accounts.has(id);
  }

  balance(id: string): DecimalString {
    const account = this.accounts.get(id);
    if (!account) throw new LedgerError(`unknown account ${id}`);
    return account.balance.toFixed();
  }

  currencyOf(id: string): string {
    const account = this.accounts.get(id);
    if (!account) throw new LedgerError(`unknown account ${id}`);
    return account.currency;
  }

  /** Money arriving from outside the provider (e.g. the merchant's pre-funded wallet). */
  fund(id: string, amount: DecimalString, memo: { kind: string; ref: string }): LedgerEntry {
    return this.transfer(externalAccount(this.currencyOf(id)), id, amount, memo);
  }

  /** Money leaving to the outside (e.g. card spend at a merchant). */
  payOut(id: string, amount: DecimalString, memo: { kind: string; ref: string }): LedgerEntry {
    return this.transfer(id, externalAccount(this.currencyOf(id)), amount, memo);
  }

  transfer(
    from: string,
    to: string,
    amount: DecimalString,
    memo: { kind: string; ref: string },
  ): LedgerEntry {
    const value = new Decimal(amount);
    if (!value.isFinite() || value.isNegative()) throw new LedgerError(`invalid amount ${amount}`);
    const source = this.accountOrExternal(from);
    const target = this.accountOrExternal(to);
    if (source.currency !== target.currency) {
      throw new LedgerError(`cannot move ${source.currency} into a ${target.currency} account`);
    }
    if (!from.startsWith('external:') && source.balance.lt(value)) {
      throw new InsufficientFundsError(from, source.balance.toFixed(), value.toFixed());
    }
    source.balance = source.balance.minus(value);
    target.balance = target.balance.plus(value);
    const entry: LedgerEntry = {
      seq: this.log.length + 1,
      at: new Date().toISOString(),
      from,
      to,
      amount: value.toFixed(),
      currency: source.currency,
      kind: memo.kind,
      ref: memo.ref,
    };
    this.log.push(entry);
    return entry;
  }

  entries(filter: { ref?: string; account?: string; kind?: string } = {}): LedgerEntry[] {
    return this.log.filter(
      (e) =>
        (filter.ref === undefined || e.ref === filter.ref) &&
        (filter.kind === undefined || e.kind === filter.kind) &&
        (filter.account === undefined || e.from === filter.account || e.to === filter.account),
    );
  }

  snapshot(): LedgerSnapshot {
    const accounts: LedgerSnapshot['accounts'] = {};
    const totals = new Map<string, Decimal>();
    for (const [id, { currency, balance }] of this.accounts) {
      accounts[id] = { currency, balance: balance.toFixed() };
      totals.set(currency, (totals.get(currency) ?? new Decimal(0)).plus(balance));
    }
    const totalsText = Object.fromEntries([...totals].map(([c, t]) => [c, t.toFixed()]));
    return {
      accounts,
      entries: [...this.log],
      totals: totalsText,
      balanced: [...totals.values()].every((t) => t.isZero()),
    };
  }

  private accountOrExternal(id: string) {
    if (id.startsWith('external:') && !this.accounts.has(id))
      this.ensureAccount(id, id.slice('external:'.length));
    const account = this.accounts.get(id);
    if (!account) throw new LedgerError(`unknown account ${id}`);
    return account;
  }
}
