// Records the replay-test histories: runs the scenario suite (test/replay/scenarios.ts) on a real
// dev server against both provider sandboxes, with the production workflow bundle and the data
// converter on the TEST-ONLY key on client and worker, and writes each finished workflow's raw
// history (payloads still encrypted) to test/replay/histories/<workflowType>/<scenario>.json
// (`<scenario>.run<N>.json` for each run of a workflow that continued as new).
//
//   npm run histories:record                      record every scenario that has no history yet
//   npm run histories:record -- kyc-kazepay       only scenarios whose name contains a filter
//   npm run histories:record -- --force name      re-record (overwrite) explicitly
//   npm run histories:record -- --as lean-history  record every scenario again beside the old
//                                                  files, as <scenario>.lean-history.json (after a
//                                                  patch: both paths stay replay-tested)
//   npm run histories:record -- --type cardDeposit   only scenarios of a workflow type (repeatable;
//                                                  combines with the name filters and --as)
//
// Existing histories are never overwritten without --force: histories recorded by older code are
// what proves that newer code can still replay the workflows in flight. See docs/replay.md.
import '../test/replay/quiet-runtime';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { productBundleOptions } from '../src/runtime/workflow-bundle';
import { LifecycleEnv } from '../test/helpers/lifecycle-env';
import { startDevServerEnv } from '../test/helpers/temporal-env';
import { testOnlyDataConverter } from '../test/helpers/test-data-converter';
import { RECORDING_SERVER_ARGS, SCENARIOS, type Recorded } from '../test/replay/scenarios';

/** Where histories go; CARDFLOW_HISTORIES_DIR points a trial recording elsewhere. */
export const HISTORIES_DIR =
  process.env.CARDFLOW_HISTORIES_DIR ?? join(__dirname, '..', 'test', 'replay', 'histories');

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

/** The runs of one workflow id, first to last, following continue-as-new from a run. */
async function runsOf(client: Client, workflowId: string, firstRunId?: string) {
  const histories = [];
  let runId = firstRunId ?? (await client.workflow.getHandle(workflowId).describe()).runId;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const last = history.events?.[history.events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) {
      if (!last || !isClosing(last)) throw new Error(`${workflowId} (${runId}) has not finished`);
      return histories;
    }
    runId = next;
  }
}

function isClosing(event: temporal.api.history.v1.IHistoryEvent): boolean {
  return Boolean(
    event.workflowExecutionCompletedEventAttributes ||
    event.workflowExecutionFailedEventAttributes ||
    event.workflowExecutionCanceledEventAttributes ||
    event.workflowExecutionTerminatedEventAttributes ||
    event.workflowExecutionTimedOutEventAttributes,
  );
}

/** The file name stem of a scenario's recording: `<scenario>` or, with `--as <tag>`, `<scenario>.<tag>`. */
const stem = (scenario: string, tag: string | undefined) => (tag ? `${scenario}.${tag}` : scenario);

const existing = (type: string, base: string) => {
  const dir = join(HISTORIES_DIR, type);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f === `${base}.json` || f.startsWith(`${base}.run`));
};

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  /** The values given to a flag that takes one (`--as <tag>`, `--type <workflowType>`). */
  const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  const asAt = args.indexOf('--as');
  const tag = asAt >= 0 ? args[asAt + 1] : undefined;
  if (asAt >= 0 && (!tag || !/^[a-z0-9-]+$/.test(tag)))
    throw new Error('--as needs a tag of lowercase letters, digits and dashes (e.g. --as lean-history)');
  const types = valuesOf('--type');
  const unknownTypes = types.filter((t) => !t || !SCENARIOS.some((s) => s.type === t));
  if (unknownTypes.length > 0)
    throw new Error(`--type needs a workflow type that has scenarios (got ${unknownTypes.join(', ')})`);
  const flagValue = (i: number) => i > 0 && (args[i - 1] === '--as' || args[i - 1] === '--type');
  const filters = args.filter((a, i) => !a.startsWith('--') && !flagValue(i));
  const chosen = SCENARIOS.filter(
    (s) =>
      (types.length === 0 || types.includes(s.type)) &&
      (filters.length === 0 || filters.some((f) => s.name.includes(f))),
  );
  const todo = chosen.filter((s) => {
    const found = existing(s.type, stem(s.name, tag));
    if (found.length && !force) {
      console.log(`skip ${s.type}/${s.name}: already recorded (${found.join(', ')}); --force re-records`);
      return false;
    }
    return true;
  });
  if (todo.length === 0) {
    console.log('nothing to record');
    return;
  }

  const started = Date.now();
  const dataConverter = testOnlyDataConverter();
  const [env, workflowBundle] = await Promise.all([
    startDevServerEnv(RECORDING_SERVER_ARGS, { dataConverter }),
    bundleWorkflowCode(productBundleOptions({ logger: quiet })),
  ]);
  let life: LifecycleEnv | undefined;
  let failed = 0;
  try {
    life = await LifecycleEnv.start(env, {
      dataConverter,
      workflowBundle,
      clientTimeoutMs: 1500,
      kazepay: { hangMs: 5000 },
    });
    for (const scenario of todo) {
      const t0 = Date.now();
      let recorded: Recorded;
      try {
        recorded = await scenario.run(life);
      } catch (error) {
        failed++;
        console.error(`FAILED ${scenario.type}/${scenario.name}:`, error);
        continue;
      }
      const histories = await runsOf(life.client, recorded.workflowId, recorded.firstRunId);
      const dir = join(HISTORIES_DIR, scenario.type);
      mkdirSync(dir, { recursive: true });
      const base = stem(scenario.name, tag);
      for (const name of existing(scenario.type, base)) {
        // Only reached with --force: the old files of this scenario make way for the new ones.
        console.log(`replacing ${scenario.type}/${name} (--force)`);
        rmSync(join(dir, name));
      }
      histories.forEach((history, i) => {
        const file = histories.length === 1 ? `${base}.json` : `${base}.run${i + 1}.json`;
        writeFileSync(join(dir, file), `${historyToJSON(history)}\n`);
      });
      console.log(
        `recorded ${scenario.type}/${base}: ${histories.length} run(s), ${histories.reduce((n, h) => n + (h.events?.length ?? 0), 0)} events, ${Date.now() - t0} ms`,
      );
    }
  } finally {
    await life?.close();
    await env.teardown();
  }
  console.log(`recording took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failed) {
    console.error(`${failed} scenario(s) failed`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
