// Waiting for a provider: polling by activity retries, cut short by a webhook notification.
import { ApplicationFailure, CancellationScope, condition, patched, setHandler } from '@temporalio/workflow';
import type { ReconcileOptions } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';
import {
  type OutcomeResolution,
  type ProviderNotification,
  providerNotificationSignal,
} from '../../src/contract/message-definitions';
import type { CardflowActivities } from '../../activities/interface';
import { polling } from './activities';
import { isDeadline } from './failures';
import type { FlowTracker } from './flow-tracker';
import { awaitOperator } from './reconcile';

/**
 * Marks histories in which a money-moving wait reads the provider once more at its deadline and
 * goes to NEEDS_RECONCILIATION on a status the profile does not know (before: DeadlineExceeded).
 */
export const UNKNOWN_STATUS_AT_DEADLINE_PATCH = 'unknown-status-at-deadline';

/** How many recent notifications a flow keeps to match against its waits. */
const RECENT_NOTIFICATIONS = 50;

/**
 * Verified provider notifications, numbered as they arrive. A wait wakes up when a new one about
 * what it waits for arrives (`WaitSpec.about`); a notification about another order or transaction
 * of the same card does not cost it a read.
 */
export class Notifications {
  count = 0;
  /** Notifications already taken into account by a wait (they woke it, or it ended after them). */
  consumed = 0;
  private readonly recent: Array<{ seq: number; notification: ProviderNotification }> = [];
  constructor() {
    setHandler(providerNotificationSignal, (notification) => {
      this.count++;
      this.recent.push({ seq: this.count, notification });
      if (this.recent.length > RECENT_NOTIFICATIONS) this.recent.shift();
    });
  }

  /** Whether a notification numbered after `seen` is about what `about` picks. */
  arrivedAfter(seen: number, about: (n: ProviderNotification) => boolean): boolean {
    return this.recent.some((r) => r.seq > seen && about(r.notification));
  }
}

/** What a wait is about, matched against a notification's key (see src/api/webhook-targets.ts). */
export const about = {
  /** A WasabiCard order: its orderNo or our merchantOrderNo. */
  order:
    (order: { orderNo: string; merchantOrderNo: string }) =>
    (n: ProviderNotification): boolean =>
      (order.orderNo !== '' && n.key === order.orderNo) || n.key === order.merchantOrderNo,
  /** A KazePay card: `<cardID>` or `<cardID>/<transaction>`. */
  kazepayCard:
    (cardId: string) =>
    (n: ProviderNotification): boolean =>
      n.key === cardId || n.key.startsWith(`${cardId}/`),
  /** A KazePay transaction: `<cardID>/<transactionId>`. */
  kazepayTransaction:
    (cardId: string, transactionId: string) =>
    (n: ProviderNotification): boolean =>
      n.key === `${cardId}/${transactionId}`,
  /** One business key (a WasabiCard holder id). */
  key:
    (key: string) =>
    (n: ProviderNotification): boolean =>
      n.key === key,
  /** Everything routed to this flow (a KYC flow receives only its own applicant's notifications). */
  anything: (): boolean => true,
};

export interface WaitSpec<T> {
  /** What is being waited for, for messages (`KYC review`, `deposit settlement`). */
  what: string;
  /** The polls' summary: this wait for this flow (`Wait for deposit d-1 to settle: order cf12`). */
  summary: string;
  /** Workflow time (ms) by which the wait must end. */
  deadlineAt: number;
  pollIntervalMs: number;
  notifications: Notifications;
  /** The polling call: resolves only with a final state (StillPending is retried). */
  poll: (activities: CardflowActivities) => Promise<T>;
  /** One read of the current state, for when a notification arrives. */
  read: () => Promise<T>;
  isFinal: (value: T) => boolean;
  /** Which notifications wake this wait (see `about`). */
  about: (notification: ProviderNotification) => boolean;
  /**
   * For waits where money may have moved: when the deadline passes and the provider's last
   * answer was a status the profile does not know, a person decides (NEEDS_RECONCILIATION).
   */
  unknownAtDeadline?: UnknownAtDeadline<T>;
}

export interface UnknownAtDeadline<T> {
  tracker: FlowTracker<string>;
  options?: ReconcileOptions;
  /** The status of a read when the profile does not know it, else undefined. */
  unknownStatusOf: (value: T) => string | undefined;
  /** The final value the operator's resolution stands for (or a typed failure). */
  fromResolution: (resolution: OutcomeResolution) => Promise<T> | T;
}

export function deadlineFailure(what: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.deadlineExceeded,
    message: `${what} did not finish in time`,
    nonRetryable: true,
  });
}

/**
 * Resolves with the provider's final state. Each round polls until final or until a notification
 * arrives; on a notification the poll is cancelled and the state read once, and if it is not
 * final yet the polling resumes with what is left of the deadline.
 */
export async function waitForProvider<T>(spec: WaitSpec<T>): Promise<T> {
  // A notification that arrived after the request was sent but before this wait began wakes it too.
  const { notifications } = spec;
  let seen = notifications.consumed;
  for (;;) {
    const remaining = spec.deadlineAt - Date.now();
    if (remaining <= 0) return atDeadline(spec, deadlineFailure(spec.what));
    let outcome: { woke: false; value: T } | { woke: true };
    try {
      outcome = await pollOrWake(spec, remaining, seen);
    } catch (error) {
      if (isDeadline(error)) return atDeadline(spec, error);
      throw error;
    }
    if (!outcome.woke) {
      notifications.consumed = notifications.count;
      return outcome.value;
    }
    seen = notifications.count;
    notifications.consumed = seen;
    const now = await spec.read();
    if (spec.isFinal(now)) return now;
  }
}

/**
 * The deadline passed. Where money may have moved, the provider is read once more (the poll's
 * last answer does not survive a schedule-to-close timeout): a final state is the outcome; a
 * status the profile does not know goes to a person; anything else fails as it always did.
 */
async function atDeadline<T>(spec: WaitSpec<T>, failure: unknown): Promise<T> {
  const decide = spec.unknownAtDeadline;
  if (!decide || !patched(UNKNOWN_STATUS_AT_DEADLINE_PATCH)) throw failure;
  let last: T;
  try {
    last = await spec.read();
  } catch {
    // The provider cannot be read either: the deadline's own failure says more.
    throw failure;
  }
  if (spec.isFinal(last)) return last;
  const status = decide.unknownStatusOf(last);
  if (status === undefined) throw failure;
  const resolution = await awaitOperator(
    { what: spec.what, tracker: decide.tracker, ...(decide.options ? { options: decide.options } : {}) },
    `the deadline passed on status "${status}", which the profile does not know`,
  );
  return decide.fromResolution(resolution);
}

/** One round: the poll until final, or a notification about this wait, whichever comes first. */
function pollOrWake<T>(
  spec: WaitSpec<T>,
  remaining: number,
  seen: number,
): Promise<{ woke: false; value: T } | { woke: true }> {
  const { notifications } = spec;
  return CancellationScope.cancellable(async () => {
    const polled = spec
      .poll(polling(remaining, spec.pollIntervalMs, spec.summary))
      .then((value) => ({ woke: false as const, value }));
    const woke = condition(() => notifications.arrivedAfter(seen, spec.about)).then(() => ({
      woke: true as const,
    }));
    // The loser is cancelled with the scope; its rejection is expected and ignored.
    polled.catch(() => undefined);
    woke.catch(() => undefined);
    const first = await Promise.race([polled, woke]);
    CancellationScope.current().cancel();
    return first;
  });
}
