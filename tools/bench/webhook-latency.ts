// Webhook-to-flow latency (pure): from the moment the sandbox sent a provider notification (its
// first delivery attempt) to the flow's next state, read from the flow's history as the Web UI
// shows it: the next `CardState` search attribute change, or the flow's close. The API's webhook
// journal says which flows each notification was signalled to.
import type { temporal } from '@temporalio/proto';
import { percentile } from './stats';

/** One delivery as the sandbox lists it (`GET /_sandbox/webhooks`). */
export interface SandboxDelivery {
  meta: { category?: string; key?: string; status?: string };
  attempts: Array<{ at: string; status?: number; accepted: boolean }>;
  state: string;
}

/** One entry of the API's journal (`GET /webhooks/journal`). */
export interface JournalEntry {
  /** When the API recorded it (after signalling), ISO time. */
  at?: string;
  event: string;
  key: string;
  status?: string;
  outcome: string;
  workflowIds?: string[];
}

export interface WebhookLatencies {
  /** Notifications the sandbox sent in the window. */
  notifications: number;
  /** Latencies measured, one per notification that reached a running flow which then changed state. */
  latenciesMs: number[];
  /**
   * Of those, the part spent before the flow was signalled: from the send to the API's journal
   * entry (delivery, the visibility lookup, the signal). The rest is the flow's.
   */
  routingMs: number[];
  /** Sent, but the API signalled no flow (none running: it had moved on by its own poll). */
  notSignalled: number;
  /** Signalled, but no flow changed state afterwards. */
  noStateChange: number;
}

const STATE_ATTRIBUTE = 'CardState';

const millis = (time: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

/** When a flow's state changed: each `CardState` upsert and its close, in ms since the epoch. */
export function stateChangeTimes(history: temporal.api.history.v1.IHistory): number[] {
  const out: number[] = [];
  for (const event of history.events ?? []) {
    const upserted = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    const closed =
      event.workflowExecutionCompletedEventAttributes ??
      event.workflowExecutionFailedEventAttributes ??
      event.workflowExecutionTimedOutEventAttributes ??
      event.workflowExecutionTerminatedEventAttributes ??
      event.workflowExecutionCanceledEventAttributes ??
      event.workflowExecutionContinuedAsNewEventAttributes;
    if ((upserted && STATE_ATTRIBUTE in upserted) || closed) out.push(millis(event.eventTime));
  }
  return out.sort((a, b) => a - b);
}

const noteKey = (event: string | undefined, key: string | undefined, status: string | undefined) =>
  `${event ?? ''}|${key ?? ''}|${status ?? ''}`;

/**
 * Pairs each notification sent at or after `sinceMs` with the journal entry that signalled it
 * (same event, key and status) and the signalled flows' state changes: the latency is the
 * earliest state change after the send, over the flows signalled.
 */
export function webhookLatencies(
  deliveries: readonly SandboxDelivery[],
  journal: readonly JournalEntry[],
  stateChanges: ReadonlyMap<string, readonly number[]>,
  sinceMs: number,
): WebhookLatencies {
  const signalled = new Map<string, JournalEntry>();
  for (const entry of journal)
    if (entry.outcome === 'signalled' && entry.workflowIds?.length)
      signalled.set(noteKey(entry.event, entry.key, entry.status), entry);
  const result: WebhookLatencies = {
    notifications: 0,
    latenciesMs: [],
    routingMs: [],
    notSignalled: 0,
    noStateChange: 0,
  };
  for (const delivery of deliveries) {
    const first = delivery.attempts[0];
    const sentMs = first ? Date.parse(first.at) : Number.NaN;
    if (!(sentMs >= sinceMs)) continue;
    result.notifications++;
    const entry = signalled.get(noteKey(delivery.meta.category, delivery.meta.key, delivery.meta.status));
    const flows = entry?.workflowIds;
    if (!entry || !flows) {
      result.notSignalled++;
      continue;
    }
    const next = flows
      .map((id) => (stateChanges.get(id) ?? []).find((at) => at >= sentMs))
      .filter((at): at is number => at !== undefined);
    if (next.length === 0) {
      result.noStateChange++;
      continue;
    }
    result.latenciesMs.push(Math.min(...next) - sentMs);
    const journalledMs = entry.at ? Date.parse(entry.at) : Number.NaN;
    if (journalledMs >= sentMs) result.routingMs.push(journalledMs - sentMs);
  }
  return result;
}

export const latencyPercentiles = (latenciesMs: readonly number[]) => ({
  p50Ms: percentile(latenciesMs, 50),
  p99Ms: percentile(latenciesMs, 99),
  maxMs: latenciesMs.length ? Math.max(...latenciesMs) : Number.NaN,
});
