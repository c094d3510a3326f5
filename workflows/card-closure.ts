import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import {
  type ClosureInput,
  type ClosureParsedInput,
  type ClosureResult,
  type ClosureState,
  closureInputSchema,
} from '../src/contract/closure';
import { FAILURE_TYPES } from '../src/contract/failures';
import { providerOrderKey } from '../src/contract/workflow-ids';
import { idempotentSends, reads, unkeyedSends } from './support/activities';
import { waitSettings } from './support/durations';
import { endWithFailure } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { sendReconciled } from './support/reconcile';
import { kazepayCloseUnknown, wasabiOrderUnknown } from './support/unknown-status';
import { about, Notifications, waitForProvider } from './support/waits';

const COMPLETION_DEFAULTS = { deadline: '24h', pollInterval: '30s' };

type Tracker = FlowTracker<ClosureState>;

/**
 * Close a card and follow it until closed, with the refund recorded. The close is sent at the
 * start; from then on it is followed to its end even if an operator cancels (the balance is on
 * its way back to the merchant account and must be reported).
 */
export async function cardClosure(rawInput: ClosureInput): Promise<ClosureResult> {
  const input = parseInput(closureInputSchema, rawInput, 'cardClosure input');
  const tracker: Tracker = new FlowTracker<ClosureState>('cardClosure', input.provider, 'CLOSING', {
    cardRef: input.cardRef,
    ...(input.customerRef ? { customerRef: input.customerRef } : {}),
  });
  const notifications = new Notifications();
  try {
    return await CancellationScope.nonCancellable(() =>
      input.provider === 'kazepay'
        ? kazepayClose(input, tracker, notifications)
        : wasabiClose(input, tracker, notifications),
    );
  } catch (error) {
    if (isCancellation(error)) tracker.set('CANCELLED');
    endWithFailure(tracker, error, `closure in state ${tracker.state}`);
  }
}

function completionWait(input: ClosureParsedInput) {
  const wait = waitSettings(input.completion, COMPLETION_DEFAULTS);
  return { deadlineAt: Date.now() + wait.deadlineMs, pollIntervalMs: wait.pollIntervalMs };
}

async function kazepayClose(
  input: ClosureParsedInput,
  tracker: Tracker,
  notifications: Notifications,
): Promise<ClosureResult> {
  const cardId = input.cardRef;
  const record = await sendReconciled({
    what: 'close',
    tracker,
    ...(input.reconcile ? { options: input.reconcile } : {}),
    send: () => unkeyedSends.kazepayCloseCard({ cardId }),
    reconcile: () => reads.kazepayFindClose({ cardId }),
    needsTransactionId: true,
    // The refund as the provider lists it when it can be read; else what the operator named.
    fromResolution: async (r) =>
      (await reads.kazepayFindClose({ cardId })) ?? {
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
      ...completionWait(input),
      notifications,
      poll: (a) => a.kazepayCardStatus({ cardId, until: ['CLOSED'] }),
      read: () => reads.kazepayCardStatus({ cardId }),
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
}

async function wasabiClose(
  input: ClosureParsedInput,
  tracker: Tracker,
  notifications: Notifications,
): Promise<ClosureResult> {
  const cardNo = input.cardRef;
  const merchantOrderNo = providerOrderKey(workflowInfo().workflowId, 'cancel');
  const sent = await idempotentSends.wasabiCancel({ merchantOrderNo, cardNo });
  tracker.set('WAITING_FOR_CLOSE', `order ${merchantOrderNo}`);
  const order = await waitForProvider({
    what: 'card cancellation',
    ...completionWait(input),
    notifications,
    poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
    read: () => reads.wasabiOrder({ merchantOrderNo, untilFinal: false }),
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
}
