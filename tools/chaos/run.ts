// One chaos run: the stack, the faults, the lifecycles (a bounded number in flight) with the API
// fuzzed and forged webhooks sent meanwhile, then faults off, a quiet replay of genuine webhooks,
// and the checks. Answers the summary the report and the JSON line are made of.
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../sandbox/common/random';
import { CanarySet } from './canaries';
import { type CheckResults, runChecks, SCANNED_TABLES } from './checks';
import { type FaultCounts, type FaultPlan, startFaults } from './faults';
import { forgeWebhooks, type FuzzCounts, fuzzApi, replayWebhooks, type WebhookAttackCounts } from './fuzz';
import { startChaosStack } from './harness';
import type { ChaosServer } from './temporal-target';
import {
  kazepayLifecycle,
  type LifecycleRecord,
  type LifecycleWorld,
  PatientApi,
  registerFixedCanaries,
  wasabiLifecycle,
} from './lifecycles';

export interface ChaosOptions {
  lifecycles: number;
  concurrency: number;
  seed: number;
  short: boolean;
  /** Where Temporal runs (default the dev server). */
  server?: ChaosServer;
  progress: (line: string) => void;
  keep?: boolean;
}

export interface ChaosSummary {
  lifecycles: number;
  terminal: number;
  completed: number;
  /** Ended but not closed: a typed failure or an unexpected outcome (listed in `endings`). */
  incomplete: number;
  /** Each flow that ended in a typed failure: lifecycle, flow, failure type and message. */
  flowFailures: string[];
  duplicates: number;
  ledgerMismatches: number;
  forgedAccepted: number;
  replaysAccepted: number;
  leaks: number;
  /** Raw files of the shared database scanned for canaries (PostgreSQL's data folder). */
  databaseFilesScanned: number;
  /** The engine's tables whose file that scan read (the documents and the audit trail). */
  databaseTablesScanned: string[];
  /** Records of the API's audit trail read back and scanned. */
  auditRecordsScanned: number;
  workflowTaskFailures: number;
  stuck: number;
  fuzzRequests: number;
  fuzz5xxForCallerMistakes: number;
  workersKilled: number;
  serverRestarts: number;
  /** Which Temporal ran: the dev server or the cluster. */
  server: ChaosServer;
  /** Distinct server faults the server has (the cluster's must each happen at least once). */
  serverFaultKinds: number;
  /** API answers never allowed under faults: a 5xx but 503, a 503 without Retry-After, a 404 for a started flow. */
  apiWrongAnswers: string[];
  injected5xx: number;
  appliedUnanswered: number;
  ok: boolean;
  seed: number;
  ms: number;
  endings: Record<string, number>;
  faults: FaultCounts;
  fuzz: FuzzCounts;
  webhooks: { forged: WebhookAttackCounts; replayed: WebhookAttackCounts };
  checks: CheckResults;
  apiRetries: number;
  driverErrors: string[];
  lifecycleMs: { p50: number; p95: number; max: number };
}

