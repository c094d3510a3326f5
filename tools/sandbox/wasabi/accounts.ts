// The merchant's WasabiCard accounts: the wallet and margin accounts, transfers between them, and
// the account ledger read back from the common ledger with running balances.
import type { z } from 'zod';
import { Decimal } from '../../../src/contract/money';
import type { EngineContext } from './context';
import { claimOrderNo, findAccount } from './guards';
import { type SandboxAccount, SandboxError } from './model';
import { move, requireWalletBalance, walletAccount } from './money';
import { inWindow, paged } from './paging';
import type * as rules from './request-rules';
import { wireAccount } from './wire-views';

export function listAccounts(ctx: EngineContext, q: z.output<typeof rules.accountList>): unknown {
  const rows = [...ctx.accounts.values()].filter(
    (a) =>
      (q.accountId === undefined || q.accountId === a.accountId) &&
      (q.type === undefined || q.type === a.accountType),
  );
  return paged(rows, q.pageNum, q.pageSize, (a) => wireAccount(ctx, a));
}

export function createAccount(ctx: EngineContext, q: z.output<typeof rules.accountCreate>): unknown {
  const account: SandboxAccount = {
    accountId: ctx.ids.longId(),
    accountName: q.accountName,
    accountType: 'MARGIN',
  };
  ctx.accounts.set(account.accountId, account);
  ctx.deps.ledger.ensureAccount(walletAccount(account.accountId), 'USD');
  return wireAccount(ctx, account);
}

export function transfer(ctx: EngineContext, q: z.output<typeof rules.accountTransfer>): true {
  findAccount(ctx, q.payerAccountId);
  findAccount(ctx, q.payeeAccountId);
  if (q.payerAccountId === q.payeeAccountId) throw new SandboxError(400, 'Payer and payee must differ');
  if (new Decimal(q.amount).decimalPlaces() > 2)
    throw new SandboxError(400, 'Parameter error: amount at most 2 decimal places');
  const from = walletAccount(q.payerAccountId);
  requireWalletBalance(ctx, from, new Decimal(q.amount));
  claimOrderNo(ctx, 'transfer', q.merchantOrderNo);
  const kind = q.type === 'TRANSFER' ? 'fund_transfer' : 'fund_collection';
  move(ctx, from, walletAccount(q.payeeAccountId), new Decimal(q.amount), kind, q.merchantOrderNo);
  return true;
}

/** account/transaction: every ledger entry touching a wallet, with before/after balances, newest first. */
export function accountLedger(ctx: EngineContext, q: z.output<typeof rules.accountTransaction>): unknown {
  if (q.accountId !== undefined) findAccount(ctx, q.accountId);
  const running = new Map<string, Decimal>();
  const rows: Array<Record<string, unknown>> = [];
  const touched = (e: { from: string; to: string }) =>
    [e.from, e.to].filter((a) => a.startsWith('wallet:')).map((a) => a.slice('wallet:'.length));
  for (const e of ctx.deps.ledger.entries()) {
    for (const accountId of touched(e)) {
      const out = e.from === walletAccount(accountId);
      const before = running.get(accountId) ?? new Decimal(0);
      const after = out ? before.minus(e.amount) : before.plus(e.amount);
      running.set(accountId, after);
      const createTime = Date.parse(e.at);
      if (q.accountId !== undefined && accountId !== q.accountId) continue;
      if (q.orderNo !== undefined && e.ref !== q.orderNo) continue;
      if (q.bizType !== undefined && e.kind !== q.bizType) continue;
      if (!inWindow(createTime, q)) continue;
      rows.push({
        txId: `1${String(e.seq).padStart(17, '0')}${out ? '1' : '2'}`,
        accountId,
        currency: e.currency,
        amount: e.amount,
        beforeBalance: before.toFixed(),
        afterBalance: after.toFixed(),
        orderNo: e.ref,
        bizType: e.kind,
        direction: out ? 'OUT' : 'IN',
        remark: null,
        createTime,
      });
    }
  }
  rows.reverse(); // newest first
  return paged(rows, q.pageNum, q.pageSize, (r) => r);
}
