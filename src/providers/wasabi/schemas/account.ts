// Merchant account (wallet) responses (spec §1.2 "Account API").
import { z } from 'zod';
import { amount, epochMs, idString, opt, page } from './primitives';

export const accountSchema = z.looseObject({
  accountId: idString,
  accountName: opt(z.string()),
  accountType: opt(z.string()),
  currency: z.string(),
  totalBalance: opt(amount),
  availableBalance: amount,
  frozenBalance: opt(amount),
  digital: opt(z.union([z.number(), z.string()])),
});
export type WasabiAccount = z.output<typeof accountSchema>;
export const accountListSchema = z.array(accountSchema);
export const accountPageSchema = page(accountSchema);

export const ledgerEntrySchema = z.looseObject({
  txId: idString,
  accountId: idString,
  currency: opt(z.string()),
  amount: amount,
  beforeBalance: opt(amount),
  afterBalance: opt(amount),
  orderNo: opt(idString),
  bizType: opt(z.string()),
  direction: opt(z.string()),
  remark: opt(z.string()),
  createTime: opt(epochMs),
});
export type WasabiLedgerEntry = z.output<typeof ledgerEntrySchema>;
export const ledgerPageSchema = page(ledgerEntrySchema);
