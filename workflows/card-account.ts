// The card-account workflow: one long-lived flow per card that runs every change to it one at a
// time. Deposits and the close are child flows; a freeze or unfreeze is the provider's step,
// picked from the registry (workflows/providers.ts).
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  ParentClosePolicy,
  patched,
  setHandler,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  type CardAccountCarry,
  type CardAccountInput,
  type CardAccountParsedInput,
  type CardAccountState,
  type CardAccountStatus,
  accountDepositSchema,
  cardAccountInputSchema,
  cardAccountStateQuery,
  closeUpdate,
  depositUpdate,
  freezeUpdate,
  unfreezeUpdate,
} from '../src/contract/card-account';
import { type ClosureResult } from '../src/contract/closure';
import { TASK_QUEUE } from '../src/contract/common';
import { type DepositResult } from '../src/contract/deposit';
import { FAILURE_TYPES, REFERENCE_FREE } from '../src/contract/failures';
import { addMoney, Decimal } from '../src/contract/money';
import { flowSummary } from '../src/contract/summaries';
import { workflowIds } from '../src/contract/workflow-ids';
import { polling } from './support/activities';
import { waitSettings } from './support/durations';
import { activityErrorType, applicationCause, classify } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { Notifications } from './support/waits';
import { cardClosure } from './card-closure';
import { stepsFor } from './providers';
import { cardDeposit } from './card-deposit';
import { SETTLEMENT_DEFAULTS } from './steps/deposit';

const RECENT_LIMIT = 20;

/**
 * One long-lived workflow per card. Every change to the card goes through it, one at a time, so
 * a deposit can never race a close. Ends when the card is closed.
 */
export async function cardAccount(rawInput: CardAccountInput): Promise<CardAccountStatus> {
  const input = parseInput(cardAccountInputSchema, rawInput, 'cardAccount input');
  const carry: CardAccountCarry = input.carried ?? {
    state: 'ACTIVE',
    depositsSettled: 0,
    totalDeposited: '0',
    runs: 1,
    operations: 0,
    deposits: {},
    recent: [],
  };
  const tracker = new FlowTracker<CardAccountState>('cardAccount', input.provider, carry.state, {
    customerRef: input.customerRef,
    cardRef: input.cardRef,
  });
  const notifications = new Notifications();
  const account = new Account(input, carry, tracker, notifications);
  setHandler(cardAccountStateQuery, () => account.status());

  setHandler(
    depositUpdate,
    (arg) => {
      // Recorded on arrival, before its turn: a repeat queued behind it is judged against it.
      carry.deposits[arg.depositRef] ??= new Decimal(arg.amount).toString();
      return account.exclusive('deposit', () => account.deposit(arg.depositRef, arg.amount));
    },
    {
      validator: (arg) => {
        const parsed = accountDepositSchema.safeParse(arg);
        if (!parsed.success)
          throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        account.refuseUnless(['ACTIVE', 'FROZEN'], 'deposit to');
        const first = carry.deposits[arg.depositRef];
        if (first !== undefined && !new Decimal(first).equals(arg.amount))
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.conflict,
            message: `deposit ${arg.depositRef} was already used on this card for ${first} ${input.currency}: a repeat must carry the same amount`,
            nonRetryable: true,
          });
      },
    },
  );
  setHandler(freezeUpdate, () => account.exclusive('freeze', () => account.setFrozen(true)), {
    validator: () => {
      account.refuseUnless(['ACTIVE'], 'freeze');
      if (account.queuedFreeze !== undefined) throw new Error('a freeze or unfreeze is already queued');
    },
  });
  setHandler(unfreezeUpdate, () => account.exclusive('unfreeze', () => account.setFrozen(false)), {
    validator: () => {
      account.refuseUnless(['FROZEN'], 'unfreeze');
      if (account.queuedFreeze !== undefined) throw new Error('a freeze or unfreeze is already queued');
    },
  });
  setHandler(
    closeUpdate,
    () => {
      // Accepted means closing: from now on no deposit, freeze or second close is accepted.
      account.setState('CLOSING');
      return account.exclusive('close', () => account.close());
    },
    { validator: () => account.refuseUnless(['ACTIVE', 'FROZEN'], 'close') },
  );

  await condition(() => account.closed || (workflowInfo().continueAsNewSuggested && account.idle));
  // Let every accepted update finish (and its caller get the answer) before this run ends.
  await condition(allHandlersFinished);
  if (account.closed) return account.status();
  return continueAsNew<typeof cardAccount>({ ...input, carried: { ...carry, runs: carry.runs + 1 } });
}