export function planFor(short: boolean, server: ChaosServer = 'dev'): FaultPlan {
  if (server === 'cluster')
    // Three faults that take turns (a history host, PostgreSQL, the frontend): each at least once,
    // sooner and closer together than the dev server's so the short run sees all three.
    return {
      ...planFor(short),
      serverRestarts: short ? 3 : 6,
      firstServerRestartMs: short ? 12_000 : 30_000,
      serverRestartEveryMs: short ? 12_000 : 50_000,
    };
  return {
    serverErrorRate: 0.1,
    appliedNoAnswerRate: 0.02,
    webhook: { dropRate: 0.1, duplicateRate: 0.1, delayMs: 1500 },
    workerKillEveryMs: short ? [12_000, 20_000] : [15_000, 35_000],
    workerDownMs: [500, 3000],
    serverRestarts: short ? 1 : 3,
    firstServerRestartMs: short ? 25_000 : 40_000,
    serverRestartEveryMs: 90_000,
    serverDownMs: [1000, 4000],
  };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const { progress } = options;
  const random = seededRandom(options.seed);
  const server = options.server ?? 'dev';
  const stack = await startChaosStack({
    timeScale: 0.05,
    workers: 2,
    server,
    progress,
    keep: options.keep,
  });
  try {
    stack.kazepay.control.faults.reseed(options.seed);
    stack.wasabi.control.faults.reseed(options.seed + 1);
    const canaries = new CanarySet();
    registerFixedCanaries(canaries);
    const api = new PatientApi(stack.apiUrl, stack.apiToken);
    const world: LifecycleWorld = {
      api,
      kazepay: stack.kazepay,
      wasabi: stack.wasabi,
      canaries,
      run: `${options.seed.toString(36)}${Date.now().toString(36).slice(-4)}`,
      pollInterval: '500ms',
      // How long a driver follows one flow. A send retried through a 5xx streak backs off 2 s,
      // 4 s ... up to 1 min (budget 10 min), and a worker killed mid-attempt costs its 30 s
      // attempt timeout: 150 s was shorter than that schedule (a CI short run gave up on a
      // deposit still SENDING, nothing duplicated, books balanced).
      flowTimeoutMs: 240_000,
      random,
    };

    const faults = startFaults(stack, planFor(options.short, server), random, progress);
    progress(
      `running ${options.lifecycles} lifecycles, ${options.concurrency} at a time, under faults (seed ${options.seed})`,
    );
    const records: LifecycleRecord[] = [];
    let next = 0;
    let done = 0;
    const drive = async () => {
      for (;;) {
        const n = next++;
        if (n >= options.lifecycles) return;
        const record = await (n % 2 === 0 ? kazepayLifecycle(world, n) : wasabiLifecycle(world, n));
        records.push(record);
        done++;
        if (done % Math.max(1, Math.floor(options.lifecycles / 12)) === 0 || record.error)
          progress(
            `lifecycles: ${done}/${options.lifecycles}${record.error ? ` (${record.id}: ${record.error.slice(0, 160)})` : ''}`,
          );
      }
    };
    const fuzzing = (async () => {
      // While the lifecycles run: the API fuzzed, forged webhooks sent, a little at a time.
      await sleep(5_000);
      const fuzz = await fuzzApi(stack, {
        perEndpoint: options.short ? 12 : 40,
        seed: options.seed,
        concurrency: 2,
      });
      const forged = await forgeWebhooks(stack, options.short ? 3 : 10);
      return { fuzz, forged };
    })();
    await Promise.all(Array.from({ length: options.concurrency }, drive));
    const { fuzz, forged } = await fuzzing;
    const faultCounts = await faults.stop();
    progress('lifecycles done; faults off');

    // Let late and retried webhooks land (faults are off now), then replay genuine ones.
    await Promise.all([stack.kazepay.control.flushWebhooks(), stack.wasabi.control.flushWebhooks()]);
    await sleep(1000);
    const replayed = await replayWebhooks(stack, options.short ? 40 : 150);
    progress('checking histories, ledgers and logs...');
    const checks = await runChecks(stack, records, canaries);
    return summarize(
      { ...options, server, serverFaultKinds: stack.temporal.faultKinds },
      started,
      records,
      faultCounts,
      fuzz,
      forged,
      replayed,
      checks,
      api,
    );
  } finally {
    await stack.stop();
  }
}

