// Provider notifications in: which waiting workflow a verified, de-duplicated notification is
// for, the `providerNotification` signal, and a bounded journal of what happened to each one.
//
// Mapping (a notification only makes a flow read the provider now, so signalling every flow
// about the same card is harmless; polling alone stays correct when nothing matches). Every target
// is found in Temporal's visibility store from the notification alone, so any API replica, before
// or after a restart, routes it the same way, whichever door started the flow:
//
//   WasabiCard card_transaction                  cardNo  -> running flows with CardRef = cardNo, or
//        merchantOrderNo -> the running virtualCardIssuance with NotificationKey =
//        wasabi-order:<merchantOrderNo> (set when it started: it learns its card from this order);
//        both in one visibility query
//   WasabiCard physical_card                     cardNo  -> running flows with CardRef = cardNo
//   WasabiCard card_holder                       merchantOrderNo -> the running kycVerification
//        with NotificationKey = wasabi-holder:<merchantOrderNo> (set when it started)
//   KazePay cardStatusNotify, rechargeNotify,    cardID  -> running KazePay flows with CardRef = cardID;
//     closeCardNotify                            when none: the running KazePay physicalCardActivation
//        flows with no CardRef yet, at most ASSIGNING_CAP (an autoActive card can turn ACTIVE
//        before the visibility store shows the CardRef its flow set when the assign answered)
//   KazePay kycStatusNotify                      email   -> the running kycVerification with
//        NotificationKey = kazepay-email:<HMAC of the email> under any key of the ring (an email
//        is personal data: only its keyed digest is searchable; src/client/notification-keys.ts)
//   anything else (authorizations, 3DS, fees, wallet, unknown)  -> journal only ("unrouted")
//
// A notification with no running flow is journalled as `unmatched` and acknowledged. Each lookup is
// one visibility query, which the frontend rate-limits per namespace (docs/operations.md).
import { createHash } from 'node:crypto';
import type { ProviderNotification } from '../contract';
import type { CardflowClient } from '../client';
import type { ListSelection } from '../client/listing';
import {
  kazepayEmailNotificationKeys,
  wasabiHolderNotificationKey,
  wasabiOrderNotificationKey,
} from '../client/notification-keys';
import type { CodecKeyring } from '../security/codec-keys';
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

/**
 * The journal and dedupe key of a KazePay KYC notification (never the email): its keyed digest
 * when the API has routing keys, else an unkeyed SHA-256 (then no KYC could be routed anyway).
 */
export const emailJournalKey = (email: string, keyring: CodecKeyring | undefined) =>
  keyring
    ? (kazepayEmailNotificationKeys(keyring, email)[0] as string).slice('kazepay-email:'.length)
    : createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** Where a notification goes: the lookup that finds its flows. */
export type NotificationTarget =
  | {
      kind: 'card';
      provider: 'kazepay' | 'wasabi';
      cardRef: string;
      /** When no flow carries the card: the KazePay activations that have no card yet. */
      orAssigning?: boolean;
    }
  | { kind: 'wasabi-order'; cardRef?: string; merchantOrderNo?: string }
  | { kind: 'wasabi-holder'; merchantOrderNo: string }
  | { kind: 'kazepay-kyc'; email: string }
  | { kind: 'none' };

/** At most this many KazePay activations without a card are signalled a card notification no flow carries. */
export const ASSIGNING_CAP = 10;

export class NotificationRouter {
  readonly journal: WebhookJournal;

  constructor(
    private readonly cardflow: CardflowClient,
    private readonly logger: Logger,
    /** The keys KazePay KYC email digests are made with (none: such notifications find no flow). */
    readonly routingKeyring: CodecKeyring | undefined,
    journalSize = 1000,
  ) {
    this.journal = new WebhookJournal(journalSize);
  }

  /**
   * The running flows any of the selections finds (a notification concerns a handful at most), in
   * one visibility query: the frontend allows a namespace so many per second
   * (`frontend.namespaceRPS.visibility`, docs/operations.md).
   */
  private async running(selections: ListSelection | ListSelection[], pageSize = 50): Promise<string[]> {
    const list = (Array.isArray(selections) ? selections : [selections]).map((s) => ({
      ...s,
      running: true,
    }));
    const page = await this.cardflow.listPage(list, { pageSize });
    return page.flows.map((flow) => flow.workflowId);
  }

  async targets(target: NotificationTarget): Promise<string[]> {
    switch (target.kind) {
      case 'card': {
        const found = await this.running({ cardRef: target.cardRef, provider: target.provider });
        if (found.length > 0 || !target.orAssigning) return found;
        // A KazePay activation learns its card from the assign's answer and sets CardRef then; the
        // visibility store may show it later than the card's notification comes. Each flow only
        // wakes for its own card, so the others merely record the signal.
        return this.running(
          { flow: 'physicalCardActivation', provider: 'kazepay', hasCardRef: false },
          ASSIGNING_CAP,
        );
      }
      case 'kazepay-kyc':
        if (!this.routingKeyring) return [];
        return this.running({
          flow: 'kycVerification',
          provider: 'kazepay',
          notificationKeys: kazepayEmailNotificationKeys(this.routingKeyring, target.email),
        });
      case 'wasabi-order': {
        const { cardRef, merchantOrderNo } = target;
        const selections: ListSelection[] = [
          ...(cardRef ? [{ cardRef, provider: 'wasabi' as const }] : []),
          ...(merchantOrderNo
            ? [
                {
                  flow: 'virtualCardIssuance' as const,
                  provider: 'wasabi' as const,
                  notificationKeys: [wasabiOrderNotificationKey(merchantOrderNo)],
                },
              ]
            : []),
        ];
        return selections.length ? this.running(selections) : [];
      }
      case 'wasabi-holder':
        return this.running({
          flow: 'kycVerification',
          provider: 'wasabi',
          notificationKeys: [wasabiHolderNotificationKey(target.merchantOrderNo)],
        });
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
        await this.cardflow.byId(id).providerNotification(notification);
        signalled.push(id);
      } catch (error) {
        if ((error as Error).name !== 'WorkflowNotFoundError') throw error;
        // Closed meanwhile: nothing waits there any more. Any other NOT_FOUND (a restarting
        // frontend, the namespace briefly unknown) throws, so the provider retries.
        if ((await flowPresence(this.cardflow.client, id)) === 'running')
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
