// From the measured blocks to the run's summary (pure): medians and spread per arm, storage and
// concurrency, the ratios the issue sets targets for, and the human table.
import { type Arm, ARMS } from './args';
import type { BlockResult } from './block';
import type { HistoryGrowthResult } from './history-growth';
import { median, ratio, round, spread, type Spread } from './stats';
import type { ServerLabel, Storage } from './storage';
import type { WebhookResult } from './webhook-block';

/** Targets of issues 11 and 20, as ratios measured in the same run. */
export const TARGETS = {
  throughputRatioAtLeast: 0.5,
  cpuRatioAtMost: 2,
  historyEventsBelow: 100,
  /** cardflow CPU per lifecycle ÷ the idiomatic-Temporal arm's. */
  vsIdiomaticCpuRatioAtMost: 1,
  /** cardflow lifecycles/s ÷ the poller's, each at its best concurrency. */
  vsPollerThroughputRatioAtLeast: 0.5,
  /** Webhook-to-flow p99 at half the saturating load, ms. */
  webhookP99MsAtMost: 1000,
  /** All workflows of one lifecycle together, whatever the wait. */
  historyEventsPerLifecycleAtMost: 100,
} as const;

/** Arms on Temporal: their worker's memory per cached workflow is measured. */
const TEMPORAL_ARMS: readonly Arm[] = ['cardflow', 'idiomatic'];

/** Arms without a Temporal server: their blocks of every phase are pooled in one row. */
const SERVERLESS_ARMS: readonly Arm[] = ['plain', 'poller'];

export interface Row {
  arm: Arm;
  /**
   * The server of an arm on Temporal: a dev server storage or `cluster`; `-` for the plain and
   * poller arms (no Temporal server; their blocks of every phase are pooled).
   */
  storage: ServerLabel | '-';
  concurrency: number;
  blocks: number;
  lifecycles: number;
  failures: number;
  throughput: Spread;
  latencyP50Ms: Spread;
  latencyP99Ms: Spread;
  cpuPerLifecycle: Spread;
  /** Median CPU seconds per lifecycle of each process of the arm. */
  cpuPerLifecycleByProcess: Record<string, number>;
  peakRssMB: Spread;
  /** Median peak resident memory of each process of the arm, MB. */
  peakRssMBByProcess: Record<string, number>;
  providerCallsPerLifecycle: Spread;
  historyEventsPerLifecycle?: Spread;
  historyBytesPerLifecycle?: Spread;
  maxWorkflowHistoryEvents?: number;
}

export interface RunMeta {
  command: string;
  date: string;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGB: number;
    node: string;
    platform: string;
    loadAverage: number[];
  };
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  /** Wall time of the whole run, seconds. */
  durationSeconds?: number;
  notes?: string[];
}

