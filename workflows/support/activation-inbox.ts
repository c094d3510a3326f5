// The activation flow's inbox: activation codes and PIN handles arrive through updates, and the
// flow takes them one at a time, answering each code's update with its outcome.
import { condition, setHandler } from '@temporalio/workflow';
import {
  type ActivationCodeOutcome,
  type ActivationState,
  activationCodeSchema,
  providePinSchema,
  providePinUpdate,
  submitActivationCodeUpdate,
} from '../../src/contract/activation';
import { activityErrorType } from './failures';
import type { FlowTracker } from './flow-tracker';
import { deadlineFailure } from './waits';

type Tracker = FlowTracker<ActivationState>;

/** A PIN handle that expired or was never known: the step sent nothing and can ask again. */
const isStaleHandle = (error: unknown) =>
  ['SecretHandleNotFoundError', 'SecretHandleExpiredError'].includes(activityErrorType(error) ?? '');

/** Codes and PIN handles arrive through updates; the main flow takes them one at a time. */
export class ActivationInbox {
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
