// KazePay's closure steps: closeCard has no idempotency key, so a lost answer is reconciled by
// reading the card's close record; then the card status is followed until CLOSED.
import { reads, unkeyedSends } from '../support/activities';
import { sendReconciled } from '../support/reconcile';
import { about, waitForProvider } from '../support/waits';
import { type ClosureSteps, completionWait } from '../steps/closure';
import { kazepayCloseUnknown } from './unknown-status';

export const kazepayClosure: ClosureSteps = {
  async close(input, tracker, notifications) {
    const cardId = input.cardRef;
    const record = await sendReconciled({
      what: 'close',
      tracker,
      ...(input.reconcile ? { options: input.reconcile } : {}),
      send: () => unkeyedSends(`Close KazePay card ${cardId}`).kazepayCloseCard({ cardId }),
      reconcile: () =>
        reads(`Look for the close of card ${cardId} (its answer was lost)`).kazepayFindClose({ cardId }),
      needsTransactionId: true,
      // The refund as the provider lists it when it can be read; else what the operator named.
      fromResolution: async (r) =>
        (await reads(`Read the close of card ${cardId} to apply the operator's resolution`).kazepayFindClose({
          cardId,
        })) ?? {
          status: 'CLOSE_PROCESSING',
          refundAmount: '0',
          currency: '',
          transactionId: r.transactionId!,
        },
    });
    tracker.set('WAITING_FOR_CLOSE', `refund ${record.refundAmount} ${record.currency}`);
    if (record.status !== 'CLOSED') {
      await waitForProvider({
        what: 'card closure',
        summary: `Wait for KazePay card ${cardId} to be CLOSED`,
        ...completionWait(input),
        notifications,
        poll: (a) => a.kazepayCardStatus({ cardId, until: ['CLOSED'] }),
        read: () => reads(`Read the status of closing card ${cardId}`).kazepayCardStatus({ cardId }),
        isFinal: (s) => s.status === 'CLOSED',
        about: about.kazepayCard(cardId),
        unknownAtDeadline: kazepayCloseUnknown(tracker, input.reconcile),
      });
    }
    tracker.set('CLOSED', `refund ${record.refundAmount} ${record.currency}`);
    return {
      outcome: 'CLOSED',
      provider: 'kazepay',
      cardRef: cardId,
      refundAmount: record.refundAmount,
      currency: record.currency,
      providerTransactionId: record.transactionId,
    };
  },
};