export interface BenchSummary extends RunMeta {
  defaultStorage: Storage;
  measuredStorage: ServerLabel | null;
  rows: Row[];
  best: Record<Arm, { concurrency: number; throughput: number } | null>;
  /** cardflow ÷ plain lifecycles/s, each at its best concurrency (default storage). */
  throughputRatio: number | null;
  /** cardflow ÷ plain CPU seconds per lifecycle, at cardflow's best concurrency. */
  cpuRatio: number | null;
  /** cardflow ÷ idiomatic Temporal CPU seconds per lifecycle, at cardflow's best concurrency. */
  vsIdiomaticCpuRatio: number | null;
  /** cardflow ÷ poller lifecycles/s, each at its best concurrency. */
  vsPollerThroughputRatio: number | null;
  /** Per concurrency (default storage): ratios and (cardflow − plain p50 latency) ÷ provider calls. */
  perConcurrency: Array<{
    concurrency: number;
    throughputRatio: number | null;
    cpuRatio: number | null;
    perStepOverheadMs: number | null;
    vsIdiomaticCpuRatio: number | null;
    vsPollerThroughputRatio: number | null;
  }>;
  /** Per server (dev server storage, or the cluster): cardflow at its best concurrency. */
  storages: Array<{
    storage: ServerLabel;
    concurrency: number;
    throughput: number;
    cpuPerLifecycle: number | null;
    latencyP50Ms: number | null;
  }>;
  historyEventsPerLifecycle: number | null;
  historyBytesPerLifecycle: number | null;
  historyEvents1m: number | null;
  historyEvents7d: number | null;
  /** The longest single workflow history seen (benchmark flows and the long KYC). */
  maxHistoryEvents: number | null;
  historyGrowth: HistoryGrowthResult | null;
  /**
   * The worker's memory per cached workflow, per Temporal arm and server: the rise of the
   * worker's peak RSS from the lowest to the highest concurrency ÷ the rise in concurrency (each
   * lifecycle in flight keeps one workflow in the worker's cache).
   */
  workerMemory: Array<{
    arm: Arm;
    storage: ServerLabel;
    fromConcurrency: number;
    toConcurrency: number;
    fromMB: number;
    toMB: number;
    mbPerCachedWorkflow: number | null;
  }>;
  /** cardflow's `workerMemory` figure on the measured server. */
  workerMBPerCachedWorkflow: number | null;
  /** Webhook-to-flow blocks (cardflow; the poller and idiomatic arms poll only). */
  webhook: Array<
    Omit<WebhookResult, 'block'> & {
      cpuPerLifecycle: number | null;
      historyEventsPerLifecycle: number | null;
      lifecycleP50Ms: number | null;
    }
  >;
  /** cardflow's webhook-to-flow latency on the measured server, ms. */
  webhookP50Ms: number | null;
  webhookP99Ms: number | null;
  failures: number;
  targets: {
    throughput: { target: string; value: number | null; met: boolean };
    cpu: { target: string; value: number | null; met: boolean };
    history: { target: string; value: number | null; met: boolean };
    vsIdiomaticCpu: { target: string; value: number | null; met: boolean };
    vsPollerThroughput: { target: string; value: number | null; met: boolean };
    webhook: { target: string; value: number | null; met: boolean };
    historyPerLifecycle: { target: string; value: number | null; met: boolean };
  };
}

const pick = <K extends keyof BlockResult>(blocks: readonly BlockResult[], key: K) =>
  blocks
    .map((b) => b[key])
    .filter((v): v is NonNullable<BlockResult[K]> => typeof v === 'number') as number[];

