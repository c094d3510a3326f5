import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  type ActivationCodeOutcome,
  type ActivationInput,
  type ActivationParsedInput,
  type ActivationResult,
  type ActivationState,
  activationCodeSchema,
  activationInputSchema,
  providePinSchema,
  providePinUpdate,
  submitActivationCodeUpdate,
} from '../src/contract/activation';
import { FAILURE_TYPES } from '../src/contract/failures';
import { providerOrderKey } from '../src/contract/workflow-ids';
import { idempotentSends, reads, unkeyedSends } from './support/activities';
import { durationMs, waitSettings } from './support/durations';
import { about, deadlineFailure, Notifications, waitForProvider } from './support/waits';
import { activityErrorType, endWithFailure, failFlow } from './support/failures';
import { FlowTracker } from './support/flow-tracker';
import { parseInput } from './support/input';
import { sendReconciled } from './support/reconcile';

const ACTIVATION_DEFAULTS = { deadline: '1h', pollInterval: '30s' };
const CODE_WAIT_DEFAULT = '30d';
const DEFAULT_MAX_CODE_ATTEMPTS = 3;
/** KazePay card statuses that end activation as failed (the failed name is UNCONFIRMED; see the provider docs). */
const KAZEPAY_ACTIVATION_FAILED = ['ACTIVE_FAILED'];

type Tracker = FlowTracker<ActivationState>;

/** A PIN handle that expired or was never known: the step sent nothing and can ask again. */
const isStaleHandle = (error: unknown) =>
  ['SecretHandleNotFoundError', 'SecretHandleExpiredError'].includes(activityErrorType(error) ?? '');

/** Codes and PIN handles arrive through updates; the main flow takes them one at a time. */
class ActivationInbox {
  private seq = 0;
  pending?: { seq: number; code: string };
  private readonly outcomes = new Map<number, ActivationCodeOutcome>();
  pinHandle?: string;

