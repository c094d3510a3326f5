// WasabiCard's deposit steps: the card and its card type's deposit rules are read (one activity)
// and checked first, then one order keyed by the workflow id is sent (a repeat finds it) and
// followed until it settles or fails.
import { workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { Decimal } from '../../src/contract/money';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { failFlow } from '../support/failures';
import { readsPreconditionsTogether } from '../support/precondition-reads';
import { about, waitForProvider } from '../support/waits';
import { type DepositSteps, finishDeposit, settlementWait } from '../steps/deposit';
import { wasabiOrderUnknown } from './unknown-status';

export const wasabiDeposit: DepositSteps = {
  async prepare(input, tracker) {
    const cardNo = input.cardRef;
    const { card, cardType: type } = readsPreconditionsTogether()
      ? await reads(
          `Check WasabiCard card ${cardNo} and its card type's deposit limits for deposit ${input.depositRef}`,
        ).wasabiDepositPreconditions({ cardNo })
      : await readApart(cardNo, input.depositRef);
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
      const sent = await idempotentSends(
        `Send deposit ${input.depositRef} of ${input.amount} ${input.currency} to WasabiCard card ${cardNo}`,
      ).wasabiDeposit({ merchantOrderNo, cardNo, amount: input.amount });
      tracker.set('WAITING_FOR_SETTLEMENT', `order ${merchantOrderNo}`);
      const order = await waitForProvider({
        what: 'deposit settlement',
        summary: `Wait for deposit ${input.depositRef} to settle: WasabiCard order ${merchantOrderNo}`,
        ...settlementWait(input),
        notifications,
        poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
        read: () =>
          reads(`Read WasabiCard order ${merchantOrderNo} of deposit ${input.depositRef}`).wasabiOrder({
            merchantOrderNo,
            untilFinal: false,
          }),
        isFinal: (o) => o.status === 'success' || o.status === 'fail',
        about: about.order(sent),
        unknownAtDeadline: wasabiOrderUnknown(tracker, merchantOrderNo, input.reconcile),
      });
      return finishDeposit(tracker, {
        outcome: order.status === 'success' ? 'SETTLED' : 'FAILED',
        provider: 'wasabi',
        cardRef: cardNo,
        depositRef: input.depositRef,
        amount: input.amount,
        currency: order.currency ?? input.currency,
        providerTransactionId: order.orderNo,
        ...(order.receivedAmount ? { receivedAmount: order.receivedAmount } : {}),
        ...(order.fee ? { fee: order.fee } : {}),
        ...(order.status !== 'success'
          ? { reason: order.description ?? 'WasabiCard failed the deposit' }
          : {}),
      });
    };
  },
};

/** The card, then its card type, as two activities: the runs started before the precondition-reads patch. */
async function readApart(cardNo: string, depositRef: string) {
  const card = await reads(`Check WasabiCard card ${cardNo} can take deposit ${depositRef}`).wasabiCardStatus(
    {
      cardNo,
    },
  );
  const cardType = await reads(
    `Read the deposit limits of card type ${card.cardTypeId} for deposit ${depositRef}`,
  ).wasabiCardType({ cardTypeId: card.cardTypeId });
  return { card, cardType };
}
