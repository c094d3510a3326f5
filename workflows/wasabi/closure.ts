// WasabiCard's closure steps: one cancel order keyed by the workflow id (a repeat finds it),
// followed until it succeeds; the refund is what the order received.
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { about, waitForProvider } from '../support/waits';
import { type ClosureSteps, completionWait } from '../steps/closure';
import { wasabiOrderUnknown } from './unknown-status';

export const wasabiClosure: ClosureSteps = {
  async close(input, tracker, notifications) {
    const cardNo = input.cardRef;
    const merchantOrderNo = providerOrderKey(workflowInfo().workflowId, 'cancel');
    const sent = await idempotentSends(
      `Cancel WasabiCard card ${cardNo}: order ${merchantOrderNo}`,
    ).wasabiCancel({ merchantOrderNo, cardNo });
    tracker.set('WAITING_FOR_CLOSE', `order ${merchantOrderNo}`);
    const order = await waitForProvider({
      what: 'card cancellation',
      summary: `Wait for the cancel of card ${cardNo}: WasabiCard order ${merchantOrderNo}`,
      ...completionWait(input),
      notifications,
      poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
      read: () =>
        reads(`Read WasabiCard cancel order ${merchantOrderNo} of card ${cardNo}`).wasabiOrder({
          merchantOrderNo,
          untilFinal: false,
        }),
      isFinal: (o) => o.status === 'success' || o.status === 'fail',
      about: about.order(sent),
      unknownAtDeadline: wasabiOrderUnknown(tracker, merchantOrderNo, input.reconcile),
    });
    if (order.status !== 'success') {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.providerRejected,
        message: `WasabiCard failed the cancel order ${order.orderNo}: ${order.description ?? 'no reason given'}`,
        nonRetryable: true,
      });
    }
    const refundAmount = order.receivedAmount ?? '0';
    tracker.set('CLOSED', `refund ${refundAmount} ${order.currency ?? ''}`.trim());
    return {
      outcome: 'CLOSED',
      provider: 'wasabi',
      cardRef: cardNo,
      refundAmount,
      currency: order.receivedCurrency ?? order.currency ?? '',
      ...(order.fee ? { fee: order.fee } : {}),
      providerTransactionId: order.orderNo,
    };
  },
};