  constructor(tracker: Tracker, initialPin: string | undefined) {
    this.pinHandle = initialPin;
    setHandler(
      submitActivationCodeUpdate,
      async ({ code }) => {
        const mine = ++this.seq;
        this.pending = { seq: mine, code };
        await condition(() => this.outcomes.has(mine));
        return this.outcomes.get(mine) as ActivationCodeOutcome;
      },
      {
        validator: (arg) => {
          const parsed = activationCodeSchema.safeParse(arg);
          if (!parsed.success) throw new Error(`code: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
          if (tracker.state !== 'WAITING_FOR_ACTIVATION_CODE') {
            throw new Error(`no activation code is awaited (state is ${tracker.state})`);
          }
          if (this.pending) throw new Error('another activation code is being checked');
        },
      },
    );
    setHandler(
      providePinUpdate,
      ({ pinHandle }) => {
        this.pinHandle = pinHandle;
        return { accepted: true as const };
      },
      {
        validator: (arg) => {
          const parsed = providePinSchema.safeParse(arg);
          if (!parsed.success) throw new Error(`pinHandle: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
          if (['SETTING_PIN', 'ACTIVE'].includes(tracker.state) || tracker.state.startsWith('FAILED')) {
            throw new Error(`a PIN is no longer accepted (state is ${tracker.state})`);
          }
        },
      },
    );
  }

  /** The next code submitted before the deadline (workflow time, ms). */
  async nextCode(deadlineAt: number): Promise<{ seq: number; code: string }> {
    const arrived = await condition(() => this.pending !== undefined, Math.max(0, deadlineAt - Date.now()));
    if (!arrived || !this.pending) throw deadlineFailure('waiting for the activation code');
    return this.pending;
  }

  answer(seq: number, outcome: ActivationCodeOutcome): void {
    this.outcomes.set(seq, outcome);
    this.pending = undefined;
  }

  /** The flow is ending with a failure: a code still being checked is answered, so its update finishes. */
  abandon(): void {
    if (!this.pending) return;
    this.answer(this.pending.seq, {
      accepted: false,
      attemptsLeft: 0,
      reason: 'not accepted: the activation ended with a failure',
    });
  }

  async pin(tracker: Tracker, deadlineAt: number): Promise<string> {
    if (!this.pinHandle) {
      tracker.set('WAITING_FOR_PIN');
      if (!(await condition(() => this.pinHandle !== undefined, Math.max(0, deadlineAt - Date.now())))) {
        throw deadlineFailure('waiting for the PIN');
      }
    }
    const handle = this.pinHandle as string;
    // A handle is single-use: once sent, a new attempt needs a new one.
    this.pinHandle = undefined;
    return handle;
  }

  /**
   * Calls `send` with a PIN handle, in `state`. A handle that expired (15 minutes) or was never
   * known is refused before anything is sent: the PIN is asked for again, and sent again.
   */
  async withPin<T>(
    tracker: Tracker,
    deadlineAt: number,
    state: ActivationState,
    send: (pinHandle: string) => Promise<T>,
  ): Promise<T> {
    for (;;) {
      const pinHandle = await this.pin(tracker, deadlineAt);
      tracker.set(state);
      try {
        return await send(pinHandle);
      } catch (error) {
        if (!isStaleHandle(error)) throw error;
        tracker.set('WAITING_FOR_PIN', 'the PIN handle expired or is unknown: provide the PIN again');
      }
    }
  }
}

/** Assign (KazePay) or take (WasabiCard) a physical card, activate it with the cardholder's code, set the PIN. */
export async function physicalCardActivation(rawInput: ActivationInput): Promise<ActivationResult> {
  const input = parseInput(activationInputSchema, rawInput, 'physicalCardActivation input');
  const tracker: Tracker = new FlowTracker<ActivationState>(
    'physicalCardActivation',
    input.provider,
    input.provider === 'kazepay' ? 'CHECKING_KYC' : 'WAITING_FOR_ACTIVATION_CODE',
    { customerRef: input.customerRef, ...(input.provider === 'wasabi' ? { cardRef: input.cardRef } : {}) },
  );
  const inbox = new ActivationInbox(tracker, input.pinHandle);
  const notifications = new Notifications();
  try {
    const result =
      input.provider === 'kazepay'
        ? await kazepayActivation(input, tracker, inbox, notifications)
        : await wasabiActivation(input, tracker, inbox, notifications);
    await condition(allHandlersFinished);
    return result;
  } catch (error) {
    // Let a waiting code submitter read its answer before the flow ends.
    inbox.abandon();
    await condition(allHandlersFinished);
    endWithFailure(tracker, error, `activation in state ${tracker.state}`);
  }
}

async function kazepayActivation(
  input: Extract<ActivationParsedInput, { provider: 'kazepay' }>,
  tracker: Tracker,
  inbox: ActivationInbox,
  notifications: Notifications,
): Promise<ActivationResult> {
  const kyc = await reads.kazepayKycStatus({ email: input.email, untilDecided: false });
  if (kyc.status !== 'PASSED') {
    failFlow(
      tracker,
      FAILURE_TYPES.preconditionFailed,
      `KYC must have PASSED before a card is assigned (it is ${kyc.status})`,
    );
  }
  tracker.set('ASSIGNING');
  const { cardId } = await unkeyedSends.kazepayAssignCard({
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
        send: () => unkeyedSends.kazepayActivateCard({ cardId, code }),
        reconcile: async () => {
          const { status } = await reads.kazepayCardStatus({ cardId });
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
    deadlineAt: Date.now() + wait.deadlineMs,
    pollIntervalMs: wait.pollIntervalMs,
    notifications,
    poll: (a) => a.kazepayCardStatus({ cardId, until, failOn: KAZEPAY_ACTIVATION_FAILED }),
    read: () => reads.kazepayCardStatus({ cardId, failOn: KAZEPAY_ACTIVATION_FAILED }),
    isFinal: (s) => until.includes(s.status),
    about: about.kazepayCard(cardId),
  });

  // Setting the same PIN again is harmless: retried on an unknown outcome, not reconciled.
  await inbox.withPin(tracker, codeDeadlineAt, 'SETTING_PIN', (pinHandle) =>
    idempotentSends.kazepaySetPin({ cardId, pinHandle }),
  );
  tracker.set('ACTIVE', `card ${cardId}`);
  return { outcome: 'ACTIVE', provider: 'kazepay', cardRef: cardId, pinSet: true, codeAttempts: attempts };
}

async function wasabiActivation(
  input: Extract<ActivationParsedInput, { provider: 'wasabi' }>,
  tracker: Tracker,
  inbox: ActivationInbox,
  notifications: Notifications,
): Promise<ActivationResult> {
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
      idempotentSends.wasabiActivatePhysicalCard({
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
          deadlineAt: Date.now() + wait.deadlineMs,
          pollIntervalMs: wait.pollIntervalMs,
          notifications,
          poll: (a) => a.wasabiOrder({ merchantOrderNo, untilFinal: true }),
          read: () => reads.wasabiOrder({ merchantOrderNo, untilFinal: false }),
          isFinal,
          about: about.order(sent),
        });
    const attemptsLeft = maxAttempts - attempts;
    if (order.status === 'success') {
      inbox.answer(seq, { accepted: true, attemptsLeft });
      tracker.set('ACTIVE', `card ${cardNo}`);
      return { outcome: 'ACTIVE', provider: 'wasabi', cardRef: cardNo, pinSet: true, codeAttempts: attempts };
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
}