function summarize(
  options: ChaosOptions & { server: ChaosServer; serverFaultKinds: number },
  started: number,
  records: LifecycleRecord[],
  faults: FaultCounts,
  fuzz: FuzzCounts,
  forged: WebhookAttackCounts,
  replayed: WebhookAttackCounts,
  checks: CheckResults,
  api: PatientApi,
): ChaosSummary {
  const running = new Set(checks.running);
  const isTerminal = (r: LifecycleRecord) =>
    !r.error &&
    r.flows.every((f) => !running.has(f.workflowId)) &&
    !checks.running.some((id) => id.includes(r.customerRef) || (r.cardRef && id.includes(r.cardRef)));
  const endings: Record<string, number> = {};
  for (const r of records) {
    const last = r.flows[r.flows.length - 1];
    const key = r.error ? 'driver gave up' : `${last?.type ?? 'none'}: ${last?.outcome ?? '-'}`;
    endings[key] = (endings[key] ?? 0) + 1;
    for (const d of r.flows.filter((f) => f.type === 'cardDeposit'))
      endings[`deposit ${d.outcome}`] = (endings[`deposit ${d.outcome}`] ?? 0) + 1;
  }
  const terminal = records.filter(isTerminal).length;
  const completed = records.filter((r) => r.completed).length;
  const durations = records.map((r) => r.ms).sort((a, b) => a - b);
  const pick = (q: number) =>
    durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0;
  const summary: ChaosSummary = {
    lifecycles: options.lifecycles,
    terminal,
    completed,
    incomplete: records.length - completed,
    flowFailures: records.flatMap((r) =>
      r.flows
        .filter((f) => f.failure !== undefined)
        .map((f) => `${r.id} ${f.workflowId}: ${f.outcome}: ${f.failure}`),
    ),
    duplicates: checks.duplicates,
    ledgerMismatches: checks.ledgerMismatches,
    forgedAccepted: forged.forgedAccepted,
    replaysAccepted: replayed.replaysAccepted,
    leaks: checks.leaks,
    databaseFilesScanned: checks.scanned.databaseFiles,
    databaseTablesScanned: checks.scanned.databaseTables,
    auditRecordsScanned: checks.scanned.auditRecords,
    workflowTaskFailures: checks.workflowTaskFailures,
    stuck: checks.running.length,
    fuzzRequests: fuzz.requests,
    fuzz5xxForCallerMistakes: fuzz.serverErrorsForMistakes,
    workersKilled: faults.workersKilled,
    serverRestarts: faults.serverRestarts,
    server: options.server,
    serverFaultKinds: options.serverFaultKinds,
    apiWrongAnswers: api.wrongAnswers.slice(0, 20),
    injected5xx: faults.injected5xx,
    appliedUnanswered: faults.appliedUnanswered,
    ok: false,
    seed: options.seed,
    ms: Date.now() - started,
    endings,
    faults,
    fuzz,
    webhooks: { forged, replayed },
    checks,
    apiRetries: api.retried,
    driverErrors: records
      .filter((r) => r.error)
      .map((r) => `${r.id}: ${r.error}`)
      .slice(0, 20),
    lifecycleMs: { p50: pick(0.5), p95: pick(0.95), max: durations[durations.length - 1] ?? 0 },
  };
  summary.ok =
    records.length === options.lifecycles &&
    summary.terminal === summary.lifecycles &&
    // Every fault injected here is one the engine must ride through: a typed failure is a finding.
    summary.completed === summary.lifecycles &&
    summary.stuck === 0 &&
    summary.workflowTaskFailures === 0 &&
    summary.duplicates === 0 &&
    summary.ledgerMismatches === 0 &&
    checks.ledgersBalanced &&
    summary.forgedAccepted === 0 &&
    summary.replaysAccepted === 0 &&
    summary.leaks === 0 &&
    checks.canaryControl &&
    // The scan covered what it must: the audit trail's records, and each table's raw file.
    summary.auditRecordsScanned > 0 &&
    SCANNED_TABLES.every((t) => summary.databaseTablesScanned.includes(t)) &&
    summary.fuzz5xxForCallerMistakes === 0 &&
    faults.faultErrors.length === 0 &&
    summary.workersKilled > 0 &&
    summary.serverRestarts > 0 &&
    // On the cluster every kind of fault (history host, PostgreSQL, frontend) happened.
    (options.server === 'dev' || summary.serverRestarts >= options.serverFaultKinds) &&
    api.wrongAnswers.length === 0;
  return summary;
}
