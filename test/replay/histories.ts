// The committed replay histories (test/replay/histories/<workflowType>/<scenario>[.run<N>].json,
// recorded by `npm run histories:record`) and the replay worker options of production.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type BundleOptions,
  type ReplayWorkerOptions,
} from '@temporalio/worker';
import { PRODUCT_WORKFLOWS_PATH, productBundleOptions } from '../../src/runtime/workflow-bundle';
import { testOnlyDataConverter } from '../helpers/test-data-converter';

export const HISTORIES_DIR = join(__dirname, 'histories');

export interface StoredHistory {
  /** `<workflowType>/<file name>`: the id replay results are reported under. */
  name: string;
  workflowType: string;
  history: unknown;
}

/** Every committed history, sorted by type then file. */
export function loadHistories(dir = HISTORIES_DIR): StoredHistory[] {
  let types: string[];
  try {
    types = readdirSync(dir).filter((t) => statSync(join(dir, t)).isDirectory());
  } catch {
    return [];
  }
  return types.sort().flatMap((workflowType) =>
    readdirSync(join(dir, workflowType))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => ({
        name: `${workflowType}/${file}`,
        workflowType,
        history: JSON.parse(readFileSync(join(dir, workflowType, file), 'utf8')) as unknown,
      })),
  );
}

/** The workflow types the product bundle exports (read from the workflows module itself). */
export function exportedWorkflowTypes(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const workflows = require(PRODUCT_WORKFLOWS_PATH) as Record<string, unknown>;
  return Object.entries(workflows)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

const quietBundler = new DefaultLogger('ERROR');

/**
 * Replay logs every determinism failure and every replayed workflow failure (native and TS side);
 * the tests assert on them instead, so only errors are printed.
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // already installed in this process
  }
}

/** Replay options as production runs: its bundle options (or a variant's) and data converter. */
export async function replayOptions(
  bundle: Partial<BundleOptions> = {},
  dataConverter: DataConverter = testOnlyDataConverter(),
): Promise<ReplayWorkerOptions> {
  const workflowBundle = await bundleWorkflowCode(productBundleOptions({ logger: quietBundler, ...bundle }));
  return { workflowBundle, dataConverter };
}

export interface ReplayOutcome {
  name: string;
  error?: Error;
}

/** Replays every history (all of them, whatever fails) and answers one outcome per history. */
export async function replayAll(
  options: ReplayWorkerOptions,
  histories: StoredHistory[],
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const input = histories.map((h) => ({ workflowId: h.name, history: h.history }));
  for await (const result of Worker.runReplayHistories(options, input)) {
    outcomes.push(
      result.error ? { name: result.workflowId, error: result.error } : { name: result.workflowId },
    );
  }
  return outcomes;
}
