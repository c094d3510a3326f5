// KazePay's deposit steps: a recharge has no idempotency key, so the card's recharges are noted
// before sending and a lost answer is reconciled against them.
import type { KazepayRechargeSnapshot } from '../../activities/kazepay/interface';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { reads, unkeyedSends } from '../support/activities';
import { failFlow } from '../support/failures';
import { readsPreconditionsTogether } from '../support/precondition-reads';
import { sendReconciled } from '../support/reconcile';
import { about, waitForProvider } from '../support/waits';
import { type DepositSteps, finishDeposit, settlementWait } from '../steps/deposit';
import { kazepayRechargeUnknown } from './unknown-status';

export const kazepayDeposit: DepositSteps = {
  async prepare(input, tracker) {
    const cardId = input.cardRef;
    // Since the precondition-reads patch the status and (of an ACTIVE card) the snapshot are one read.
    const checked: { status: string; snapshot?: KazepayRechargeSnapshot } = readsPreconditionsTogether()
      ? await reads(
          `Check KazePay card ${cardId} can take deposit ${input.depositRef} and note its recharges`,
        ).kazepayDepositPreconditions({ cardId })
      : await reads(`Check KazePay card ${cardId} can take deposit ${input.depositRef}`).kazepayCardStatus({
          cardId,
        });
    if (checked.status !== 'ACTIVE')
      failFlow(tracker, FAILURE_TYPES.preconditionFailed, `card ${cardId} is ${checked.status}, not ACTIVE`);
    // What is already on the card, so a recharge whose answer is lost can be told apart.
    const snapshot =
      checked.snapshot ??
      (await reads(
        `Note the recharges already on card ${cardId} before deposit ${input.depositRef}`,
      ).kazepayRechargeSnapshot({ cardId }));
    return async (notifications) => {
      tracker.set('SENDING');
      const sent = await sendReconciled({
        what: `recharge of ${input.amount} ${input.currency}`,
        tracker,
        ...(input.reconcile ? { options: input.reconcile } : {}),
        send: () =>
          unkeyedSends(
            `Send deposit ${input.depositRef} of ${input.amount} ${input.currency} to KazePay card ${cardId}`,
          ).kazepayRecharge({ cardId, currency: input.currency, amount: input.amount }),
        reconcile: () =>
          reads(
            `Look for deposit ${input.depositRef} among the recharges of card ${cardId} (its answer was lost)`,
          ).kazepayFindRecharge({
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
            summary: `Wait for deposit ${input.depositRef} to settle: KazePay transaction ${sent.transactionId}`,
            ...settlementWait(input),
            notifications,
            poll: (a) =>
              a.kazepayRechargeStatus({ cardId, transactionId: sent.transactionId, untilFinal: true }),
            read: () =>
              reads(
                `Read KazePay transaction ${sent.transactionId} of deposit ${input.depositRef}`,
              ).kazepayRechargeStatus({ cardId, transactionId: sent.transactionId, untilFinal: false }),
            isFinal,
            about: about.kazepayTransaction(cardId, sent.transactionId),
            unknownAtDeadline: kazepayRechargeUnknown(tracker, sent, input.reconcile),
          });
      return finishDeposit(tracker, {
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
  },
};
