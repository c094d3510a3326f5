// A fault for tests: an activity attempt that did its work but whose completion never reached
// the server (its worker was killed, the server restarted). The attempt runs for real; then its
// result is dropped and the attempt fails retryably, so Temporal schedules the next attempt of
// the same activity, exactly as after a lost completion.
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export class LostCompletions {
  /** Activity types whose next finished attempt loses its completion (once each). */
  private readonly armed = new Set<string>();
  /** What was lost: the activity type and attempt of each dropped completion. */
  readonly lost: Array<{ activityType: string; attempt: number }> = [];

  /** The next attempt of `activityType` that finishes (with a result) loses its completion. */
  loseNext(activityType: string): void {
    this.armed.add(activityType);
  }

  readonly interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const result = await next(input);
        const { activityType, attempt } = ctx.info;
        if (this.armed.delete(activityType)) {
          this.lost.push({ activityType, attempt });
          throw ApplicationFailure.retryable(
            'test fault: the completion of this attempt was lost',
            'LostCompletion',
          );
        }
        return result;
      },
    },
  });
}
