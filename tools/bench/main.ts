// `npm run bench`: cardflow against a plain script, a status-table poller on PostgreSQL and the
// lifecycle written as idiomatic Temporal, on the same WasabiCard sandbox, with the same provider
// client, calls, retry and polling settings (docs/benchmark.md). Progress goes to
// stderr; the report to stdout; with --json the last line of stdout is one JSON object.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { FileDocumentStore } from '../../src/documents/file-document-store';
import { projectRoot } from '../../src/config/project-root';
import { loadCodecKeyring } from '../../src/security/codec-keys';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import {
  BenchUsageError,
  durationToMs,
  lifecyclesPerBlock,
  parseBenchArgs,
  type BenchPlan,
  USAGE,
} from './args';
import { type Arm, type BlockResult, describeError, runBlock } from './block';
import { type CardflowArm, createCardflowArm } from './cardflow-arm';
import type { HistoryGrowthResult } from './history-growth';
import { DEFAULT_LIFECYCLE, type LifecycleOutcome, type LifecycleSettings } from './lifecycle';
import { createIdiomaticArm, type IdiomaticArm } from './idiomatic-arm';
import { createPlainArm } from './plain-arm';
import { createPollerArm, type PollerArm } from './poller-arm';
import { type PollerPostgres, startPollerPostgres } from './poller/postgres';
import { type BenchTarget, startClusterTarget, startDevTarget, type WorkerSettings } from './servers';
import {
  BENCH_WORKER_ENV,
  buildWorkflowBundle,
  spawnTs,
  startWasabiSandboxProcess,
  type TsChild,
} from './stack';
import { DEV_STACK_STORAGE } from './storage';
import {
  bestConcurrency,
  type BenchSummary,
  formatReport,
  type RunMeta,
  summarize,
  throughputCurve,
} from './summary';
import {
  halfLoadConcurrency,
  runWebhookBlock,
  WEBHOOK_POLL_INTERVAL,
  type WebhookResult,
} from './webhook-block';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** One arm of a phase: the plain script, the poller, or cardflow or idiomatic Temporal on one server. */
interface BenchArm {
  arm: Arm;
  /** The row's server: a dev server storage, `cluster`, or `-` for the arms without Temporal. */
  storage: string;
  indexKey: string;
  pids: Record<string, number>;
  run: (index: number) => Promise<LifecycleOutcome>;
  histories?: CardflowArm['histories'];
}

function versions(): Record<string, string> {
  const root = projectRoot();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    cardflow: { temporalCli: string; temporalTestServer: string };
  };
  const sdk = JSON.parse(
    readFileSync(join(root, 'node_modules', '@temporalio', 'worker', 'package.json'), 'utf8'),
  ) as { version: string };
  return {
    cardflow: pkg.version,
    temporalSdk: sdk.version,
    temporalCli: pkg.cardflow.temporalCli,
    temporalTestServer: pkg.cardflow.temporalTestServer,
  };
}

function meta(
  argv: readonly string[],
  plan: BenchPlan,
  settings: LifecycleSettings,
  load: number[],
  pollerPostgres: string | null,
): RunMeta {
  return {
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage: load,
    },
    versions: versions(),
    settings: {
      lifecycle:
        'WasabiCard: cardholder KYC → virtual card issuance → deposit → closure (4 workflows / the same activity calls)',
      ...settings,
      concurrency: plan.concurrency,
      repetitions: plan.repetitions,
      minLifecyclesPerBlock: plan.minLifecycles,
      arms: plan.arms,
      storages: plan.storages,
      servers: plan.servers,
      ...(plan.arms.includes('poller')
        ? {
            poller: {
              loops: plan.pollerLoops,
              batchSize: plan.pollerBatch,
              postgres: `${pollerPostgres ?? 'PostgreSQL'}, a server of its own started by the cluster launcher's code`,
            },
          }
        : {}),
      kycPollInterval: plan.kycPollInterval,
      ...(plan.webhook && plan.arms.includes('cardflow')
        ? {
            webhook: {
              pollInterval: WEBHOOK_POLL_INTERVAL,
              concurrency:
                'where cardflow reaches half its peak lifecycles/s on each server (interpolated between the swept concurrencies)',
            },
          }
        : {}),
      workerEnv: { ...BENCH_WORKER_ENV, ...plan.workerEnv },
    },
  };
}

