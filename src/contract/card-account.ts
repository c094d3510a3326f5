// cardAccount: one long-lived workflow per card that serialises everything done to it. Deposit,
// freeze, unfreeze and close arrive as updates; validators refuse what cannot apply (a deposit
// to a closed or closing card, a second close, freezing a frozen card); accepted operations run
// one at a time. Its state is mirrored to search attributes and answered by the `state` query;
// it continues as new when the server suggests it, once in-flight updates have finished.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { Decimal } from './money';
import { positiveAmount } from './money-schemas';
import { providerSchema, refSchema, reconcileOptionsSchema, waitOptionsSchema } from './common';
import type { ClosureResult } from './closure';
import type { DepositResult } from './deposit';

export const CARD_ACCOUNT_STATES = ['ACTIVE', 'FROZEN', 'CLOSING', 'CLOSED'] as const;
export type CardAccountState = (typeof CARD_ACCOUNT_STATES)[number];

/** What survives continue-as-new. */
export const cardAccountCarrySchema = z.object({
  state: z.enum(CARD_ACCOUNT_STATES),
  depositsSettled: z.number().int().min(0),
  /** Sum of settled deposits, decimal text. */
  totalDeposited: z.string(),
  runs: z.number().int().min(1),
  /** Operations started so far: numbers each provider order key (freeze-3, unfreeze-4). */
  operations: z.number().int().min(0),
  /**
   * Every deposit reference accepted on this card, for its whole life, with its amount: a
   * repeat with the same amount answers the first outcome, another amount is refused. About
   * 50 bytes a deposit: 10,000 deposits stay far below Temporal's 2 MB payload limit.
   */
  deposits: z.record(z.string(), z.string()),
  recent: z.array(z.object({ op: z.string(), ref: z.string(), outcome: z.string(), at: z.string() })).max(20),
});
export type CardAccountCarry = z.infer<typeof cardAccountCarrySchema>;

export const cardAccountInputSchema = z.object({
  provider: providerSchema,
  cardRef: refSchema,
  customerRef: refSchema,
  currency: z.string().regex(/^[A-Z]{3,5}$/),
  /** How the account's deposits wait for settlement (the cardDeposit defaults when absent). */
  settlement: waitOptionsSchema.optional(),
  /** How the account's close waits for completion (the cardClosure defaults when absent). */
  completion: waitOptionsSchema.optional(),
  /**
   * How a WasabiCard freeze or unfreeze order is followed to `success` / `fail` (deadline 1h,
   * poll 10s when absent). KazePay changes the card status synchronously: no wait.
   */
  freezeOrder: waitOptionsSchema.optional(),
  /** How an unknown outcome is reconciled (settle 30s, resolveWithin 30d when absent). */
  reconcile: reconcileOptionsSchema.optional(),
  /** Set by the workflow itself when it continues as new. */
  carried: cardAccountCarrySchema.optional(),
});
export type CardAccountInput = z.input<typeof cardAccountInputSchema>;
export type CardAccountParsedInput = z.output<typeof cardAccountInputSchema>;

export interface CardAccountStatus {
  provider: 'kazepay' | 'wasabi';
  cardRef: string;
  state: CardAccountState;
  /** The operation running now, if any, and how many are queued behind it. */
  running?: string;
  queued: number;
  depositsSettled: number;
  totalDeposited: string;
  recent: CardAccountCarry['recent'];
}

export const accountDepositSchema = z.object({ depositRef: refSchema, amount: positiveAmount(6) });
/**
 * A deposit's update id is its ref and amount: the server answers a repeated request once, with
 * the first outcome, while the same ref with another amount is a new update that the account's
 * validator refuses as a conflict.
 */
export const depositUpdateId = (depositRef: string, amount: string) =>
  `deposit:${depositRef}:${new Decimal(amount).toString()}`;
export const depositUpdate = defineUpdate<DepositResult, [z.infer<typeof accountDepositSchema>]>('deposit');
export const freezeUpdate = defineUpdate<{ state: CardAccountState }, []>('freeze');
export const unfreezeUpdate = defineUpdate<{ state: CardAccountState }, []>('unfreeze');
export const closeUpdate = defineUpdate<ClosureResult, []>('close');

/** The `state` query of cardAccount answers the account's richer status. */
export const cardAccountStateQuery = defineQuery<CardAccountStatus>('state');
