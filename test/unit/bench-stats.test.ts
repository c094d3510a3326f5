// The benchmark's pure parts: statistics, /proc parsing, the command line, and the summary whose
// JSON is the last line of `npm run bench -- --json`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lifecyclesPerBlock, parseBenchArgs } from '../../tools/bench/args';
import type { BlockResult } from '../../tools/bench/block';
import type { HistoryGrowthResult } from '../../tools/bench/history-growth';
import { parseProcStat, parseProcStatus } from '../../tools/bench/processes';
import { median, percentile, ratio, round, spread } from '../../tools/bench/stats';
import { formatReport, type RunMeta, summarize } from '../../tools/bench/summary';

describe('statistics', () => {
  test('median of odd and even counts, unsorted input left untouched', () => {
    const values = [5, 1, 3];
    assert.equal(median(values), 3);
    assert.deepEqual(values, [5, 1, 3]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  test('percentiles interpolate between ranks', () => {
    const values = Array.from({ length: 101 }, (_, i) => i); // 0..100
    assert.equal(percentile(values, 0), 0);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([10, 20], 50), 15);
    assert.equal(percentile([10, 20], 99), 19.9);
    assert.equal(percentile([7], 99), 7);
    assert.throws(() => percentile([1], 101), RangeError);
  });

  test('spread: median, min–max, quartiles; NaN samples are ignored', () => {
    assert.deepEqual(spread([3, 1, 2, 5, 4, Number.NaN]), { median: 3, min: 1, max: 5, q1: 2, q3: 4, n: 5 });
    assert.equal(spread([]).n, 0);
    assert.ok(Number.isNaN(spread([]).median));
  });

  test('ratio and round refuse what is not a number', () => {
    assert.equal(ratio(1, 2), 0.5);
    assert.equal(ratio(1, 0), null);
    assert.equal(ratio(Number.NaN, 2), null);
    assert.equal(round(1.23456), 1.235);
    assert.equal(round(Number.NaN), null);
    assert.equal(round(null), null);
  });
});

describe('/proc parsing', () => {
  test('stat: CPU ticks of the process and its reaped children; a command name with spaces', () => {
    const stat =
      '4242 (node (worker) x) S 4200 4242 4200 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0 1000 1000000 5000';
    assert.deepEqual(parseProcStat(stat), { pid: 4242, ppid: 4200, cpuSeconds: 3.5 });
    assert.equal(parseProcStat('garbage'), null);
  });

  test('status: VmRSS and VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    assert.deepEqual(parseProcStatus(status), { rssBytes: 100 * 2 ** 20, hwmBytes: 200 * 2 ** 20 });
  });
});

describe('command line', () => {
  test('defaults: the full sweep, 5 repetitions, every storage', () => {
    const plan = parseBenchArgs([]);
    assert.deepEqual(plan.concurrency, [1, 8, 32, 128]);
    assert.equal(plan.repetitions, 5);
    assert.deepEqual(plan.storages, ['memory', 'file', 'wal']);
    assert.equal(plan.json, false);
    assert.equal(plan.kycPollInterval, '1m');
  });

  test('--quick is small; explicit flags win', () => {
    const quick = parseBenchArgs(['--quick', '--json']);
    assert.deepEqual(quick.concurrency, [1, 16]);
    assert.equal(quick.repetitions, 1);
    assert.deepEqual(quick.storages, ['wal']);
    assert.equal(quick.json, true);
    const custom = parseBenchArgs([
      '--quick',
      '--concurrency',
      '32,1,8,8',
      '--repetitions',
      '3',
      '--storage',
      'memory',
    ]);
    assert.deepEqual(custom.concurrency, [1, 8, 32]);
    assert.equal(custom.repetitions, 3);
    assert.deepEqual(custom.storages, ['memory']);
  });

  test('--server: the dev server by default; the cluster alone or interleaved with the dev stack storage', () => {
    assert.deepEqual(parseBenchArgs([]).servers, ['dev']);
    const both = parseBenchArgs(['--server', 'dev,cluster', '--concurrency', '8', '--repetitions', '3']);
    assert.deepEqual(both.servers, ['dev', 'cluster']);
    // Beside the cluster the dev server runs as the dev stack does (WAL), unless --storage says otherwise.
    assert.deepEqual(both.storages, ['wal']);
    assert.deepEqual(parseBenchArgs(['--server', 'cluster,dev', '--storage', 'memory,wal']).storages, [
      'memory',
      'wal',
    ]);
    const cluster = parseBenchArgs(['--server', 'cluster,cluster']);
    assert.deepEqual(cluster.servers, ['cluster']);
    assert.deepEqual(cluster.storages, [], 'no dev server when only the cluster is named');
    assert.throws(() => parseBenchArgs(['--server', 'postgres']), /--server: expected dev or cluster/);
    assert.throws(() => parseBenchArgs(['--server', '']), /--server: expected dev or cluster/);
  });

  test('bad values are usage errors', () => {
    assert.throws(() => parseBenchArgs(['--concurrency', '0']), /positive integer/);
    assert.throws(() => parseBenchArgs(['--storage', 'postgres']), /memory, file or wal/);
    assert.throws(() => parseBenchArgs(['--poll-interval', 'soon']), /duration/);
    assert.throws(() => parseBenchArgs(['--worker-env', 'PATH=/tmp']), /CARDFLOW_WORKER_/);
    assert.throws(() => parseBenchArgs(['--frobnicate']), /Unknown option/);
  });

  test('--arms: all four by default, in a fixed order; a subset; an unknown arm is a usage error', () => {
    assert.deepEqual(parseBenchArgs([]).arms, ['plain', 'cardflow', 'poller', 'idiomatic']);
    assert.deepEqual(parseBenchArgs(['--arms', 'idiomatic,cardflow,cardflow']).arms, [
      'cardflow',
      'idiomatic',
    ]);
    assert.throws(
      () => parseBenchArgs(['--arms', 'cron']),
      /--arms: expected plain, cardflow, poller, idiomatic/,
    );
    const poller = parseBenchArgs(['--poller-loops', '2', '--poller-batch', '8']);
    assert.deepEqual([poller.pollerLoops, poller.pollerBatch], [2, 8]);
    assert.throws(() => parseBenchArgs(['--poller-loops', '0']), /positive integer/);
  });

  test('a block runs at least the minimum and one lifecycle per slot', () => {
    assert.equal(lifecyclesPerBlock({ minLifecycles: 4 }, 1), 4);
    assert.equal(lifecyclesPerBlock({ minLifecycles: 4 }, 32), 32);
  });
});

describe('summary', () => {
  const block = (over: Partial<BlockResult>): BlockResult => ({
    arm: 'plain',
    storage: 'wal',
    concurrency: 1,
    repetition: 1,
    lifecycles: 10,
    failures: 0,
    wallSeconds: 10,
    throughput: 1,
    latencyP50Ms: 1000,
    latencyP99Ms: 1200,
    cpuSeconds: 1,
    cpuPerLifecycle: 0.1,
    cpuPerLifecycleByProcess: { sandbox: 0.04, driver: 0.06 },
    peakRssMB: 300,
    peakRssMBByProcess: { sandbox: 100, driver: 200 },
    providerCallsPerLifecycle: 20,
    ...over,
  });
  const cardflow = (over: Partial<BlockResult>) =>
    block({
      arm: 'cardflow',
      cpuPerLifecycleByProcess: { sandbox: 0.04, worker: 0.1, server: 0.1, driver: 0.01 },
      historyEventsPerLifecycle: 116,
      historyBytesPerLifecycle: 35_000,
      maxWorkflowHistoryEvents: 36,
      ...over,
    });
  const blocks: BlockResult[] = [
    // concurrency 1: plain 1/s, cardflow 0.8/s
    ...[1, 2, 3].map((repetition) => block({ repetition, throughput: 1 })),
    ...[1, 2, 3].map((repetition) =>
      cardflow({ repetition, throughput: 0.8, latencyP50Ms: 1200, cpuPerLifecycle: 0.25 }),
    ),
    // concurrency 8: plain best at 6/s, cardflow best at 4/s; spread over repetitions
    ...[5, 6, 7].map((throughput, i) => block({ concurrency: 8, repetition: i + 1, throughput })),
    ...[3, 4, 5].map((throughput, i) =>
      cardflow({ concurrency: 8, repetition: i + 1, throughput, cpuPerLifecycle: 0.3, latencyP50Ms: 2000 }),
    ),
    // another storage, slower
    cardflow({ storage: 'memory', concurrency: 8, throughput: 3.5 }),
  ];
  const meta: RunMeta = {
    command: 'npm run bench -- --json',
    date: '2026-01-01T00:00:00.000Z',
    machine: {
      cores: 2,
      cpuModel: 'test',
      memoryGB: 8,
      node: 'v20',
      platform: 'linux-x64',
      loadAverage: [0, 0, 0],
    },
    versions: { temporalSdk: '1.24.0', temporalCli: '1.9.1' },
    settings: {},
  };
  const growth: HistoryGrowthResult = {
    pollInterval: '1m',
    waits: [
      { wait: '1m', events: 23, bytes: 5000, outcome: 'PASSED', polls: 2, workflowMs: 120_000 },
      { wait: '7d', events: 23, bytes: 5010, outcome: 'PASSED', polls: 10_081, workflowMs: 604_860_000 },
    ],
    historyEvents1m: 23,
    historyEvents7d: 23,
    maxHistoryEvents: 23,
  };

  test('ratios at the best concurrency, per-step overhead, targets', () => {
    const summary = summarize(blocks, meta, { defaultStorage: 'wal', historyGrowth: growth });
    assert.deepEqual(summary.best.plain, { concurrency: 8, throughput: 6 });
    assert.deepEqual(summary.best.cardflow, { concurrency: 8, throughput: 4 });
    assert.equal(summary.throughputRatio, 0.667);
    assert.equal(summary.cpuRatio, 3); // 0.3 ÷ 0.1 at concurrency 8
    const at1 = summary.perConcurrency.find((p) => p.concurrency === 1);
    assert.equal(at1?.perStepOverheadMs, 10); // (1200 − 1000) ms ÷ 20 calls
    assert.equal(summary.targets.throughput.met, true);
    assert.equal(summary.targets.cpu.met, false);
    assert.equal(summary.targets.history.met, true);
    assert.equal(summary.maxHistoryEvents, 36);
    const plain8 = summary.rows.find((r) => r.arm === 'plain' && r.concurrency === 8);
    assert.deepEqual([plain8?.throughput.min, plain8?.throughput.median, plain8?.throughput.max], [5, 6, 7]);
    assert.equal(plain8?.storage, '-');
    assert.deepEqual(
      summary.storages.map((s) => [s.storage, s.throughput]),
      [
        ['memory', 3.5],
        ['wal', 4],
      ],
    );
  });

  test('the JSON line holds the fields the issue asks for', () => {
    const summary = summarize(blocks, meta, { defaultStorage: 'wal', historyGrowth: growth });
    const json = JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
    for (const key of [
      'throughputRatio',
      'cpuRatio',
      'historyEvents1m',
      'historyEvents7d',
      'maxHistoryEvents',
      'vsIdiomaticCpuRatio',
      'vsPollerThroughputRatio',
      'machine',
      'versions',
      'command',
      'date',
      'rows',
      'targets',
    ])
      assert.ok(key in json, key);
    assert.equal(json.historyEvents1m, 23);
    assert.equal(json.historyEvents7d, 23);
    assert.equal((json.machine as { cores: number }).cores, 2);
  });

  test('history that grows with the wait misses the target; the report says so', () => {
    const grew = { ...growth, historyEvents7d: 40, maxHistoryEvents: 40 };
    const summary = summarize(blocks, meta, { defaultStorage: 'wal', historyGrowth: grew });
    assert.equal(summary.targets.history.met, false);
    const report = formatReport(summary);
    assert.match(report, /KYC 1m 23 vs 7d 40: MISSED/);
    assert.match(report, /\| plain +\| - +\| 8 /);
  });

  test('against the poller and idiomatic Temporal: CPU at the best concurrency of cardflow, throughput best to best', () => {
    const more: BlockResult[] = [
      ...blocks,
      // The poller: no server (pooled as '-'), best at 8 with 10/s.
      block({ arm: 'poller', storage: '-', throughput: 1.1 }),
      block({ arm: 'poller', storage: '-', concurrency: 8, throughput: 10, cpuPerLifecycle: 0.05 }),
      // Idiomatic Temporal on the same server: 0.2 s per lifecycle at 8, 0.1 at 1.
      cardflow({ arm: 'idiomatic', cpuPerLifecycle: 0.1, historyEventsPerLifecycle: 92 }),
      cardflow({ arm: 'idiomatic', concurrency: 8, throughput: 4.5, cpuPerLifecycle: 0.2 }),
      // On another server: not compared with cardflow on WAL.
      cardflow({ arm: 'idiomatic', storage: 'memory', concurrency: 8, cpuPerLifecycle: 9 }),
    ];
    const summary = summarize(more, meta, { defaultStorage: 'wal', historyGrowth: growth });
    assert.equal(summary.vsIdiomaticCpuRatio, 1.5); // 0.3 ÷ 0.2 at 8, cardflow's best
    assert.equal(summary.vsPollerThroughputRatio, 0.4); // 4/s ÷ 10/s
    assert.deepEqual(summary.best.poller, { concurrency: 8, throughput: 10 });
    assert.deepEqual(summary.best.idiomatic, { concurrency: 8, throughput: 4.5 });
    assert.equal(summary.perConcurrency.find((p) => p.concurrency === 1)?.vsIdiomaticCpuRatio, 2.5);
    assert.equal(summary.targets.vsIdiomaticCpu.met, false);
    assert.equal(summary.targets.vsPollerThroughput.met, false);
    assert.deepEqual(
      summary.rows.map((r) => `${r.arm} ${r.storage} ${r.concurrency}`),
      [
        'plain - 1',
        'plain - 8',
        'cardflow memory 8',
        'cardflow wal 1',
        'cardflow wal 8',
        'poller - 1',
        'poller - 8',
        'idiomatic memory 8',
        'idiomatic wal 1',
        'idiomatic wal 8',
      ],
    );
    const report = formatReport(summary);
    assert.match(report, /vs idiomatic Temporal: CPU ratio 1\.5: MISSED/);
    assert.match(report, /vs the status-table poller: throughput ratio 0\.4 \(poller best at 8\): MISSED/);
  });

  test('webhook-to-flow latency, worker memory per cached workflow, history per lifecycle (issue 20)', () => {
    const withMemory = blocks.map((b) =>
      b.arm === 'cardflow' && b.storage === 'wal'
        ? { ...b, peakRssMBByProcess: { worker: b.concurrency === 1 ? 400 : 414, server: 200 } }
        : b,
    );
    const webhookBlock = cardflow({ concurrency: 4, cpuPerLifecycle: 0.35, historyEventsPerLifecycle: 130 });
    const webhook = (storage: string, p99Ms: number) => ({
      arm: 'cardflow' as const,
      storage,
      concurrency: 4,
      lifecycles: 8,
      failures: 0,
      notifications: 32,
      measured: 24,
      notSignalled: 8,
      noStateChange: 0,
      p50Ms: 60,
      p99Ms,
      maxMs: p99Ms + 1,
      routingP99Ms: p99Ms / 2,
      block: webhookBlock,
    });
    const summary = summarize(withMemory, meta, {
      defaultStorage: 'wal',
      historyGrowth: growth,
      webhook: [webhook('memory', 5000), webhook('wal', 812.345)],
    });
    // The default storage's figure, not the other server's.
    assert.equal(summary.webhookP99Ms, 812.3);
    assert.equal(summary.webhookP50Ms, 60);
    assert.equal(summary.targets.webhook.met, true);
    assert.equal(summary.webhook.length, 2);
    assert.equal(summary.webhook[1]?.cpuPerLifecycle, 0.35);
    assert.equal(summary.webhook[1]?.historyEventsPerLifecycle, 130);
    assert.ok(!('block' in (summary.webhook[1] ?? {})));
    // (414 − 400) MB ÷ (8 − 1) workflows.
    assert.equal(summary.workerMBPerCachedWorkflow, 2);
    assert.deepEqual(
      summary.rows.find((r) => r.arm === 'cardflow' && r.storage === 'wal' && r.concurrency === 8)
        ?.peakRssMBByProcess,
      {
        worker: 414,
        server: 200,
      },
    );
    // 116 events per lifecycle in the fixture: over 100.
    assert.equal(summary.targets.historyPerLifecycle.value, 116);
    assert.equal(summary.targets.historyPerLifecycle.met, false);
    const report = formatReport(summary);
    assert.match(report, /webhook-to-flow p99 812\.3 ms, p50 60 ms: met/);
    assert.match(report, /\| cardflow \| wal +\| 1 +\| 8 +\| 400 → 414 +\| 2\.00 /);
    const slow = summarize(withMemory, meta, {
      defaultStorage: 'wal',
      historyGrowth: growth,
      webhook: [webhook('wal', 1500)],
    });
    assert.equal(slow.targets.webhook.met, false);
    assert.match(formatReport(slow), /webhook-to-flow p99 1500 ms, p50 60 ms: MISSED/);
  });

  test('without cardflow blocks the ratios are null, not numbers', () => {
    const summary = summarize(
      blocks.filter((b) => b.arm === 'plain'),
      meta,
      { defaultStorage: 'wal', historyGrowth: null },
    );
    assert.equal(summary.throughputRatio, null);
    assert.equal(summary.cpuRatio, null);
    assert.equal(summary.vsIdiomaticCpuRatio, null);
    assert.equal(summary.vsPollerThroughputRatio, null);
    assert.equal(summary.historyEvents1m, null);
    assert.equal(summary.webhookP99Ms, null);
    assert.equal(summary.workerMBPerCachedWorkflow, null);
    assert.equal(summary.targets.webhook.met, false);
    assert.equal(summary.targets.cpu.met, false);
  });
});