async function requestCount(sandboxUrl: string): Promise<number> {
  const response = await fetch(`${sandboxUrl}/_sandbox/requests`);
  const body = (await response.json()) as unknown[] | { data?: unknown[] };
  return Array.isArray(body) ? body.length : (body.data?.length ?? 0);
}

async function historyGrowth(bundlePath: string, pollInterval: string): Promise<HistoryGrowthResult> {
  const child = spawnTs('tools/bench/child.ts', ['history-growth', bundlePath, pollInterval], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TEMPORAL_TEST_SERVER_PATH
      ? { TEMPORAL_TEST_SERVER_PATH: process.env.TEMPORAL_TEST_SERVER_PATH }
      : {}),
  });
  const code = await child.exited;
  const line = [...child.output].reverse().find((l) => l.startsWith('{'));
  if (code !== 0 || !line)
    throw new Error(`history growth failed:\n  ${child.output.slice(-15).join('\n  ')}`);
  return JSON.parse(line) as HistoryGrowthResult;
}

export async function runBench(argv: readonly string[]): Promise<BenchSummary> {
  const plan = parseBenchArgs(argv);
  const load = loadavg();
  const began = Date.now();
  const settings: LifecycleSettings = {
    ...DEFAULT_LIFECYCLE,
    pollInterval: plan.pollInterval,
    pollIntervalMs: durationToMs(plan.pollInterval),
    timeScale: plan.timeScale,
  };
  const runId = began.toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-bench-'));
  const children: Array<TsChild | BenchTarget> = [];
  const stopAll = async () => {
    for (const child of children.splice(0).reverse()) await child.stop(5000).catch(() => undefined);
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const secrets = new MemorySecretStore();
  const blocks: BlockResult[] = [];
  const webhooks: WebhookResult[] = [];
  const notes: string[] = [];
  let growth: HistoryGrowthResult | null = null;
  let pollerPostgres: PollerPostgres | undefined;
  let poller: PollerArm | undefined;
  const selected = (arm: Arm) => plan.arms.includes(arm);

  try {
    log(`building the workflow bundle (${dir})`);
    const bundlePath = join(dir, 'workflow-bundle.js');
    await buildWorkflowBundle(bundlePath);
    const sandbox = await startWasabiSandboxProcess({
      dataDir: join(dir, 'sandbox'),
      timeScale: settings.timeScale,
    });
    children.push(sandbox);
    log(`WasabiCard sandbox ${sandbox.url} (pid ${sandbox.pid}, time scale ${settings.timeScale})`);
    if (selected('poller')) {
      // PostgreSQL runs as the postgres user when we are root: it must reach its folder in ours.
      chmodSync(dir, 0o755);
      pollerPostgres = await startPollerPostgres(join(dir, 'poller-postgres'));
      log(
        `poller: ${pollerPostgres.version} pid ${pollerPostgres.pid}, ${plan.pollerLoops} loops × ${plan.pollerBatch} rows`,
      );
      poller = await createPollerArm({
        runId,
        settings,
        sandbox,
        documents: new FileDocumentStore(
          join(dir, 'documents'),
          loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: join(dir, 'data') }, devKeys: 'generate' }).keyring,
        ),
        secrets,
        postgres: pollerPostgres,
        tuning: { loops: plan.pollerLoops, batchSize: plan.pollerBatch },
        onError: (error) => log(`poller loop error: ${(error as Error).message}`),
      });
    }
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    // The dev keyring, created here before any worker reads it.
    const { keyring } = loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dataDir }, devKeys: 'generate' });
    const plain = createPlainArm({
      runId,
      settings,
      sandbox,
      documents: new FileDocumentStore(join(dir, 'documents'), keyring),
      secrets,
    });
    const indexes: Record<string, number> = {};
    const nextIndexes = (key: string, n: number) => {
      const first = indexes[key] ?? 0;
      indexes[key] = first + n;
      return first;
    };
    const providerRequests = () => requestCount(sandbox.url);

    const workerSettings: WorkerSettings = {
      dataDir,
      bundlePath,
      sandbox,
      clientTimeout: settings.clientTimeout,
      extraEnv: plan.workerEnv,
    };
    // Without the cluster each dev server storage is a phase of its own (one server at a time);
    // with it, every named server runs at once and their blocks interleave in one phase.
    const phases: Array<Array<() => Promise<BenchTarget>>> = [];
    const devTargets = plan.storages.map((storage) => () => startDevTarget(storage, dir, workerSettings));
    if (!selected('cardflow') && !selected('idiomatic')) phases.push([]);
    else if (plan.servers.includes('cluster'))
      phases.push([...devTargets, () => startClusterTarget(dir, workerSettings, log)]);
    else phases.push(...devTargets.map((start) => [start]));

    for (const phase of phases) {
      const targets: BenchTarget[] = [];
      for (const start of phase) {
        const target = await start();
        children.push(target);
        targets.push(target);
        log(target.description);
      }
      const arms: BenchArm[] = [];
      if (selected('plain'))
        arms.push({
          arm: 'plain',
          storage: '-',
          indexKey: 'plain',
          pids: { sandbox: sandbox.pid },
          run: plain.run,
        });
      if (poller && pollerPostgres)
        arms.push({
          arm: 'poller',
          storage: '-',
          indexKey: 'poller',
          // The loops run in this process (`driver`); PostgreSQL with its backends.
          pids: { sandbox: sandbox.pid, postgres: pollerPostgres.pid },
          run: poller.run,
        });
      const cardflows: CardflowArm[] = [];
      const idiomatics: IdiomaticArm[] = [];
      for (const target of targets) {
        if (selected('cardflow')) {
          const cardflow = await createCardflowArm({
            runId,
            tag: target.label,
            settings,
            address: target.address,
            keyring,
          });
          cardflows.push(cardflow);
          arms.push({
            arm: 'cardflow',
            storage: target.label,
            // Lifecycle numbers name provider orders and workflow ids: the plain arm's never repeat
            // in a run; the cardflow arm's are per server (its tag holds the label).
            indexKey: `cardflow-${target.label}`,
            pids: { sandbox: sandbox.pid, ...target.pids },
            run: cardflow.run,
            histories: cardflow.histories,
          });
        }
        if (selected('idiomatic')) {
          const idiomatic = await createIdiomaticArm({
            runId,
            tag: target.label,
            settings,
            address: target.address,
            keyring,
            dataDir,
            sandbox,
          });
          idiomatics.push(idiomatic);
          log(`idiomatic worker pid ${idiomatic.workerPid} on ${target.label}`);
          // The same server processes as cardflow's row, its own worker in place of cardflow's.
          const { worker: _cardflowWorker, ...serverPids } = target.pids;
          arms.push({
            arm: 'idiomatic',
            storage: target.label,
            indexKey: `idiomatic-${target.label}`,
            pids: { sandbox: sandbox.pid, ...serverPids, worker: idiomatic.workerPid },
            run: idiomatic.run,
            histories: idiomatic.histories,
          });
        }
      }
      // Warm-up (not measured): connections, JIT, the worker's workflow sandbox.
      for (const arm of arms) {
        const first = nextIndexes(arm.indexKey, 4);
        await Promise.all([0, 1, 2, 3].map((i) => arm.run(first + i)));
      }
      for (let repetition = 1; repetition <= plan.repetitions; repetition++) {
        for (const concurrency of plan.concurrency) {
          // Interleaved, the order reversed every other repetition (ABBA), so drift in the
          // machine's load falls on every arm alike.
          const order = repetition % 2 === 1 ? arms : [...arms].reverse();
          for (const arm of order) {
            const lifecycles = lifecyclesPerBlock(plan, concurrency);
            const block = await runBlock({
              arm: arm.arm,
              storage: arm.storage,
              concurrency,
              repetition,
              lifecycles,
              pids: arm.pids,
              run: arm.run,
              firstIndex: nextIndexes(arm.indexKey, lifecycles),
              providerRequests,
              ...(arm.histories ? { histories: arm.histories } : {}),
            });
            blocks.push(block);
            log(
              `${arm.storage} rep ${repetition} c=${concurrency} ${arm.arm.padEnd(9)} ${block.lifecycles} lc ` +
                `${block.throughput.toFixed(2)}/s p50 ${block.latencyP50Ms.toFixed(0)} ms ` +
                `p99 ${block.latencyP99Ms.toFixed(0)} ms cpu ${block.cpuPerLifecycle.toFixed(3)} s/lc ` +
                `(${Object.entries(block.cpuPerLifecycleByProcess)
                  .map(([name, s]) => `${name} ${s.toFixed(3)}`)
                  .join(
                    ', ',
                  )}) rss ${block.peakRssMB.toFixed(0)} MB calls ${block.providerCallsPerLifecycle.toFixed(1)}` +
                (block.historyEventsPerLifecycle
                  ? ` events ${block.historyEventsPerLifecycle.toFixed(1)}`
                  : '') +
                (block.failures ? ` FAILURES ${block.failures}: ${block.firstFailure}` : ''),
            );
          }
        }
      }
      // Webhook-to-flow latency on each server, at half cardflow's saturating load there.
      if (plan.webhook && selected('cardflow'))
        for (const target of targets) {
          const best = bestConcurrency(blocks, 'cardflow', target.label);
          if (best === null) continue;
          const concurrency = halfLoadConcurrency(throughputCurve(blocks, 'cardflow', target.label));
          const lifecycles = Math.max(plan.minLifecycles, 2 * concurrency);
          log(
            `${target.label} webhook-to-flow: ${lifecycles} lifecycles at c=${concurrency} (best ${best}), polls every ${WEBHOOK_POLL_INTERVAL}`,
          );
          let result: WebhookResult;
          try {
            result = await runWebhookBlock({
              target,
              runId,
              settings,
              keyring,
              dataDir,
              sandbox,
              concurrency,
              lifecycles,
              firstIndex: nextIndexes(`webhook-${target.label}`, lifecycles + 2),
              providerRequests,
              log,
            });
          } catch (error) {
            // The sweep's figures stand without it: say what failed and go on.
            const message = `FAILED webhook-to-flow block on ${target.label}: ${describeError(error)}`;
            log(message);
            notes.push(message);
            continue;
          }
          webhooks.push(result);
          log(
            `${target.label} webhook-to-flow: ${result.measured} of ${result.notifications} notifications ` +
              `p50 ${result.p50Ms.toFixed(0)} ms p99 ${result.p99Ms.toFixed(0)} ms max ${result.maxMs.toFixed(0)} ms ` +
              `(in the API p99 ${result.routingP99Ms.toFixed(0)} ms) ` +
              `(not signalled ${result.notSignalled}, no state change ${result.noStateChange}) ` +
              `cpu ${result.block.cpuPerLifecycle.toFixed(3)} s/lc` +
              (result.failures ? ` FAILURES ${result.failures}: ${result.firstFailure}` : ''),
          );
        }
      for (const cardflow of cardflows) await cardflow.close();
      for (const idiomatic of idiomatics) await idiomatic.close();
      for (const target of targets.reverse()) {
        await target.stop();
        children.splice(children.indexOf(target), 1);
      }
    }

    if (plan.historyGrowth) {
      log(
        `KYC history: 1 minute vs 7 days on the time-skipping server (polled every ${plan.kycPollInterval})`,
      );
      growth = await historyGrowth(bundlePath, plan.kycPollInterval);
    }
  } finally {
    await poller?.close().catch(() => undefined);
    await pollerPostgres?.stop().catch(() => undefined);
    await stopAll();
    await secrets.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(dir, { recursive: true, force: true });
  }

  const runMeta = meta(argv, plan, settings, load, pollerPostgres?.version ?? null);
  runMeta.durationSeconds = Math.round((Date.now() - began) / 1000);
  if (notes.length > 0) runMeta.notes = notes;
  return summarize(blocks, runMeta, {
    defaultStorage: DEV_STACK_STORAGE,
    historyGrowth: growth,
    webhook: webhooks,
  });
}

async function main(argv: string[]): Promise<number> {
  let plan: BenchPlan;
  try {
    plan = parseBenchArgs(argv);
  } catch (error) {
    if (error instanceof BenchUsageError) {
      process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (plan.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const summary = await runBench(argv);
  process.stdout.write(`${formatReport(summary)}\n`);
  if (plan.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  const failedBlock = (summary.notes ?? []).some((note) => note.startsWith('FAILED'));
  return summary.failures > 0 || failedBlock ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