class Account {
  /** Operations run in arrival order: each takes a ticket and waits until it is served. */
  private nextTicket = 0;
  private serving = 0;
  running?: string;
  queued = 0;
  /** true/false while a freeze/unfreeze waits its turn. */
  queuedFreeze?: boolean;
  closed = false;

  constructor(
    private readonly input: CardAccountParsedInput,
    private readonly carry: CardAccountCarry,
    private readonly tracker: FlowTracker<CardAccountState>,
    private readonly notifications: Notifications,
  ) {}

  status(): CardAccountStatus {
    return {
      provider: this.input.provider,
      cardRef: this.input.cardRef,
      state: this.carry.state,
      ...(this.running ? { running: this.running } : {}),
      queued: this.queued,
      depositsSettled: this.carry.depositsSettled,
      totalDeposited: this.carry.totalDeposited,
      recent: this.carry.recent,
    };
  }

  refuseUnless(states: CardAccountState[], what: string): void {
    if (!states.includes(this.carry.state))
      throw new Error(`cannot ${what} a card that is ${this.carry.state}`);
  }

  setState(state: CardAccountState, detail?: string): void {
    this.carry.state = state;
    this.tracker.set(state, detail);
  }

  get idle(): boolean {
    return this.serving === this.nextTicket;
  }

