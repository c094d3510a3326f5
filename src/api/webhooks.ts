// Provider notifications in: which waiting workflow a verified, de-duplicated notification is
// for, the `providerNotification` signal, and a bounded journal of what happened to each one.
//
// Mapping (a notification only makes a flow read the provider now, so signalling every flow
// about the same card is harmless; polling alone stays correct when nothing matches):
//
//   WasabiCard card_transaction, physical_card   cardNo  -> running flows with CardRef = cardNo
//   WasabiCard card_holder                       merchantOrderNo -> the kycVerification whose
//        providerOrderKey(workflowId, 'holder') equals it (recorded when the API starts it, else
//        found among running WasabiCard kycVerification flows by recomputing the key)
//   KazePay cardStatusNotify, rechargeNotify,    cardID  -> running KazePay flows with CardRef = cardID
//     closeCardNotify
//   KazePay kycStatusNotify                      email   -> the kycVerification the API started
//        for that email (SHA-256 of the lower-cased email, kept in memory, bounded); an email is
//        personal data, so it is in no search attribute
//   anything else (authorizations, 3DS, fees, wallet, unknown)  -> journal only ("unrouted")
//
// A notification with no running flow is journalled as `unmatched` and acknowledged.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type ProviderNotification, providerNotificationSignal, providerOrderKey } from '../contract';
import type { Logger } from '../logging/logger';
import { flowPresence, TemporalUnavailableError } from './temporal-errors';

export interface WebhookJournalEntry {
  at: string;
  provider: 'kazepay' | 'wasabi';
  event: string;
  key: string;
  status?: string;
  outcome: 'signalled' | 'unmatched' | 'unrouted' | 'duplicate' | 'refused';
  workflowIds?: string[];
  reason?: string;
}

/** An append-only, size-bounded record of notifications (oldest dropped first). */
export class WebhookJournal {
  private readonly list: WebhookJournalEntry[] = [];
  /** Notifications by provider and outcome since the process started (the API's /metrics). */
  private readonly totals = new Map<
    string,
    { provider: WebhookJournalEntry['provider']; outcome: WebhookJournalEntry['outcome']; count: number }
  >();
  constructor(private readonly maxEntries = 1000) {}
  record(entry: Omit<WebhookJournalEntry, 'at'>): WebhookJournalEntry {
    const full = { at: new Date().toISOString(), ...entry };
    const key = `${entry.provider}/${entry.outcome}`;
    const total = this.totals.get(key) ?? { provider: entry.provider, outcome: entry.outcome, count: 0 };
    this.totals.set(key, { ...total, count: total.count + 1 });
    this.list.push(full);
    if (this.list.length > this.maxEntries) this.list.splice(0, this.list.length - this.maxEntries);
    return full;
  }
  outcomeTotals(): {
    provider: WebhookJournalEntry['provider'];
    outcome: WebhookJournalEntry['outcome'];
    count: number;
  }[] {
    return [...this.totals.values()];
  }
  entries(filter: Partial<Pick<WebhookJournalEntry, 'provider' | 'outcome'>> = {}): WebhookJournalEntry[] {
    return this.list.filter(
      (e) =>
        (!filter.provider || e.provider === filter.provider) &&
        (!filter.outcome || e.outcome === filter.outcome),
    );
  }
}

/** A bounded map (oldest keys forgotten first). */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  set(key: string, value: V) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  get(key: string) {
    return this.map.get(key);
  }
}

/** The key a KazePay KYC email is known by (never the email itself). */
export const emailDigest = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

/** Where a notification goes: the lookup that finds its flows. */
export type NotificationTarget =
  | { kind: 'card'; provider: 'kazepay' | 'wasabi'; cardRef: string }
  | { kind: 'wasabi-holder'; merchantOrderNo: string }
  | { kind: 'kazepay-kyc'; email: string }
  | { kind: 'none' };

export class NotificationRouter {
  private readonly kycByEmail = new BoundedMap<string>(100_000);
  private readonly kycByHolderOrder = new BoundedMap<string>(100_000);
  readonly journal: WebhookJournal;

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
    journalSize = 1000,
  ) {
    this.journal = new WebhookJournal(journalSize);
  }

  /** Called when the API starts (or finds) a kycVerification: remembers how its notifications name it. */
  rememberKyc(workflowId: string, provider: 'kazepay' | 'wasabi', email: string): void {
    if (provider === 'kazepay') this.kycByEmail.set(emailDigest(email), workflowId);
    else this.kycByHolderOrder.set(providerOrderKey(workflowId, 'holder'), workflowId);
  }

  private async running(query: string, limit = 50): Promise<string[]> {
    const ids: string[] = [];
    for await (const wf of this.client.workflow.list({ query: `${query} AND ExecutionStatus = "Running"` })) {
      ids.push(wf.workflowId);
      if (ids.length >= limit) break;
    }
    return ids;
  }

  async targets(target: NotificationTarget): Promise<string[]> {
    switch (target.kind) {
      case 'card':
        return this.running(
          `CardRef = ${quote(target.cardRef)} AND CardProvider = ${quote(target.provider)}`,
        );
      case 'kazepay-kyc': {
        const id = this.kycByEmail.get(emailDigest(target.email));
        return id ? [id] : [];
      }
      case 'wasabi-holder': {
        const known = this.kycByHolderOrder.get(target.merchantOrderNo);
        if (known) return [known];
        const candidates = await this.running(
          'CardFlow = "kycVerification" AND CardProvider = "wasabi"',
          1000,
        );
        return candidates.filter((id) => providerOrderKey(id, 'holder') === target.merchantOrderNo);
      }
      default:
        return [];
    }
  }

  /**
   * Signals every flow the notification is for and journals the outcome. Throws only when
   * Temporal could not be reached (the caller then refuses the notification, so it is retried).
   */
  async deliver(
    provider: 'kazepay' | 'wasabi',
    notification: ProviderNotification,
    target: NotificationTarget,
  ): Promise<WebhookJournalEntry> {
    const base = { provider, event: notification.event, key: notification.key, status: notification.status };
    if (target.kind === 'none') return this.journal.record({ ...base, outcome: 'unrouted' });
    const ids = await this.targets(target);
    const signalled: string[] = [];
    for (const id of ids) {
      try {
        await this.client.workflow.getHandle(id).signal(providerNotificationSignal, notification);
        signalled.push(id);
      } catch (error) {
        if ((error as Error).name !== 'WorkflowNotFoundError') throw error;
        // Closed meanwhile: nothing waits there any more. Any other NOT_FOUND (a restarting
        // frontend, the namespace briefly unknown) throws, so the provider retries.
        if ((await flowPresence(this.client, id)) === 'running')
          throw new TemporalUnavailableError('a NOT_FOUND for a running flow', { cause: error });
      }
    }
    const entry = this.journal.record(
      signalled.length
        ? { ...base, outcome: 'signalled', workflowIds: signalled }
        : { ...base, outcome: 'unmatched' },
    );
    this.logger.info(
      {
        provider,
        event: entry.event,
        key: entry.key,
        status: entry.status,
        outcome: entry.outcome,
        workflowIds: signalled,
      },
      'provider notification',
    );
    return entry;
  }
}

const cut = (value: unknown, max: number) => String(value ?? '').slice(0, max);

/** The signal payload for a notification (bounded to the contract's lengths). */
export function notification(event: string, key: unknown, status?: unknown): ProviderNotification {
  return {
    event: cut(event, 64) || 'unknown',
    key: cut(key, 128) || 'unknown',
    ...(status !== undefined && status !== null ? { status: cut(status, 64) } : {}),
  };
}
