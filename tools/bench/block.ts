// One measured block: `lifecycles` lifecycles of one arm, `concurrency` at a time (closed loop:
// a slot starts its next lifecycle when its previous one ends), with the arm's processes sampled
// for CPU and memory over exactly that window.
import type { Arm } from './args';
import type { LifecycleOutcome } from './lifecycle';
import { sampleArm } from './processes';
import { percentile } from './stats';

export type { Arm };

export interface BlockResult {
  arm: Arm;
  storage: string;
  concurrency: number;
  repetition: number;
  lifecycles: number;
  failures: number;
  /** The first failure's message, if any. */
  firstFailure?: string;
  wallSeconds: number;
  throughput: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  cpuSeconds: number;
  cpuPerLifecycle: number;
  /** CPU seconds per lifecycle of each process of the arm (driver = the bench process). */
  cpuPerLifecycleByProcess: Record<string, number>;
  peakRssMB: number;
  /** Peak resident memory of each process of the arm (with its descendants; driver = this one). */
  peakRssMBByProcess: Record<string, number>;
  /** HTTP calls the sandbox received per completed lifecycle. */
  providerCallsPerLifecycle: number;
  /** Arms on Temporal: the sum over the lifecycle's workflows, and the largest single workflow history. */
  historyEventsPerLifecycle?: number;
  historyBytesPerLifecycle?: number;
  maxWorkflowHistoryEvents?: number;
}

export interface BlockSpec {
  arm: Arm;
  storage: string;
  concurrency: number;
  repetition: number;
  lifecycles: number;
  /** Root pids of the arm's processes by name (the bench process is added as `driver`). */
  pids: Readonly<Record<string, number>>;
  /** Runs lifecycle number `index`. */
  run: (index: number) => Promise<LifecycleOutcome>;
  /** Indexes must not repeat across blocks of an arm (they name provider orders and workflows). */
  firstIndex: number;
  /** The sandbox's count of requests received so far. */
  providerRequests: () => Promise<number>;
  /** Arms on Temporal: the histories of some lifecycles' workflows, fetched after the window. */
  histories?: (workflowIds: readonly string[]) => Promise<Array<{ events: number; bytes: number }>>;
  /** How many lifecycles' histories to fetch (default 8). */
  historySample?: number;
  /** Receives each completed lifecycle's outcome (the webhook block reads their workflows). */
  outcomes?: LifecycleOutcome[];
}

/** An error with its causes (a workflow failure's cause says what went wrong inside). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- ');
}

export async function runBlock(spec: BlockSpec): Promise<BlockResult> {
  const requestsBefore = await spec.providerRequests();
  const latencies: number[] = [];
  const outcomes: LifecycleOutcome[] = [];
  const failures: string[] = [];
  let next = 0;
  const sampler = sampleArm(spec.pids);
  const began = performance.now();
  const slot = async () => {
    while (next < spec.lifecycles) {
      const index = spec.firstIndex + next++;
      const start = performance.now();
      try {
        outcomes.push(await spec.run(index));
        latencies.push(performance.now() - start);
      } catch (error) {
        failures.push(describeError(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency, spec.lifecycles) }, slot));
  const wallSeconds = (performance.now() - began) / 1000;
  spec.outcomes?.push(...outcomes);
  const { cpuSeconds, cpuByProcess, peakRssBytes, peakRssBytesByProcess } = sampler.stop();
  const requests = (await spec.providerRequests()) - requestsBefore;
  const done = outcomes.length;

  const result: BlockResult = {
    arm: spec.arm,
    storage: spec.storage,
    concurrency: spec.concurrency,
    repetition: spec.repetition,
    lifecycles: done,
    failures: failures.length,
    ...(failures[0] ? { firstFailure: failures[0] } : {}),
    wallSeconds,
    throughput: done / wallSeconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    cpuSeconds,
    cpuPerLifecycle: done > 0 ? cpuSeconds / done : Number.NaN,
    cpuPerLifecycleByProcess: Object.fromEntries(
      Object.entries(cpuByProcess).map(([name, seconds]) => [name, done > 0 ? seconds / done : Number.NaN]),
    ),
    peakRssMB: peakRssBytes / 2 ** 20,
    peakRssMBByProcess: Object.fromEntries(
      Object.entries(peakRssBytesByProcess).map(([name, bytes]) => [name, bytes / 2 ** 20]),
    ),
    providerCallsPerLifecycle: done > 0 ? requests / done : Number.NaN,
  };

  if (spec.histories) {
    const sample = outcomes.slice(0, spec.historySample ?? 8);
    let events = 0;
    let bytes = 0;
    let max = 0;
    for (const outcome of sample) {
      for (const h of await spec.histories(outcome.workflowIds ?? [])) {
        events += h.events;
        bytes += h.bytes;
        max = Math.max(max, h.events);
      }
    }
    if (sample.length > 0) {
      result.historyEventsPerLifecycle = events / sample.length;
      result.historyBytesPerLifecycle = bytes / sample.length;
      result.maxWorkflowHistoryEvents = max;
    }
  }
  return result;
}
