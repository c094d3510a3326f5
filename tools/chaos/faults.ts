// The chaos suite's faults. Provider side: both sandboxes answer a share of calls with 5xx and
// apply a share without answering; their webhooks are dropped, duplicated and delayed. Process
// side, at random moments while the lifecycles run: a worker is SIGKILLed and started again; the
// Temporal server suffers its faults (temporal-target.ts: the dev server stopped or killed and
// restarted; on the cluster a history host killed, PostgreSQL or the frontend restarted).
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosStack } from './harness';

export interface FaultPlan {
  serverErrorRate: number;
  appliedNoAnswerRate: number;
  webhook: { dropRate: number; duplicateRate: number; delayMs: number };
  /** Gap between worker kills, drawn uniformly in this range (ms). */
  workerKillEveryMs: [number, number];
  /** How long a killed worker stays down before it is started again (ms). */
  workerDownMs: [number, number];
  /** Server faults (restarts; on the cluster they take turns), the first after `firstServerRestartMs`. */
  serverRestarts: number;
  serverRestartEveryMs: number;
  firstServerRestartMs: number;
  serverDownMs: [number, number];
}

export interface FaultCounts {
  workersKilled: number;
  workerRestarts: number;
  workerUnexpectedExits: number;
  serverRestarts: number;
  serverCrashes: number;
  injected5xx: number;
  appliedUnanswered: number;
  webhooksDropped: number;
  webhooksDuplicated: number;
  faultErrors: string[];
}

export interface RunningFaults {
  /** Stops the schedule, waits for a fault in progress to finish, turns provider faults off. */
  stop(): Promise<FaultCounts>;
}

export function startFaults(
  stack: ChaosStack,
  plan: FaultPlan,
  random: () => number,
  progress: (line: string) => void,
): RunningFaults {
  const rates = { serverErrorRate: plan.serverErrorRate, appliedNoAnswerRate: plan.appliedNoAnswerRate };
  for (const sandbox of [stack.kazepay, stack.wasabi]) {
    sandbox.control.faults.setRates(rates);
    sandbox.control.setWebhookFaults(plan.webhook);
  }
  const counts: FaultCounts = {
    workersKilled: 0,
    workerRestarts: 0,
    workerUnexpectedExits: 0,
    serverRestarts: 0,
    serverCrashes: 0,
    injected5xx: 0,
    appliedUnanswered: 0,
    webhooksDropped: 0,
    webhooksDuplicated: 0,
    faultErrors: [],
  };
  const between = ([low, high]: [number, number]) => low + random() * (high - low);
  let stopping = false;
  const stopped = new AbortController();
  const pause = (ms: number) =>
    sleep(ms, undefined, { signal: stopped.signal }).then(
      () => true,
      () => false,
    );

  const workerLoop = (async () => {
    while (!stopping) {
      if (!(await pause(between(plan.workerKillEveryMs)))) return;
      const alive = stack.workers.filter((w) => w.running);
      // Never both at once: the point is a crash mid-task, with the other worker taking over.
      if (alive.length < stack.workers.length) continue;
      const victim = alive[Math.floor(random() * alive.length)];
      if (!victim) continue;
      try {
        progress(`fault: SIGKILL worker pid ${victim.pid}`);
        await victim.kill();
        counts.workersKilled++;
        await sleep(between(plan.workerDownMs));
        await victim.start(6);
        counts.workerRestarts++;
        progress(`fault: worker restarted as pid ${victim.pid}`);
      } catch (error) {
        counts.faultErrors.push(`worker restart: ${(error as Error).message}`);
      }
    }
  })();

  const serverLoop = (async () => {
    for (let i = 0; i < plan.serverRestarts && !stopping; i++) {
      const wait = i === 0 ? plan.firstServerRestartMs : plan.serverRestartEveryMs;
      if (!(await pause(wait))) return;
      try {
        const { what, crash } = await stack.temporal.fault(i, between(plan.serverDownMs));
        counts.serverRestarts++;
        if (crash) counts.serverCrashes++;
        progress(`fault: ${what}`);
      } catch (error) {
        counts.faultErrors.push(`server fault ${i + 1}: ${(error as Error).message}`);
      }
    }
  })();

  return {
    async stop() {
      stopping = true;
      stopped.abort();
      await Promise.all([workerLoop, serverLoop]);
      for (const sandbox of [stack.kazepay, stack.wasabi]) {
        sandbox.control.faults.setRates({});
        sandbox.control.setWebhookFaults({});
      }
      const history = [...stack.kazepay.control.faults.history, ...stack.wasabi.control.faults.history];
      counts.injected5xx = history.filter((h) => h.kind === 'server-error').length;
      counts.appliedUnanswered = history.filter((h) => h.kind === 'applied-no-answer').length;
      const deliveries = [
        ...stack.kazepay.control.webhooks.deliveries(),
        ...stack.wasabi.control.deliveries(),
      ];
      counts.webhooksDropped = deliveries.filter((d) => d.state === 'dropped').length;
      counts.webhooksDuplicated = deliveries.filter(
        (d) => d.attempts.filter((a) => a.accepted).length > 1,
      ).length;
      counts.workerUnexpectedExits = stack.workers.reduce((sum, w) => sum + w.unexpectedExits, 0);
      return counts;
    },
  };
}
