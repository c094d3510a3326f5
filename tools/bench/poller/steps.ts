// The status-table poller's lifecycle as a state machine: one step per provider call (or pair of
// reads), in the order the workflows and the plain script make them, with the same activity
// functions, idempotency keys (providerOrderKey of the flow id and step), retry backoff and poll
// interval. `advance` never throws: whatever happens becomes the row's next state.
import { ApplicationFailure } from '@temporalio/common';
import type { CardflowActivities } from '../../../activities';
import { providerOrderKey, STILL_PENDING } from '../../../src/contract';
import { ProviderAmbiguousError, ProviderRetryableError } from '../../../src/providers/errors';
import { benchApplicant, type LifecycleSettings } from '../lifecycle';
import { type Backoff, KEYED_SENDS, READS } from '../plain-arm';

export const FLOW_STEPS = [
  'holder.submit',
  'holder.review',
  'issue.check',
  'issue.open',
  'issue.wait',
  'deposit.check',
  'deposit.send',
  'deposit.wait',
  'close.send',
  'close.wait',
] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];
export const FIRST_STEP: FlowStep = 'holder.submit';

/** What a row remembers between steps: provider references only, no personal data. */
export interface FlowState {
  /** The flow id, also the seed of the bench applicant (derived again at submit, never stored). */
  key: string;
  holderId?: string;
  cardNo?: string;
  depositOrderNo?: string;
  refundAmount?: string;
  /** When the current wait began (ms since the epoch), for its deadline. */
  waitStartedAt?: number;
  /** When the current run of transient failures began, for the policy's total. */
  failingSince?: number;
}

export type FlowStatus = 'running' | 'done' | 'failed';

export interface FlowRow {
  flowId: string;
  step: FlowStep;
  state: FlowState;
  /** Consecutive transient failures of the current step (its backoff); 0 while merely pending. */
  attempt: number;
}

export interface FlowUpdate extends FlowRow {
  status: FlowStatus;
  nextPollAt: Date;
  error: string | null;
}

interface StepDefinition {
  /** A wait: "still pending" is polled again at the poll interval until the deadline. */
  wait: boolean;
  backoff: Backoff;
  run(state: FlowState, a: CardflowActivities, settings: LifecycleSettings): Promise<FlowState>;
}

const key = (state: FlowState, step: string) => providerOrderKey(state.key, step);

const STEPS: Record<FlowStep, StepDefinition> = {
  'holder.submit': {
    wait: false,
    backoff: KEYED_SENDS,
    async run(s, a, { cardTypeId }) {
      const { holderId } = await a.wasabiSubmitHolder({
        merchantOrderNo: key(s, 'holder'),
        cardTypeId,
        cardHolderModel: 'B2C',
        applicant: benchApplicant(s.key),
      });
      return { ...s, holderId };
    },
  },
  'holder.review': {
    wait: true,
    backoff: READS,
    async run(s, a) {
      const review = await a.wasabiHolderStatus({ holderId: s.holderId!, untilDecided: true });
      if (review.status !== 'pass_audit') throw new Error(`cardholder review ended ${review.status}`);
      return s;
    },
  },
  'issue.check': {
    wait: false,
    backoff: READS,
    async run(s, a, { cardTypeId }) {
      const type = await a.wasabiCardType({ cardTypeId });
      if (type.status.toLowerCase() !== 'online')
        throw new Error(`card type ${cardTypeId} is ${type.status}`);
      const holder = await a.wasabiHolderStatus({ holderId: s.holderId!, untilDecided: false });
      if (holder.status !== 'pass_audit') throw new Error(`cardholder is ${holder.status}`);
      return s;
    },
  },
  'issue.open': {
    wait: false,
    backoff: KEYED_SENDS,
    async run(s, a, settings) {
      await a.wasabiOpenCard({
        merchantOrderNo: key(s, 'open'),
        cardTypeId: settings.cardTypeId,
        amount: settings.initialDeposit,
        holderId: s.holderId!,
      });
      return s;
    },
  },
  'issue.wait': {
    wait: true,
    backoff: READS,
    async run(s, a) {
      const order = await a.wasabiOrder({ merchantOrderNo: key(s, 'open'), untilFinal: true });
      if (order?.status !== 'success' || !order.cardNo) throw new Error(`card order ended ${order?.status}`);
      return { ...s, cardNo: order.cardNo };
    },
  },
  'deposit.check': {
    wait: false,
    backoff: READS,
    async run(s, a) {
      const card = await a.wasabiCardStatus({ cardNo: s.cardNo! });
      await a.wasabiCardType({ cardTypeId: card.cardTypeId });
      if (card.status !== 'normal') throw new Error(`card is ${card.status}`);
      return s;
    },
  },
  'deposit.send': {
    wait: false,
    backoff: KEYED_SENDS,
    async run(s, a, settings) {
      await a.wasabiDeposit({
        merchantOrderNo: key(s, 'deposit'),
        cardNo: s.cardNo!,
        amount: settings.depositAmount,
      });
      return s;
    },
  },
  'deposit.wait': {
    wait: true,
    backoff: READS,
    async run(s, a) {
      const order = await a.wasabiOrder({ merchantOrderNo: key(s, 'deposit'), untilFinal: true });
      if (order?.status !== 'success') throw new Error(`deposit ended ${order?.status}`);
      return { ...s, depositOrderNo: order.orderNo };
    },
  },
  'close.send': {
    wait: false,
    backoff: KEYED_SENDS,
    async run(s, a) {
      await a.wasabiCancel({ merchantOrderNo: key(s, 'cancel'), cardNo: s.cardNo! });
      return s;
    },
  },
  'close.wait': {
    wait: true,
    backoff: READS,
    async run(s, a) {
      const order = await a.wasabiOrder({ merchantOrderNo: key(s, 'cancel'), untilFinal: true });
      if (order?.status !== 'success') throw new Error(`closure ended ${order?.status}`);
      return { ...s, refundAmount: order.receivedAmount ?? '0' };
    },
  },
};