export function buildRows(blocks: readonly BlockResult[]): Row[] {
  const groups = new Map<string, BlockResult[]>();
  for (const block of blocks) {
    const storage = SERVERLESS_ARMS.includes(block.arm) ? '-' : block.storage;
    const key = `${block.arm}|${storage}|${block.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), block]);
  }
  const rows: Row[] = [];
  for (const [key, group] of groups) {
    const [arm, storage, concurrency] = key.split('|') as [Row['arm'], Row['storage'], string];
    const history = pick(group, 'historyEventsPerLifecycle');
    rows.push({
      arm,
      storage,
      concurrency: Number(concurrency),
      blocks: group.length,
      lifecycles: group.reduce((n, b) => n + b.lifecycles, 0),
      failures: group.reduce((n, b) => n + b.failures, 0),
      throughput: spread(pick(group, 'throughput')),
      latencyP50Ms: spread(pick(group, 'latencyP50Ms')),
      latencyP99Ms: spread(pick(group, 'latencyP99Ms')),
      cpuPerLifecycle: spread(pick(group, 'cpuPerLifecycle')),
      cpuPerLifecycleByProcess: Object.fromEntries(
        Object.keys(group[0]?.cpuPerLifecycleByProcess ?? {}).map((name) => [
          name,
          round(median(group.map((b) => b.cpuPerLifecycleByProcess[name] ?? Number.NaN)), 4) ?? Number.NaN,
        ]),
      ),
      peakRssMB: spread(pick(group, 'peakRssMB')),
      peakRssMBByProcess: Object.fromEntries(
        Object.keys(group[0]?.peakRssMBByProcess ?? {}).map((name) => [
          name,
          round(median(group.map((b) => b.peakRssMBByProcess[name] ?? Number.NaN)), 1) ?? Number.NaN,
        ]),
      ),
      providerCallsPerLifecycle: spread(pick(group, 'providerCallsPerLifecycle')),
      ...(history.length > 0
        ? {
            historyEventsPerLifecycle: spread(history),
            historyBytesPerLifecycle: spread(pick(group, 'historyBytesPerLifecycle')),
            maxWorkflowHistoryEvents: Math.max(...pick(group, 'maxWorkflowHistoryEvents')),
          }
        : {}),
    });
  }
  const armOrder = (r: Row) => ARMS.indexOf(r.arm);
  return rows.sort(
    (a, b) =>
      armOrder(a) - armOrder(b) || a.storage.localeCompare(b.storage) || a.concurrency - b.concurrency,
  );
}

/** The concurrency at which an arm on one server made the most lifecycles/s (median over blocks). */
export function bestConcurrency(blocks: readonly BlockResult[], arm: Arm, storage: string): number | null {
  return bestOf(buildRows(blocks).filter((r) => r.arm === arm && r.storage === storage))?.concurrency ?? null;
}

/** The arm's median throughput at each swept concurrency on one server. */
export function throughputCurve(blocks: readonly BlockResult[], arm: Arm, storage: string) {
  return buildRows(blocks)
    .filter((r) => r.arm === arm && r.storage === storage)
    .map((r) => ({ concurrency: r.concurrency, throughput: r.throughput.median }));
}

/** Worker peak RSS from the lowest to the highest concurrency of one Temporal arm on one server. */
function workerMemory(rows: readonly Row[], arm: Arm, storage: ServerLabel) {
  const measured = rows
    .filter((r) => r.arm === arm && r.storage === storage && Number.isFinite(r.peakRssMBByProcess.worker))
    .sort((a, b) => a.concurrency - b.concurrency);
  const from = measured[0];
  const to = measured[measured.length - 1];
  if (!from || !to || to.concurrency === from.concurrency) return [];
  const fromMB = from.peakRssMBByProcess.worker as number;
  const toMB = to.peakRssMBByProcess.worker as number;
  return [
    {
      arm,
      storage,
      fromConcurrency: from.concurrency,
      toConcurrency: to.concurrency,
      fromMB,
      toMB,
      mbPerCachedWorkflow: round(ratio(toMB - fromMB, to.concurrency - from.concurrency), 3),
    },
  ];
}

function bestOf(rows: readonly Row[]): Row | undefined {
  return rows
    .filter((r) => Number.isFinite(r.throughput.median))
    .reduce<Row | undefined>(
      (best, r) => (!best || r.throughput.median > best.throughput.median ? r : best),
      undefined,
    );
}

export function summarize(
  blocks: readonly BlockResult[],
  meta: RunMeta,
  options: {
    defaultStorage: Storage;
    historyGrowth: HistoryGrowthResult | null;
    webhook?: readonly WebhookResult[];
  },
): BenchSummary {
  const rows = buildRows(blocks);
  const plainRows = rows.filter((r) => r.arm === 'plain');
  const cardflowStorages = [
    ...new Set(
      rows.filter((r) => r.arm === 'cardflow' || r.arm === 'idiomatic').map((r) => r.storage as ServerLabel),
    ),
  ];
  const measuredStorage = cardflowStorages.includes(options.defaultStorage)
    ? options.defaultStorage
    : (cardflowStorages[0] ?? null);
  const cardflowRows = rows.filter((r) => r.arm === 'cardflow' && r.storage === measuredStorage);
  const idiomaticRows = rows.filter((r) => r.arm === 'idiomatic' && r.storage === measuredStorage);
  const pollerRows = rows.filter((r) => r.arm === 'poller');
  const bestPlain = bestOf(plainRows);
  const bestCardflow = bestOf(cardflowRows);
  const bestPoller = bestOf(pollerRows);
  const bestIdiomatic = bestOf(idiomaticRows);
  const plainAt = (concurrency: number) => plainRows.find((r) => r.concurrency === concurrency);
  const at = (list: readonly Row[], concurrency: number) => list.find((r) => r.concurrency === concurrency);
  const bestEntry = (row: Row | undefined) =>
    row ? { concurrency: row.concurrency, throughput: round(row.throughput.median) ?? 0 } : null;

  const perConcurrency = cardflowRows.map((c) => {
    const p = plainAt(c.concurrency);
    const calls = p?.providerCallsPerLifecycle.median ?? Number.NaN;
    return {
      concurrency: c.concurrency,
      throughputRatio: round(ratio(c.throughput.median, p?.throughput.median ?? Number.NaN)),
      cpuRatio: round(ratio(c.cpuPerLifecycle.median, p?.cpuPerLifecycle.median ?? Number.NaN)),
      perStepOverheadMs: round(
        ratio(c.latencyP50Ms.median - (p?.latencyP50Ms.median ?? Number.NaN), calls),
        2,
      ),
      vsIdiomaticCpuRatio: round(
        ratio(
          c.cpuPerLifecycle.median,
          at(idiomaticRows, c.concurrency)?.cpuPerLifecycle.median ?? Number.NaN,
        ),
      ),
      vsPollerThroughputRatio: round(
        ratio(c.throughput.median, at(pollerRows, c.concurrency)?.throughput.median ?? Number.NaN),
      ),
    };
  });

  const throughputRatio = round(
    ratio(bestCardflow?.throughput.median ?? Number.NaN, bestPlain?.throughput.median ?? Number.NaN),
  );
  const atBest = bestCardflow
    ? perConcurrency.find((p) => p.concurrency === bestCardflow.concurrency)
    : undefined;
  const cpuRatio = atBest?.cpuRatio ?? null;
  const vsIdiomaticCpuRatio = atBest?.vsIdiomaticCpuRatio ?? null;
  const vsPollerThroughputRatio = round(
    ratio(bestCardflow?.throughput.median ?? Number.NaN, bestPoller?.throughput.median ?? Number.NaN),
  );

  const storages = cardflowStorages.flatMap((storage) => {
    const best = bestOf(rows.filter((r) => r.arm === 'cardflow' && r.storage === storage));
    if (!best) return [];
    return [
      {
        storage,
        concurrency: best.concurrency,
        throughput: round(best.throughput.median) ?? 0,
        cpuPerLifecycle: round(best.cpuPerLifecycle.median, 4),
        latencyP50Ms: round(best.latencyP50Ms.median, 1),
      },
    ];
  });

  const historyPerLifecycle = cardflowRows.flatMap((r) =>
    r.historyEventsPerLifecycle ? [r.historyEventsPerLifecycle.median] : [],
  );
  const historyBytes = cardflowRows.flatMap((r) =>
    r.historyBytesPerLifecycle ? [r.historyBytesPerLifecycle.median] : [],
  );
  const growth = options.historyGrowth;
  const maxSeen = [
    ...rows.flatMap((r) => (r.maxWorkflowHistoryEvents === undefined ? [] : [r.maxWorkflowHistoryEvents])),
    ...(growth ? [growth.maxHistoryEvents] : []),
  ];
  const maxHistoryEvents = maxSeen.length > 0 ? Math.max(...maxSeen) : null;
  const webhook = (options.webhook ?? []).map(({ block, ...result }) => ({
    ...result,
    p50Ms: round(result.p50Ms, 1) ?? Number.NaN,
    p99Ms: round(result.p99Ms, 1) ?? Number.NaN,
    maxMs: round(result.maxMs, 1) ?? Number.NaN,
    routingP99Ms: round(result.routingP99Ms, 1) ?? Number.NaN,
    cpuPerLifecycle: round(block.cpuPerLifecycle, 4),
    historyEventsPerLifecycle: round(block.historyEventsPerLifecycle, 1),
    lifecycleP50Ms: round(block.latencyP50Ms, 0),
  }));
  const measuredWebhook = webhook.find((w) => w.storage === measuredStorage);
  const webhookP50Ms = round(measuredWebhook?.p50Ms, 1);
  const webhookP99Ms = round(measuredWebhook?.p99Ms, 1);
  const memory = cardflowStorages.flatMap((storage) =>
    TEMPORAL_ARMS.flatMap((arm) => workerMemory(rows, arm, storage)),
  );
  const workerMBPerCachedWorkflow =
    memory.find((m) => m.arm === 'cardflow' && m.storage === measuredStorage)?.mbPerCachedWorkflow ?? null;
  const historyEventsPerLifecycle = historyPerLifecycle.length
    ? round(Math.max(...historyPerLifecycle), 1)
    : null;
  const failures = rows.reduce((n, r) => n + r.failures, 0) + webhook.reduce((n, w) => n + w.failures, 0);

  return {
    ...meta,
    defaultStorage: options.defaultStorage,
    measuredStorage,
    rows,
    best: {
      plain: bestEntry(bestPlain),
      cardflow: bestEntry(bestCardflow),
      poller: bestEntry(bestPoller),
      idiomatic: bestEntry(bestIdiomatic),
    },
    throughputRatio,
    cpuRatio,
    vsIdiomaticCpuRatio,
    vsPollerThroughputRatio,
    perConcurrency,
    storages,
    historyEventsPerLifecycle,
    historyBytesPerLifecycle: historyBytes.length ? Math.round(Math.max(...historyBytes)) : null,
    historyEvents1m: growth?.historyEvents1m ?? null,
    historyEvents7d: growth?.historyEvents7d ?? null,
    maxHistoryEvents,
    historyGrowth: growth,
    workerMemory: memory,
    workerMBPerCachedWorkflow,
    webhook,
    webhookP50Ms,
    webhookP99Ms,
    failures,
    targets: {
      throughput: {
        target: `cardflow ≥ ${TARGETS.throughputRatioAtLeast} × plain lifecycles/s at the best concurrency`,
        value: throughputRatio,
        met: throughputRatio !== null && throughputRatio >= TARGETS.throughputRatioAtLeast,
      },
      cpu: {
        target: `cardflow CPU per lifecycle ≤ ${TARGETS.cpuRatioAtMost} × plain`,
        value: cpuRatio,
        met: cpuRatio !== null && cpuRatio <= TARGETS.cpuRatioAtMost,
      },
      history: {
        target: `every workflow history < ${TARGETS.historyEventsBelow} events, whatever the wait`,
        value: maxHistoryEvents,
        met:
          maxHistoryEvents !== null &&
          maxHistoryEvents < TARGETS.historyEventsBelow &&
          (growth === null || growth.historyEvents7d <= growth.historyEvents1m),
      },
      vsIdiomaticCpu: {
        target: `cardflow CPU per lifecycle ≤ ${TARGETS.vsIdiomaticCpuRatioAtMost} × idiomatic Temporal's`,
        value: vsIdiomaticCpuRatio,
        met: vsIdiomaticCpuRatio !== null && vsIdiomaticCpuRatio <= TARGETS.vsIdiomaticCpuRatioAtMost,
      },
      vsPollerThroughput: {
        target: `cardflow ≥ ${TARGETS.vsPollerThroughputRatioAtLeast} × the poller's lifecycles/s at the best concurrency`,
        value: vsPollerThroughputRatio,
        met:
          vsPollerThroughputRatio !== null &&
          vsPollerThroughputRatio >= TARGETS.vsPollerThroughputRatioAtLeast,
      },
      webhook: {
        target: `cardflow webhook-to-flow p99 ≤ ${TARGETS.webhookP99MsAtMost} ms at half the saturating load`,
        value: webhookP99Ms,
        met: webhookP99Ms !== null && webhookP99Ms <= TARGETS.webhookP99MsAtMost,
      },
      historyPerLifecycle: {
        target: `cardflow ≤ ${TARGETS.historyEventsPerLifecycleAtMost} history events per lifecycle, flat with the wait`,
        value: historyEventsPerLifecycle,
        met:
          historyEventsPerLifecycle !== null &&
          historyEventsPerLifecycle <= TARGETS.historyEventsPerLifecycleAtMost &&
          (growth === null || growth.historyEvents7d <= growth.historyEvents1m),
      },
    },
  };
}

