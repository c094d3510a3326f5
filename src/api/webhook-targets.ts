// Which flows a verified provider notification is for, read from its fields (routing: webhooks.ts).
import { KAZEPAY_WEBHOOK_EVENTS, type KazepayWebhookEvents } from '../providers/kazepay/conventions';
import type { CodecKeyring } from '../security/codec-keys';
import { emailJournalKey, notification, type NotificationTarget } from './webhooks';

export interface RoutedNotification {
  target: NotificationTarget;
  note: ReturnType<typeof notification>;
}

const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** WasabiCard: which flows a notification is for (see webhooks.ts). */
export function wasabiTarget(
  category: string,
  payload: Record<string, unknown> | undefined,
): RoutedNotification {
  const p = payload ?? {};
  switch (category) {
    case 'card_transaction': {
      // By the card, and by the order for a flow that learns its card from the order (the issuance).
      const cardNo = text(p.cardNo);
      const order = text(p.merchantOrderNo);
      const orderKey = order && /^[A-Za-z0-9]{1,128}$/.test(order) ? order : undefined;
      return {
        target:
          cardNo || orderKey
            ? {
                kind: 'wasabi-order',
                ...(cardNo ? { cardRef: cardNo } : {}),
                ...(orderKey ? { merchantOrderNo: orderKey } : {}),
              }
            : { kind: 'none' },
        note: notification(category, p.orderNo ?? p.merchantOrderNo ?? cardNo, p.status),
      };
    }
    case 'physical_card': {
      const cardNo = text(p.cardNo);
      return {
        target: cardNo ? { kind: 'card', provider: 'wasabi', cardRef: cardNo } : { kind: 'none' },
        note: notification(category, p.orderNo ?? p.merchantOrderNo ?? cardNo, p.status),
      };
    }
    case 'card_holder': {
      const order = text(p.merchantOrderNo);
      return {
        target: order ? { kind: 'wasabi-holder', merchantOrderNo: order } : { kind: 'none' },
        note: notification(category, p.holderId, p.status),
      };
    }
    default:
      return {
        target: { kind: 'none' },
        note: notification(
          category,
          p.tradeNo ?? p.orderNo ?? p.holderId ?? p.cardNo ?? '-',
          p.status ?? p.tradeStatus,
        ),
      };
  }
}

/**
 * KazePay: which flows a notification is for (see webhooks.ts). Emails never leave as keys: the
 * journal names a KYC notification by the email's keyed digest (`routingKeyring`).
 */
export function kazepayTarget(
  event: string,
  b: Record<string, unknown>,
  events: KazepayWebhookEvents = KAZEPAY_WEBHOOK_EVENTS,
  routingKeyring?: CodecKeyring,
): RoutedNotification {
  const cardID = text(b.cardID);
  const named = (names: readonly string[]) => names.some((n) => n.toLowerCase() === event.toLowerCase());
  switch (named(events.kyc) ? 'kyc' : named(events.card) ? 'card' : 'other') {
    case 'kyc': {
      const email = text(b.email);
      // The digest the KYC's NotificationKey carries, cut short: a journal key, not the email.
      const digest = email ? emailJournalKey(email, routingKeyring) : '-';
      return {
        target: email ? { kind: 'kazepay-kyc', email } : { kind: 'none' },
        note: notification(event, `kyc-${digest.slice(0, 24)}`, b.status),
      };
    }
    case 'card':
      return {
        target: cardID
          ? { kind: 'card', provider: 'kazepay', cardRef: cardID, orAssigning: true }
          : { kind: 'none' },
        note: notification(
          event,
          [cardID, b.transactionId ?? b.txnId].filter(Boolean).join('/'),
          b.status ?? b.transactionStatus,
        ),
      };
    default:
      return { target: { kind: 'none' }, note: notification(event, cardID ?? '-', b.status) };
  }
}
