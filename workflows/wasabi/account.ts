// WasabiCard's card-account steps: a freeze or unfreeze is an order keyed by the workflow id and
// the operation (a repeat finds it), followed until it succeeds; a refusal or a deadline fails
// the update and the account keeps its state.
import { ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { waitSettings } from '../support/durations';
import { classify, isDeadline } from '../support/failures';
import { about, waitForProvider } from '../support/waits';
import type { AccountSteps } from '../steps/account';

/** Freeze / unfreeze orders (the values every run before `freezeOrder` existed used). */
const FREEZE_ORDER_DEFAULTS = { deadline: '1h', pollInterval: '10s' };

export const wasabiAccount: AccountSteps = {
  async setFrozen({ input, notifications, operations, remember }, frozen) {
    const cardRef = input.cardRef;
    const merchantOrderNo = providerOrderKey(
      workflowInfo().workflowId,
      `${frozen ? 'freeze' : 'unfreeze'}-${operations}`,
    );
    const what = frozen ? 'freeze' : 'unfreeze';
    const sent = await idempotentSends(
      `${frozen ? 'Freeze' : 'Unfreeze'} WasabiCard card ${cardRef}: order ${merchantOrderNo}`,
    ).wasabiSetFrozen({ merchantOrderNo, cardNo: cardRef, frozen });
    const wait = waitSettings(input.freezeOrder, FREEZE_ORDER_DEFAULTS);
    const order = await waitForProvider({
      what,
      summary: `Wait for the ${what} of card ${cardRef}: WasabiCard order ${merchantOrderNo}`,
      deadlineAt: Date.now() + wait.deadlineMs,
      pollIntervalMs: wait.pollIntervalMs,
      notifications,
      poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
      read: () =>
        reads(`Read WasabiCard ${what} order ${merchantOrderNo} of card ${cardRef}`).wasabiOrder({
          merchantOrderNo,
          untilFinal: false,
        }),
      isFinal: (o) => o.status === 'success' || o.status === 'fail',
      about: about.order(sent),
    }).catch((error: unknown) => {
      // The wait's deadline passed (the poll's schedule-to-close): the update fails with the
      // contract's type (DeadlineExceeded, or ProviderUnavailable if the provider kept failing)
      // and the account keeps its state. The order may still finish at WasabiCard later.
      if (!isDeadline(error)) throw error;
      remember(what, merchantOrderNo, 'TIMED_OUT');
      throw ApplicationFailure.create({
        type: classify(error),
        message: `WasabiCard ${what} order ${merchantOrderNo} did not finish in time`,
        nonRetryable: true,
      });
    });
    if (order.status !== 'success') {
      remember(frozen ? 'freeze' : 'unfreeze', order.orderNo, 'FAILED');
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.providerRejected,
        message: `WasabiCard refused to ${frozen ? 'freeze' : 'unfreeze'} the card: ${order.description ?? 'no reason given'}`,
        nonRetryable: true,
      });
    }
  },
};
