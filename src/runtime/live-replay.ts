// Replays the histories of a live namespace's executions (running and closed) against a workflow
// bundle: the check an operator runs before deploying new workflow code (`cardflow replay`,
// docs/replay.md). One execution at a time, so a large namespace never sits in memory at once.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { TASK_QUEUE } from '../contract/common';

/** Which executions to replay; every part is optional and they combine with AND. */
export interface LiveReplayFilter {
  workflowType?: string;
  /** Only executions started after this instant. */
  startedAfter?: Date;
  /** A visibility query of the operator's own, e.g. `CardState="NEEDS_RECONCILIATION"`. */
  query?: string;
}

/**
 * The visibility query for a filter: cardflow's executions (its task queue; a namespace may hold
 * other applications' workflows, which this bundle cannot replay), narrowed by the filter.
 */
export function visibilityQuery(filter: LiveReplayFilter): string {
  const parts: string[] = [`TaskQueue = ${JSON.stringify(TASK_QUEUE)}`];
  if (filter.workflowType) parts.push(`WorkflowType = ${JSON.stringify(filter.workflowType)}`);
  if (filter.startedAfter) parts.push(`StartTime > ${JSON.stringify(filter.startedAfter.toISOString())}`);
  if (filter.query) parts.push(`(${filter.query})`);
  return parts.join(' AND ');
}

export interface LiveReplayResult {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** RUNNING, COMPLETED, FAILED, ... when the history was downloaded. */
  status: string;
  /** Absent when the history replayed cleanly. */
  error?: Error;
  /** The first history event the code disagreed with (`5 ActivityTaskScheduled`), when the SDK names it. */
  divergingEvent?: string;
  /** The core's own sentence about the divergence (`[TMPRL1100] Nondeterminism error: ...`). */
  detail?: string;
}

export interface LiveReplayOptions {
  client: Client;
  /** The workflow code to check: the candidate build's bundle, made by productBundleOptions. */
  workflowBundle: { code: string };
  /** The worker's data converter (with its codec), so encrypted payloads decode as in production. */
  dataConverter: DataConverter;
  filter: LiveReplayFilter;
  /** At most this many executions (newest first, as visibility lists them). */
  limit: number;
  /** Called when more executions matched than `limit`: the rest were not replayed. */
  onLimitReached?: () => void;
}

/** Replays each matching execution in turn, yielding one result per execution. */
export async function* replayLiveExecutions(options: LiveReplayOptions): AsyncGenerator<LiveReplayResult> {
  const { client } = options;
  const query = visibilityQuery(options.filter);
  // The histories are fetched lazily as the replay worker asks for them; `pending` keeps the
  // execution each one came from (the SDK replays them one at a time, in order).
  const pending: WorkflowExecutionInfo[] = [];
  async function* histories() {
    let taken = 0;
    for await (const execution of client.workflow.list({ query })) {
      if (taken++ >= options.limit) {
        options.onLimitReached?.();
        return;
      }
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      pending.push(execution);
      yield { workflowId: execution.workflowId, history };
    }
  }
  const replayOptions = { workflowBundle: options.workflowBundle, dataConverter: options.dataConverter };
  for await (const result of Worker.runReplayHistories(replayOptions, histories())) {
    const execution = pending.shift();
    if (!execution || execution.workflowId !== result.workflowId)
      throw new Error(`replay result for ${result.workflowId} does not match the execution sent`);
    yield {
      workflowId: execution.workflowId,
      runId: execution.runId,
      workflowType: execution.type,
      status: execution.status.name,
      ...(result.error ? { error: result.error, ...divergingEventOf(result.error) } : {}),
    };
  }
}

/** Core's determinism messages name the event as `HistoryEvent(id: 5, ActivityTaskScheduled)`. */
const HISTORY_EVENT = /HistoryEvent\(id: (\d+), (\w+)/;
/** ...and wrap their own sentence in a debug dump of the failure: `message: "[TMPRL1100] ..."`. */
const CORE_MESSAGE = /message: "(\[TMPRL\d+\][^"]*)"/;

function divergingEventOf(error: Error): { divergingEvent?: string; detail?: string } {
  const event = HISTORY_EVENT.exec(error.message);
  const detail = CORE_MESSAGE.exec(error.message);
  return {
    ...(event ? { divergingEvent: `${event[1]} ${event[2]}` } : {}),
    ...(detail ? { detail: detail[1] } : {}),
  };
}

/**
 * A replay worker logs every divergence it finds; the caller reports them itself, so the runtime
 * logs errors only. Returns false when the process already has a runtime (kept as it is).
 */
export function installReplayRuntime(): boolean {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    });
    return true;
  } catch {
    return false;
  }
}