const isStillPending = (error: unknown) =>
  error instanceof ApplicationFailure && error.type === STILL_PENDING;
const isTransient = (error: unknown) =>
  error instanceof ProviderRetryableError || error instanceof ProviderAmbiguousError;
const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Runs the row's step once and answers its next state and when the row is due again. */
export async function advance(
  row: FlowRow,
  a: CardflowActivities,
  settings: LifecycleSettings,
  now: () => number = Date.now,
): Promise<FlowUpdate> {
  const definition = STEPS[row.step];
  const started = now();
  const failed = (error: unknown): FlowUpdate => ({
    ...row,
    status: 'failed',
    nextPollAt: new Date(started),
    error: describe(error),
  });
  try {
    const state = await definition.run(row.state, a, settings);
    const next = FLOW_STEPS[FLOW_STEPS.indexOf(row.step) + 1];
    const { failingSince: _f, waitStartedAt: _w, ...kept } = state;
    if (!next)
      return { ...row, state: kept, attempt: 0, status: 'done', nextPollAt: new Date(now()), error: null };
    return {
      flowId: row.flowId,
      step: next,
      state: STEPS[next].wait ? { ...kept, waitStartedAt: now() } : kept,
      attempt: 0,
      status: 'running',
      // Due at once: the next step is claimed by whichever loop gets there first.
      nextPollAt: new Date(now()),
      error: null,
    };
  } catch (error) {
    if (definition.wait && isStillPending(error)) {
      const deadline = (row.state.waitStartedAt ?? started) + settings.deadlineMs;
      if (now() + settings.pollIntervalMs > deadline)
        return failed(new Error(`${row.step} did not finish in time`));
      const { failingSince: _f, ...state } = row.state;
      return {
        ...row,
        state,
        attempt: 0,
        status: 'running',
        nextPollAt: new Date(now() + settings.pollIntervalMs),
        error: null,
      };
    }
    if (isTransient(error)) {
      const { backoff } = definition;
      const failingSince = row.state.failingSince ?? started;
      const gap = Math.min(backoff.initialMs * backoff.coefficient ** row.attempt, backoff.maximumMs);
      if (now() - failingSince + gap > backoff.totalMs) return failed(error);
      return {
        ...row,
        state: { ...row.state, failingSince },
        attempt: row.attempt + 1,
        status: 'running',
        nextPollAt: new Date(now() + gap),
        error: describe(error),
      };
    }
    return failed(error);
  }
}
