// `cardflow replay`: the pre-deploy gate. Lists executions of a live namespace (running and
// closed, filtered by type, age or a visibility query), downloads their histories and replays them
// against the workflow code about to be deployed, decoding payloads with the worker's codec keys.
// Exit 0: every history replayed; 1: at least one did not (nondeterminism: the workflow, its type
// and the first diverging event are printed); 2: a bad flag, bad settings or no server.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isGrpcServiceError } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { bundleWorkflowCode, Runtime } from '@temporalio/worker';
import { durationToMs } from '../contract/common';
import { connectClient, temporalTarget } from '../config/temporal-connection';
import { ConfigError } from '../config/env';
import { loadCodecKeyring } from '../security/codec-keys';
import { createDataConverter } from '../security/data-converter';
import { installReplayRuntime, type LiveReplayFilter, replayLiveExecutions } from '../runtime/live-replay';
import { productBundleOptions } from '../runtime/workflow-bundle';
import { type CliCommand, type CliIO, UsageError } from './command';

const USAGE =
  "cardflow replay [--type WORKFLOW_TYPE] [--since DURATION] [--query '<visibility query>'] [--limit N] [--bundle FILE]";

const DEFAULT_LIMIT = 1000;

interface ReplayArgs {
  filter: LiveReplayFilter;
  limit: number;
  bundlePath?: string;
}

function readArgs(args: string[], now: Date): ReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        type: { type: 'string' },
        since: { type: 'string' },
        query: { type: 'string' },
        limit: { type: 'string' },
        bundle: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const filter: LiveReplayFilter = {};
  if (values.type) filter.workflowType = values.type;
  if (values.query) filter.query = values.query;
  if (values.since !== undefined) {
    const ms = durationToMs(values.since);
    if (!(ms > 0)) throw new UsageError(`--since ${values.since}: expected a duration such as 30m, 6h or 7d`);
    filter.startedAfter = new Date(now.getTime() - ms);
  }
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit ${values.limit}: expected a whole number > 0`);
  return { filter, limit, ...(values.bundle ? { bundlePath: values.bundle } : {}) };
}

/** The code to check: a pre-built bundle (`npm run build`), or the product workflows bundled now. */
async function loadBundle(path: string | undefined): Promise<{ code: string }> {
  if (path) {
    try {
      return { code: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new UsageError(`--bundle ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  }
  const silent = () => undefined;
  const logger = { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent };
  return bundleWorkflowCode(productBundleOptions({ logger }));
}

/** A server that cannot be reached, or refuses the query: the gate did not run (exit 2). */
function cannotRun(failure: unknown): string | undefined {
  // The client wraps the gRPC error (`Failed to list workflows`, the call's error as its cause).
  let error = failure;
  while (error instanceof Error && !isGrpcServiceError(error) && error.cause) error = error.cause;
  if (!isGrpcServiceError(error)) return undefined;
  if (error.code === grpcStatus.UNAVAILABLE || error.code === grpcStatus.DEADLINE_EXCEEDED)
    return `cannot reach the Temporal server: ${error.details || error.message}`;
  if (error.code === grpcStatus.INVALID_ARGUMENT || error.code === grpcStatus.NOT_FOUND)
    return `the server refused the listing: ${error.details || error.message}`;
  return undefined;
}

async function replay(args: string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  const { filter, limit, bundlePath } = readArgs(args, new Date());
  let target;
  let dataConverter;
  try {
    target = temporalTarget(env);
    dataConverter = createDataConverter(loadCodecKeyring({ env }).keyring);
  } catch (error) {
    io.err(`cardflow replay: ${(error as Error).message}`);
    return 2;
  }
  let connected;
  try {
    connected = await connectClient(target, dataConverter);
  } catch (error) {
    io.err(
      `cardflow replay: cannot reach the Temporal server at ${target.address}: ${(error as Error).message}`,
    );
    return 2;
  }
  // Bundled after connecting: an unreachable server is reported without waiting for the bundler.
  let workflowBundle;
  try {
    workflowBundle = await loadBundle(bundlePath);
  } catch (error) {
    await connected.connection.close();
    throw error;
  }
  const ownRuntime = installReplayRuntime();
  let ok = 0;
  let limitReached = false;
  const failed: string[] = [];
  try {
    for await (const r of replayLiveExecutions({
      client: connected.client,
      workflowBundle,
      dataConverter,
      filter,
      limit,
      onLimitReached: () => {
        limitReached = true;
      },
    })) {
      const where = `${r.workflowId} (${r.workflowType}, ${r.status}, run ${r.runId})`;
      if (!r.error) {
        ok++;
        io.out(`ok      ${where}`);
        continue;
      }
      failed.push(r.workflowId);
      io.out(`FAILED  ${where}`);
      io.out(`        ${r.error.name}`);
      if (r.divergingEvent) io.out(`        first diverging event: ${r.divergingEvent}`);
      io.out(`        ${r.detail ?? r.error.message}`);
    }
  } catch (error) {
    const reason = cannotRun(error);
    if (!reason) throw error;
    io.err(`cardflow replay: ${reason}`);
    return 2;
  } finally {
    await connected.connection.close();
    if (ownRuntime) await Runtime.instance().shutdown();
  }
  const replayed = ok + failed.length;
  io.out(`replayed ${replayed}, ok ${ok}, failed ${failed.length}`);
  if (replayed === 0) io.out('no execution matched: nothing was checked');
  if (limitReached)
    io.out(
      `--limit ${limit} reached: older executions that match were not checked (raise --limit or narrow the filter)`,
    );
  if (failed.length)
    io.err(`cardflow replay: ${failed.length} execution(s) do not replay: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
}

/** The replay command reading its settings from `env` (tests pass their own). */
export const replayCommandFor = (env: NodeJS.ProcessEnv): CliCommand => ({
  summary:
    'replay live histories against this build’s workflow code (the pre-deploy gate; TEMPORAL_* and codec keys from the env)',
  usage: USAGE,
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(`usage: ${USAGE}`);
      return 0;
    }
    try {
      return await replay(args, io, env);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(`cardflow replay: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
});

export const replayCommand: CliCommand = replayCommandFor(process.env);
