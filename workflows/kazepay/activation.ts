// KazePay's activation steps: KYC must have passed; the card is assigned to the customer's email
// (no idempotency key: assignCard reconciles itself), activated with the cardholder's code unless
// it activates itself, followed until ACTIVE, and its PIN set.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { ActivationParsedInput, ActivationResult } from '../../src/contract/activation';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { idempotentSends, reads, unkeyedSends } from '../support/activities';
import { durationMs, waitSettings } from '../support/durations';
import { failFlow } from '../support/failures';
import { sendReconciled } from '../support/reconcile';
import { about, waitForProvider } from '../support/waits';
import {
  ACTIVATION_DEFAULTS,
  type ActivationSteps,
  CODE_WAIT_DEFAULT,
  DEFAULT_MAX_CODE_ATTEMPTS,
} from '../steps/activation';

/** KazePay card statuses that end activation as failed (the failed name is UNCONFIRMED; see the provider docs). */
const KAZEPAY_ACTIVATION_FAILED = ['ACTIVE_FAILED'];

type KazepayActivationInput = Extract<ActivationParsedInput, { provider: 'kazepay' }>;

export const kazepayActivation: ActivationSteps<KazepayActivationInput> = {
  // The card is not known until it is assigned.
  start: () => ({ state: 'CHECKING_KYC' }),

  async activate(input, tracker, inbox, notifications): Promise<ActivationResult> {
    const kyc = await reads(
      `Check the KYC of customer ${input.customerRef} passed before assigning a card`,
    ).kazepayKycStatus({ email: input.email, untilDecided: false });
    if (kyc.status !== 'PASSED') {
      failFlow(
        tracker,
        FAILURE_TYPES.preconditionFailed,
        `KYC must have PASSED before a card is assigned (it is ${kyc.status})`,
      );
    }
    tracker.set('ASSIGNING');
    const { cardId } = await unkeyedSends(
      `Assign the physical card of activation ${input.requestRef} to customer ${input.customerRef}`,
    ).kazepayAssignCard({
      email: input.email,
      cardNumberHandle: input.cardNumberHandle,
      autoActive: input.autoActive,
    });
    tracker.setCardRef(cardId);
    const codeDeadlineAt = Date.now() + durationMs(input.codeWait?.deadline ?? CODE_WAIT_DEFAULT);
    const maxAttempts = input.maxCodeAttempts ?? DEFAULT_MAX_CODE_ATTEMPTS;
    let attempts = 0;

    if (!input.autoActive) {
      for (;;) {
        tracker.set('WAITING_FOR_ACTIVATION_CODE', `card ${cardId}`);
        const { seq, code } = await inbox.nextCode(codeDeadlineAt);
        attempts++;
        tracker.set('ACTIVATING');
        const answer = await sendReconciled({
          what: 'activation code',
          tracker,
          ...(input.reconcile ? { options: input.reconcile } : {}),
          send: () =>
            unkeyedSends(
              `Send activation code ${attempts} of ${maxAttempts} for KazePay card ${cardId}`,
            ).kazepayActivateCard({
              cardId,
              code,
            }),
          reconcile: async () => {
            const { status } = await reads(
              `Check whether card ${cardId} took activation code ${attempts} (the answer was lost)`,
            ).kazepayCardStatus({ cardId });
            // Any activation outcome means the single-use code was consumed: never send it twice.
            return ['ACTIVE_PROCESSING', 'ACTIVE', 'ACTIVE_FAILED'].includes(status)
              ? { accepted: true, status }
              : null;
          },
          fromResolution: (): { accepted: boolean; reason?: string } => ({ accepted: true }),
        });
        const attemptsLeft = maxAttempts - attempts;
        inbox.answer(seq, {
          accepted: answer.accepted,
          attemptsLeft: answer.accepted ? attemptsLeft : Math.max(0, attemptsLeft),
          ...(answer.reason ? { reason: answer.reason } : {}),
        });
        if (answer.accepted) break;
        if (attemptsLeft <= 0) {
          await condition(allHandlersFinished);
          failFlow(
            tracker,
            FAILURE_TYPES.activationCodeAttemptsExhausted,
            `${attempts} wrong activation codes`,
          );
        }
      }
    }

    tracker.set('WAITING_FOR_ACTIVE');
    const wait = waitSettings(input.activation, ACTIVATION_DEFAULTS);
    const until = ['ACTIVE'];
    await waitForProvider({
      what: 'card activation',
      summary: `Wait for KazePay card ${cardId} to be ACTIVE`,
      deadlineAt: Date.now() + wait.deadlineMs,
      pollIntervalMs: wait.pollIntervalMs,
      notifications,
      poll: (a) => a.kazepayCardStatus({ cardId, until, failOn: KAZEPAY_ACTIVATION_FAILED }),
      read: () =>
        reads(`Read the status of activating card ${cardId}`).kazepayCardStatus({
          cardId,
          failOn: KAZEPAY_ACTIVATION_FAILED,
        }),
      isFinal: (s) => until.includes(s.status),
      about: about.kazepayCard(cardId),
    });

    // Setting the same PIN again is harmless: retried on an unknown outcome, not reconciled.
    await inbox.withPin(tracker, codeDeadlineAt, 'SETTING_PIN', (pinHandle) =>
      idempotentSends(`Set the PIN of KazePay card ${cardId}`).kazepaySetPin({ cardId, pinHandle }),
    );
    tracker.set('ACTIVE', `card ${cardId}`);
    return { outcome: 'ACTIVE', provider: 'kazepay', cardRef: cardId, pinSet: true, codeAttempts: attempts };
  },
};
