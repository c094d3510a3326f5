// WasabiCard's activation steps: the card is the merchant's already; each code is sent with a
// PIN handle in one activation order per attempt (keyed by the workflow id and attempt), and the
// order followed until it succeeds or refuses the code.
import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import type { ActivationParsedInput, ActivationResult } from '../../src/contract/activation';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { providerOrderKey } from '../../src/contract/workflow-ids';
import { idempotentSends, reads } from '../support/activities';
import { durationMs, waitSettings } from '../support/durations';
import { failFlow } from '../support/failures';
import { about, waitForProvider } from '../support/waits';
import {
  ACTIVATION_DEFAULTS,
  type ActivationSteps,
  CODE_WAIT_DEFAULT,
  DEFAULT_MAX_CODE_ATTEMPTS,
} from '../steps/activation';

type WasabiActivationInput = Extract<ActivationParsedInput, { provider: 'wasabi' }>;

export const wasabiActivation: ActivationSteps<WasabiActivationInput> = {
  // The card is named by the input: the flow waits for its code from the start.
  start: (input) => ({ state: 'WAITING_FOR_ACTIVATION_CODE', cardRef: input.cardRef }),

  async activate(input, tracker, inbox, notifications): Promise<ActivationResult> {
    const cardNo = input.cardRef;
    const codeDeadlineAt = Date.now() + durationMs(input.codeWait?.deadline ?? CODE_WAIT_DEFAULT);
    const maxAttempts = input.maxCodeAttempts ?? DEFAULT_MAX_CODE_ATTEMPTS;
    const wait = waitSettings(input.activation, ACTIVATION_DEFAULTS);
    for (let attempts = 1; ; attempts++) {
      tracker.set('WAITING_FOR_ACTIVATION_CODE', `card ${cardNo}`);
      const { seq, code } = await inbox.nextCode(codeDeadlineAt);
      const merchantOrderNo = providerOrderKey(workflowInfo().workflowId, `activate-${attempts}`);
      // WasabiCard sets the PIN in the activation call itself (a refused handle: same code, new PIN).
      const sent = await inbox.withPin(tracker, codeDeadlineAt, 'ACTIVATING', (pinHandle) =>
        idempotentSends(
          `Activate WasabiCard card ${cardNo} with code ${attempts} of ${maxAttempts} and a new PIN: order ${merchantOrderNo}`,
        ).wasabiActivatePhysicalCard({
          merchantOrderNo,
          cardNo,
          code,
          pinHandle,
          ...(input.noPinPaymentAmount ? { noPinPaymentAmount: input.noPinPaymentAmount } : {}),
        }),
      );
      tracker.set('WAITING_FOR_ACTIVE');
      const isFinal = (o: { status: string }) => o.status === 'success' || o.status === 'fail';
      // A refused code is answered at once (no order exists to follow).
      const order = isFinal(sent)
        ? sent
        : await waitForProvider({
            what: 'card activation',
            summary: `Wait for the activation of card ${cardNo}: WasabiCard order ${merchantOrderNo}`,
            deadlineAt: Date.now() + wait.deadlineMs,
            pollIntervalMs: wait.pollIntervalMs,
            notifications,
            poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
            read: () =>
              reads(`Read WasabiCard activation order ${merchantOrderNo} of card ${cardNo}`).wasabiOrder({
                merchantOrderNo,
                untilFinal: false,
              }),
            isFinal,
            about: about.order(sent),
          });
      const attemptsLeft = maxAttempts - attempts;
      if (order.status === 'success') {
        inbox.answer(seq, { accepted: true, attemptsLeft });
        tracker.set('ACTIVE', `card ${cardNo}`);
        return {
          outcome: 'ACTIVE',
          provider: 'wasabi',
          cardRef: cardNo,
          pinSet: true,
          codeAttempts: attempts,
        };
      }
      inbox.answer(seq, {
        accepted: false,
        attemptsLeft: Math.max(0, attemptsLeft),
        ...(order.description ? { reason: order.description } : {}),
      });
      if (attemptsLeft <= 0) {
        await condition(allHandlersFinished);
        failFlow(
          tracker,
          FAILURE_TYPES.activationCodeAttemptsExhausted,
          `${attempts} refused activation attempts`,
        );
      }
    }
  },
};
