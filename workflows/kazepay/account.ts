// KazePay's card-account steps: a freeze is the card status INACTIVE, an unfreeze ACTIVE; the call
// has no idempotency key, so a lost answer is reconciled by reading the card status.
import { reads, unkeyedSends } from '../support/activities';
import { sendReconciled } from '../support/reconcile';
import type { AccountSteps } from '../steps/account';

export const kazepayAccount: AccountSteps = {
  async setFrozen({ input, tracker }, frozen) {
    const cardRef = input.cardRef;
    const wanted = frozen ? 'INACTIVE' : 'ACTIVE';
    await sendReconciled({
      what: frozen ? 'freeze' : 'unfreeze',
      tracker,
      ...(input.reconcile ? { options: input.reconcile } : {}),
      send: () =>
        unkeyedSends(
          `${frozen ? 'Freeze' : 'Unfreeze'} KazePay card ${cardRef}: status ${wanted}`,
        ).kazepaySetCardStatus({
          cardId: cardRef,
          status: wanted,
        }),
      reconcile: async () => {
        const { status } = await reads(
          `Check whether card ${cardRef} is ${wanted} (the answer was lost)`,
        ).kazepayCardStatus({ cardId: cardRef });
        return status === wanted ? { status } : null;
      },
      fromResolution: () => ({ status: wanted }),
    });
  },
};
