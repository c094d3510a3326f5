import { CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import {
  type DepositInput,
  type DepositParsedInput,
  type DepositResult,
  type DepositState,
  depositInputSchema,
} from '../src/contract/deposit';
import { FAILURE_TYPES } from '../src/contract/failures';
import { Decimal } from '../src/contract/money';
import { providerOrderKey } from '../src/contract/workflow-ids';
import { idempotentSends, reads, unkeyedSends } from './support/activities';
import { waitSettings } from './support/durations';
import { endWithFailure, failFlow } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { sendReconciled } from './support/reconcile';
import { kazepayRechargeUnknown, wasabiOrderUnknown } from './support/unknown-status';
import { about, Notifications, waitForProvider } from './support/waits';

/** How a deposit waits for settlement when its input says nothing (the account follows it the same way). */
export const SETTLEMENT_DEFAULTS = { deadline: '24h', pollInterval: '30s' };

type Tracker = FlowTracker<DepositState>;

/**
 * Fund a card and follow the deposit until it settles or fails. Once the deposit is sent, an
 * operator's cancellation no longer stops the flow: money may be moving, so the deposit is
 * followed to its end and reported (with `cancelRequested`).
 */
export async function cardDeposit(rawInput: DepositInput): Promise<DepositResult> {
  const input = parseInput(depositInputSchema, rawInput, 'cardDeposit input');
  const tracker: Tracker = new FlowTracker<DepositState>('cardDeposit', input.provider, 'CHECKING', {
    cardRef: input.cardRef,
    ...(input.customerRef ? { customerRef: input.customerRef } : {}),
  });
  const notifications = new Notifications();
  // Until the send starts the flow has only read the provider: a failure then frees the depositRef.
  let sending = false;
  try {
    const send =
      input.provider === 'kazepay'
        ? await kazepayPrepare(input, tracker)
        : await wasabiPrepare(input, tracker);
    sending = true;
    // From here on money may move: shielded from cancellation, still bounded by its deadline.
    const result = await CancellationScope.nonCancellable(() => send(notifications));
    const cancelRequested = CancellationScope.current().consideredCancelled;
    return cancelRequested ? { ...result, cancelRequested } : result;
  } catch (error) {
    if (isCancellation(error)) tracker.set('CANCELLED', 'cancelled before anything was sent');
    endWithFailure(tracker, error, `deposit in state ${tracker.state}`, { nothingSent: !sending });
  }
}

type Send = (notifications: Notifications) => Promise<DepositResult>;

function settlementWait(input: DepositParsedInput) {
  const wait = waitSettings(input.settlement, SETTLEMENT_DEFAULTS);
  return { deadlineAt: Date.now() + wait.deadlineMs, pollIntervalMs: wait.pollIntervalMs };
}

function finish(tracker: Tracker, result: DepositResult): DepositResult {
  tracker.set(result.outcome, result.reason ?? `transaction ${result.providerTransactionId}`);
  return result;
}

async function kazepayPrepare(input: DepositParsedInput, tracker: Tracker): Promise<Send> {
  const cardId = input.cardRef;
  const { status } = await reads.kazepayCardStatus({ cardId });
  if (status !== 'ACTIVE')
    failFlow(tracker, FAILURE_TYPES.preconditionFailed, `card ${cardId} is ${status}, not ACTIVE`);
  // What is already on the card, so a recharge whose answer is lost can be told apart.
  const snapshot = await reads.kazepayRechargeSnapshot({ cardId });
  return async (notifications) => {
    tracker.set('SENDING');
    const sent = await sendReconciled({
      what: `recharge of ${input.amount} ${input.currency}`,
      tracker,
      ...(input.reconcile ? { options: input.reconcile } : {}),
      send: () => unkeyedSends.kazepayRecharge({ cardId, currency: input.currency, amount: input.amount }),
      reconcile: () =>
        reads.kazepayFindRecharge({
          cardId,
          currency: input.currency,
          amount: input.amount,
          knownTransactionIds: snapshot.transactionIds,
          since: snapshot.since,
        }),
      needsTransactionId: true,
      fromResolution: (r) => ({
        transactionId: r.transactionId!,
        status: 'PENDING',
        currency: input.currency,
      }),
    });
    tracker.set('WAITING_FOR_SETTLEMENT', `transaction ${sent.transactionId}`);
    // Only SUCCESS and FAILED (the configured names) are outcomes; anything else is waited out.
    const isFinal = (r: { status: string }) => r.status === 'SUCCESS' || r.status === 'FAILED';
    const final = isFinal(sent)
      ? sent
      : await waitForProvider({
          what: 'deposit settlement',
          ...settlementWait(input),
          notifications,
          poll: (a) =>
            a.kazepayRechargeStatus({ cardId, transactionId: sent.transactionId, untilFinal: true }),
          read: () =>
            reads.kazepayRechargeStatus({ cardId, transactionId: sent.transactionId, untilFinal: false }),
          isFinal,
          about: about.kazepayTransaction(cardId, sent.transactionId),
          unknownAtDeadline: kazepayRechargeUnknown(tracker, sent, input.reconcile),
        });
    return finish(tracker, {
      outcome: final.status === 'SUCCESS' ? 'SETTLED' : 'FAILED',
      provider: 'kazepay',
      cardRef: cardId,
      depositRef: input.depositRef,
      amount: input.amount,
      currency: input.currency,
      providerTransactionId: sent.transactionId,
      ...(final.amount ? { receivedAmount: final.amount } : {}),
      ...(final.fee ? { fee: final.fee } : {}),
      ...(final.status !== 'SUCCESS' ? { reason: final.reason ?? `KazePay reported ${final.status}` } : {}),
    });
  };
}

async function wasabiPrepare(input: DepositParsedInput, tracker: Tracker): Promise<Send> {
  const cardNo = input.cardRef;
  const card = await reads.wasabiCardStatus({ cardNo });
  const type = await reads.wasabiCardType({ cardTypeId: card.cardTypeId });
  const amount = new Decimal(input.amount);
  if (!type.enableDeposit)
    failFlow(tracker, FAILURE_TYPES.preconditionFailed, `card type ${type.cardTypeId} takes no deposits`);
  if (type.rechargeMinQuota !== undefined && amount.lt(type.rechargeMinQuota)) {
    failFlow(
      tracker,
      FAILURE_TYPES.validationFailed,
      `amount: below the card type minimum of ${type.rechargeMinQuota}`,
    );
  }
  if (type.rechargeMaxQuota !== undefined && amount.gt(type.rechargeMaxQuota)) {
    failFlow(
      tracker,
      FAILURE_TYPES.validationFailed,
      `amount: above the card type maximum of ${type.rechargeMaxQuota}`,
    );
  }
  if (type.rechargeDigital !== undefined && amount.decimalPlaces() > type.rechargeDigital) {
    failFlow(
      tracker,
      FAILURE_TYPES.validationFailed,
      `amount: at most ${type.rechargeDigital} decimal places`,
    );
  }
  if (card.status !== 'normal')
    failFlow(tracker, FAILURE_TYPES.preconditionFailed, `card ${cardNo} is ${card.status}`);
  return async (notifications) => {
    tracker.set('SENDING');
    const merchantOrderNo = providerOrderKey(workflowInfo().workflowId, 'deposit');
    const sent = await idempotentSends.wasabiDeposit({ merchantOrderNo, cardNo, amount: input.amount });
    tracker.set('WAITING_FOR_SETTLEMENT', `order ${merchantOrderNo}`);
    const order = await waitForProvider({
      what: 'deposit settlement',
      ...settlementWait(input),
      notifications,
      poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
      read: () => reads.wasabiOrder({ merchantOrderNo, untilFinal: false }),
      isFinal: (o) => o.status === 'success' || o.status === 'fail',
      about: about.order(sent),
      unknownAtDeadline: wasabiOrderUnknown(tracker, merchantOrderNo, input.reconcile),
    });
    return finish(tracker, {
      outcome: order.status === 'success' ? 'SETTLED' : 'FAILED',
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: input.depositRef,
      amount: input.amount,
      currency: order.currency ?? input.currency,
      providerTransactionId: order.orderNo,
      ...(order.receivedAmount ? { receivedAmount: order.receivedAmount } : {}),
      ...(order.fee ? { fee: order.fee } : {}),
      ...(order.status !== 'success' ? { reason: order.description ?? 'WasabiCard failed the deposit' } : {}),
    });
  };
}