// ------------------------------------------------------------------ the human report

const fmt = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const withRange = (s: Spread, digits: number) =>
  s.n > 1 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : fmt(s.median, digits);

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [row(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(row)].join('\n');
}

/** The results as Markdown tables (medians over the blocks, min–max in parentheses). */
export function formatReport(summary: BenchSummary): string {
  const out: string[] = [];
  out.push(`cardflow benchmark, ${summary.date}`);
  out.push(
    `machine: ${summary.machine.cores} cores (${summary.machine.cpuModel}), ${summary.machine.memoryGB} GB, ` +
      `Node ${summary.machine.node}, load average at start ${summary.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );
  out.push(
    `versions: ${Object.entries(summary.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  out.push(`command: ${summary.command}`);
  out.push('');
  out.push(
    'Medians over the blocks, min–max in parentheses. CPU: every process of the arm, in seconds per lifecycle.',
  );
  out.push(
    table(
      [
        'arm',
        'storage',
        'conc',
        'blocks',
        'lifecycles/s',
        'p50 ms',
        'p99 ms',
        'CPU s/lc',
        'CPU by process',
        'peak RSS MB',
        'calls/lc',
        'events/lc',
        'KB/lc',
      ],
      summary.rows.map((r) => [
        r.arm,
        r.storage,
        String(r.concurrency),
        String(r.blocks),
        withRange(r.throughput, 2),
        withRange(r.latencyP50Ms, 0),
        withRange(r.latencyP99Ms, 0),
        withRange(r.cpuPerLifecycle, 3),
        Object.entries(r.cpuPerLifecycleByProcess)
          .map(([name, v]) => `${name} ${fmt(v, 3)}`)
          .join(', '),
        fmt(r.peakRssMB.median, 0),
        fmt(r.providerCallsPerLifecycle.median, 1),
        r.historyEventsPerLifecycle ? fmt(r.historyEventsPerLifecycle.median, 1) : '',
        r.historyBytesPerLifecycle ? fmt(r.historyBytesPerLifecycle.median / 1024, 1) : '',
      ]),
    ),
  );
  out.push('');
  const two = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  out.push(
    `cardflow against the other arms at each concurrency (${summary.measuredStorage ?? '-'} storage):`,
  );
  out.push(
    table(
      [
        'conc',
        'throughput ÷ plain',
        'CPU ÷ plain',
        'overhead per provider call, ms',
        'CPU ÷ idiomatic',
        'throughput ÷ poller',
      ],
      summary.perConcurrency.map((p) => [
        String(p.concurrency),
        two(p.throughputRatio),
        two(p.cpuRatio),
        p.perStepOverheadMs === null ? '-' : p.perStepOverheadMs.toFixed(1),
        two(p.vsIdiomaticCpuRatio),
        two(p.vsPollerThroughputRatio),
      ]),
    ),
  );
  if (summary.storages.length > 0) {
    out.push('');
    out.push(
      `Temporal server: dev server storage or the cluster (cardflow at its best concurrency; the dev stack uses ${summary.defaultStorage}):`,
    );
    out.push(
      table(
        ['storage', 'conc', 'lifecycles/s', 'CPU s/lc', 'p50 ms'],
        summary.storages.map((s) => [
          s.storage +
            (s.storage === summary.defaultStorage ? ' (dev stack default)' : '') +
            (s.storage === 'cluster' ? ' (PostgreSQL, 5 Temporal processes)' : ''),
          String(s.concurrency),
          s.throughput.toFixed(2),
          s.cpuPerLifecycle === null ? '-' : s.cpuPerLifecycle.toFixed(3),
          s.latencyP50Ms === null ? '-' : s.latencyP50Ms.toFixed(0),
        ]),
      ),
    );
  }
  out.push('');
  out.push('Peak resident memory by process (MB, medians over the blocks):');
  out.push(
    table(
      ['arm', 'storage', 'conc', 'peak RSS by process'],
      summary.rows.map((r) => [
        r.arm,
        r.storage,
        String(r.concurrency),
        Object.entries(r.peakRssMBByProcess)
          .map(([name, v]) => `${name} ${fmt(v, 0)}`)
          .join(', '),
      ]),
    ),
  );
  if (summary.workerMemory.length > 0) {
    out.push('');
    out.push(
      'Worker memory per cached workflow (rise of the worker peak RSS ÷ rise of the concurrency; one workflow cached per lifecycle in flight):',
    );
    out.push(
      table(
        ['arm', 'storage', 'from conc', 'to conc', 'worker MB', 'MB per cached workflow'],
        summary.workerMemory.map((m) => [
          m.arm,
          m.storage,
          String(m.fromConcurrency),
          String(m.toConcurrency),
          `${fmt(m.fromMB, 0)} → ${fmt(m.toMB, 0)}`,
          m.mbPerCachedWorkflow === null ? '-' : m.mbPerCachedWorkflow.toFixed(2),
        ]),
      ),
    );
  }
  if (summary.webhook.length > 0) {
    out.push('');
    out.push(
      'Webhook-to-flow latency (cardflow; from the sandbox sending a notification to the next state in the flow history; waits poll every 10m):',
    );
    out.push(
      table(
        [
          'storage',
          'conc',
          'lifecycles',
          'notifications',
          'measured',
          'not signalled',
          'p50 ms',
          'p99 ms',
          'max ms',
          'in API p99 ms',
          'CPU s/lc',
          'events/lc',
        ],
        summary.webhook.map((w) => [
          w.storage,
          String(w.concurrency),
          String(w.lifecycles),
          String(w.notifications),
          String(w.measured),
          String(w.notSignalled + w.noStateChange),
          fmt(w.p50Ms, 0),
          fmt(w.p99Ms, 0),
          fmt(w.maxMs, 0),
          fmt(w.routingP99Ms, 0),
          w.cpuPerLifecycle === null ? '-' : w.cpuPerLifecycle.toFixed(3),
          w.historyEventsPerLifecycle === null ? '' : w.historyEventsPerLifecycle.toFixed(1),
        ]),
      ),
    );
  }
  if (summary.historyGrowth) {
    out.push('');
    out.push(
      `KYC review wait on the time-skipping server (polled every ${summary.historyGrowth.pollInterval}):`,
    );
    out.push(
      table(
        ['wait', 'history events', 'history bytes', 'provider reads', 'outcome'],
        summary.historyGrowth.waits.map((w) => [
          w.wait,
          String(w.events),
          String(w.bytes),
          String(w.polls),
          w.outcome,
        ]),
      ),
    );
  }
  out.push('');
  const mark = (met: boolean) => (met ? 'met' : 'MISSED');
  const t = summary.targets;
  out.push(
    `throughput ratio ${summary.throughputRatio ?? '-'} (plain best at ${summary.best.plain?.concurrency ?? '-'}, cardflow best at ${summary.best.cardflow?.concurrency ?? '-'}): ${mark(t.throughput.met)} (${t.throughput.target})`,
  );
  out.push(`CPU ratio ${summary.cpuRatio ?? '-'}: ${mark(t.cpu.met)} (${t.cpu.target})`);
  out.push(
    `vs idiomatic Temporal: CPU ratio ${summary.vsIdiomaticCpuRatio ?? '-'}: ${mark(t.vsIdiomaticCpu.met)} (${t.vsIdiomaticCpu.target})`,
  );
  out.push(
    `vs the status-table poller: throughput ratio ${summary.vsPollerThroughputRatio ?? '-'} (poller best at ${summary.best.poller?.concurrency ?? '-'}): ${mark(t.vsPollerThroughput.met)} (${t.vsPollerThroughput.target})`,
  );
  if (summary.webhook.length > 0)
    out.push(
      `webhook-to-flow p99 ${summary.webhookP99Ms ?? '-'} ms, p50 ${summary.webhookP50Ms ?? '-'} ms: ${mark(t.webhook.met)} (${t.webhook.target}; the poller and idiomatic arms poll only)`,
    );
  else out.push('webhook-to-flow latency: not measured in this run (--no-webhook, or no cardflow arm)');
  out.push(
    `history per lifecycle ${summary.historyEventsPerLifecycle ?? '-'} events: ${mark(t.historyPerLifecycle.met)} (${t.historyPerLifecycle.target})`,
  );
  out.push(
    `history: ${summary.historyEventsPerLifecycle ?? '-'} events per lifecycle (4 workflows), longest workflow ${summary.maxHistoryEvents ?? '-'}, ` +
      `KYC 1m ${summary.historyEvents1m ?? '-'} vs 7d ${summary.historyEvents7d ?? '-'}: ${mark(t.history.met)} (${t.history.target})`,
  );
  if (summary.failures > 0) out.push(`FAILED lifecycles: ${summary.failures} (see the JSON rows)`);
  for (const note of summary.notes ?? []) out.push(`note: ${note}`);
  return out.join('\n');
}