  /**
   * Runs operations one at a time, in arrival order. A ticket, not a busy flag: when one
   * operation ends, every waiter whose condition holds is released in the same activation, so a
   * flag would let all queued operations start together.
   */
  async exclusive<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const ticket = this.nextTicket++;
    this.queued++;
    if (name === 'freeze' || name === 'unfreeze') this.queuedFreeze = name === 'freeze';
    await condition(() => this.serving === ticket);
    this.queued--;
    this.running = name;
    this.carry.operations++;
    try {
      return await operation();
    } finally {
      if (name === 'freeze' || name === 'unfreeze') this.queuedFreeze = undefined;
      this.running = undefined;
      this.serving++;
    }
  }

  private remember(op: string, ref: string, outcome: string): void {
    this.carry.recent = [...this.carry.recent, { op, ref, outcome, at: new Date().toISOString() }].slice(
      -RECENT_LIMIT,
    );
  }

  async deposit(depositRef: string, amount: string): Promise<DepositResult> {
    // Checked again at its turn: a close accepted after this deposit was queued wins.
    this.refuseUnless(['ACTIVE', 'FROZEN'], 'deposit to');
    const workflowId = workflowIds.cardDeposit(this.input.provider, this.input.cardRef, depositRef);
    const terms = { amount, currency: this.input.currency };
    let result: DepositResult;
    try {
      result = await this.startDeposit(workflowId, depositRef, amount);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw childReason(error);
      // This ref already has a deposit flow (another door, or a repeat): never a second one,
      // unless that flow failed before sending anything (its ref is free again).
      const followed = await this.followDeposit(workflowId, terms);
      if (followed === REFERENCE_FREED && patched('account-redeposits-freed-ref')) {
        result = await this.startDeposit(workflowId, depositRef, amount, true).catch((again: unknown) => {
          throw childReason(again);
        });
      } else {
        if (followed === REFERENCE_FREED) throw referenceFreedBeforePatch(workflowId);
        this.remember('deposit', depositRef, `${followed.outcome} (repeat)`);
        return followed;
      }
    }
    if (result.outcome === 'SETTLED') {
      this.carry.depositsSettled++;
      this.carry.totalDeposited = addMoney(this.carry.totalDeposited, result.receivedAmount ?? result.amount);
    }
    this.remember('deposit', depositRef, result.outcome);
    return result;
  }

  /** `freed`: the ref's earlier flow failed before sending anything (src/client/reuse.ts). */
  private startDeposit(
    workflowId: string,
    depositRef: string,
    amount: string,
    freed = false,
  ): Promise<DepositResult> {
    return executeChild(cardDeposit, {
      workflowId,
      taskQueue: TASK_QUEUE,
      workflowIdReusePolicy: freed
        ? WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
        : WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [
        {
          provider: this.input.provider,
          cardRef: this.input.cardRef,
          depositRef,
          amount,
          currency: this.input.currency,
          customerRef: this.input.customerRef,
          ...(this.input.settlement ? { settlement: this.input.settlement } : {}),
          ...(this.input.reconcile ? { reconcile: this.input.reconcile } : {}),
        },
      ],
      // A deposit already sent must be followed to its end even if this account run ends.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // The child's own summary, as a deposit started by the client carries it.
      staticSummary: flowSummary('cardDeposit', { ...this.input, depositRef, amount }),
    });
  }

  /** The outcome of the deposit flow already under `workflowId`, read until it has ended. */
  private async followDeposit(
    workflowId: string,
    terms: { amount: string; currency: string },
  ): Promise<DepositResult | typeof REFERENCE_FREED> {
    const wait = waitSettings(this.input.settlement, SETTLEMENT_DEFAULTS);
    try {
      return await polling(
        wait.deadlineMs,
        wait.pollIntervalMs,
        `Follow deposit flow ${workflowId} of ${terms.amount} ${terms.currency} to its end`,
      ).followDeposit({ workflowId, ...terms });
    } catch (error) {
      if (activityErrorType(error) === REFERENCE_FREE) return REFERENCE_FREED;
      throw ApplicationFailure.create({
        type: classify(error),
        message: applicationCause(error)?.message ?? `deposit ${workflowId} could not be followed`,
        nonRetryable: true,
      });
    }
  }

  async setFrozen(frozen: boolean): Promise<{ state: CardAccountState }> {
    await stepsFor(this.input.provider, 'account').setFrozen(
      {
        input: this.input,
        tracker: this.tracker,
        notifications: this.notifications,
        operations: this.carry.operations,
        remember: (op, ref, outcome) => this.remember(op, ref, outcome),
      },
      frozen,
    );
    this.setState(frozen ? 'FROZEN' : 'ACTIVE');
    this.remember(frozen ? 'freeze' : 'unfreeze', this.input.cardRef, 'OK');
    return { state: this.carry.state };
  }

  async close(): Promise<ClosureResult> {
    const result = await executeChild(cardClosure, {
      workflowId: workflowIds.cardClosure(this.input.provider, this.input.cardRef),
      taskQueue: TASK_QUEUE,
      args: [
        {
          provider: this.input.provider,
          cardRef: this.input.cardRef,
          customerRef: this.input.customerRef,
          ...(this.input.completion ? { completion: this.input.completion } : {}),
          ...(this.input.reconcile ? { reconcile: this.input.reconcile } : {}),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: flowSummary('cardClosure', this.input),
    }).catch((error: unknown) => {
      throw childReason(error);
    });
    this.setState('CLOSED', `refund ${result.refundAmount} ${result.currency}`);
    this.remember('close', result.providerTransactionId, 'CLOSED');
    this.closed = true;
    return result;
  }
}

/**
 * A child flow's failure as the caller should see it: the child's own type and reason
 * (PreconditionFailed: card is INACTIVE), not "Child Workflow execution failed".
 */
/** followDeposit's answer when the ref's earlier flow failed before sending anything. */
const REFERENCE_FREED = Symbol('reference freed');

/** A replayed run from before the account re-deposited freed refs answers as it did then. */
function referenceFreedBeforePatch(workflowId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.providerUnavailable,
    message: `deposit ${workflowId} could not be followed`,
    nonRetryable: true,
  });
}

function childReason(error: unknown): unknown {
  if (!(error instanceof ChildWorkflowFailure)) return error;
  const cause = applicationCause(error.cause);
  if (!cause) return error;
  return ApplicationFailure.create({
    type: cause.type ?? classify(error),
    message: cause.message,
    nonRetryable: true,
  });
}
