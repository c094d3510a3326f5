// `cardflow deploy ...`: rolling out a new build of the workflow code with Worker Versioning
// (docs/deployment.md#worker-versioning). The deployment name is CARDFLOW_DEPLOYMENT_NAME (as for
// the workers) unless --deployment says otherwise; the connection is TEMPORAL_* as everywhere.
// No payload is read or written, so no codec key is needed.
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { connectClient, temporalTarget } from '../config/temporal-connection';
import { buildIdSchema, deploymentNameSchema, DEFAULT_DEPLOYMENT_NAME } from '../config/worker-deployment';
import { type CliCommand, type CliIO, UsageError } from './command';
import {
  type DeploymentTarget,
  DeployError,
  describeDeployment,
  drainStatus,
  setCurrentVersion,
  setRampingVersion,
} from './deploy-operations';

const USAGE = [
  'cardflow deploy describe [--deployment NAME] [--json]',
  'cardflow deploy set-current <buildId> [--deployment NAME]',
  'cardflow deploy ramp <buildId> <percent> [--deployment NAME]   (percent 0-100; ramp --clear stops it)',
  'cardflow deploy drain-status <buildId> [--deployment NAME] [--json]   (exit 0 drained, 3 not yet)',
].join('\n       ');

/** Exit code of drain-status while pinned flows still run on the build (scripts loop on it). */
export const NOT_DRAINED_EXIT = 3;

/** A Temporal client and the connection to close when the command is done. */
export type ConnectTemporal = (
  env: NodeJS.ProcessEnv,
) => Promise<{ client: Client; namespace: string; close(): Promise<void> }>;

interface Parsed {
  positionals: string[];
  deployment: string;
  json: boolean;
  clear: boolean;
}

function parse(args: string[], env: NodeJS.ProcessEnv): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        deployment: { type: 'string' },
        json: { type: 'boolean' },
        clear: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const deployment = parsed.values.deployment ?? (env.CARDFLOW_DEPLOYMENT_NAME || DEFAULT_DEPLOYMENT_NAME);
  const checked = deploymentNameSchema.safeParse(deployment);
  if (!checked.success)
    throw new UsageError(
      `deployment name ${JSON.stringify(deployment)}: ${checked.error.issues[0]?.message}`,
    );
  return {
    positionals: parsed.positionals,
    deployment,
    json: parsed.values.json ?? false,
    clear: parsed.values.clear ?? false,
  };
}

function buildIdOf(value: string | undefined): string {
  if (value === undefined) throw new UsageError('a build id is required');
  const checked = buildIdSchema.safeParse(value);
  if (!checked.success)
    throw new UsageError(`build id ${JSON.stringify(value)}: ${checked.error.issues[0]?.message}`);
  return value;
}

function percentOf(value: string | undefined): number {
  if (value === undefined) throw new UsageError('a percentage is required');
  // The server keeps the ramp as a float; two decimals are as fine as an operator needs.
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(value) || Number(value) > 100)
    throw new UsageError(`percent ${JSON.stringify(value)}: expected a number from 0 to 100`);
  return Number(value);
}

function noMore(rest: string[]): void {
  if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`);
}

type Run = (parsed: Parsed, target: () => Promise<DeploymentTarget>, io: CliIO) => Promise<number>;

const subcommands: Record<string, Run> = {
  async describe({ positionals, json }, target, io) {
    noMore(positionals);
    const d = await describeDeployment(await target());
    if (json) {
      io.out(JSON.stringify(d, null, 2));
      return 0;
    }
    io.out(`deployment ${d.deploymentName} (namespace ${d.namespace})`);
    io.out(`current: ${d.current ?? '(none: new flows go to unversioned workers)'}`);
    io.out(`ramping: ${d.ramping ? `${d.ramping.buildId} at ${d.ramping.percentage}%` : '(none)'}`);
    for (const v of d.versions)
      io.out(
        `  ${v.buildId}\t${v.status}${v.drainage ? `\tdrainage ${v.drainage}` : ''}\tcreated ${v.createdAt ?? '-'}`,
      );
    return 0;
  },
  async 'set-current'({ positionals }, target, io) {
    const [raw, ...rest] = positionals;
    const buildId = buildIdOf(raw);
    noMore(rest);
    const t = await target();
    await setCurrentVersion(t, buildId);
    io.out(`${t.deploymentName}: ${buildId} is current; pinned flows stay on the build they started on`);
    return 0;
  },
  async ramp({ positionals, clear }, target, io) {
    if (clear) {
      noMore(positionals);
      const t = await target();
      await setRampingVersion(t, undefined);
      io.out(`${t.deploymentName}: no version ramping`);
      return 0;
    }
    const [rawBuild, rawPercent, ...rest] = positionals;
    const buildId = buildIdOf(rawBuild);
    const percentage = percentOf(rawPercent);
    noMore(rest);
    const t = await target();
    await setRampingVersion(t, { buildId, percentage });
    io.out(`${t.deploymentName}: ${buildId} ramping at ${percentage}% of new and auto-upgrading flows`);
    return 0;
  },
  async 'drain-status'({ positionals, json }, target, io) {
    const [raw, ...rest] = positionals;
    const buildId = buildIdOf(raw);
    noMore(rest);
    const s = await drainStatus(await target(), buildId);
    if (json) io.out(JSON.stringify(s, null, 2));
    else {
      io.out(`${s.deploymentName}:${s.buildId} ${s.status}`);
      io.out(
        `running pinned flows: ${s.runningPinned}${s.examples.length ? ` (${s.examples.join(', ')})` : ''}`,
      );
      if (s.serverDrainage)
        io.out(`server drainage check: ${s.serverDrainage.status} at ${s.serverDrainage.checkedAt ?? '-'}`);
      if (s.settling) io.out('stopped being current moments ago: ask again in a few seconds');
      io.out(
        s.drained
          ? 'drained: its workers may stop'
          : `not drained${s.status === 'CURRENT' || s.status === 'RAMPING' ? ` (still ${s.status})` : ''}`,
      );
    }
    return s.drained ? 0 : NOT_DRAINED_EXIT;
  },
};

const connectFromEnv: ConnectTemporal = async (env) => {
  const t = temporalTarget(env);
  const { client, connection } = await connectClient(t);
  return { client, namespace: t.namespace, close: () => connection.close() };
};

/** The deploy command over `connect` (the environment's Temporal connection by default). */
export const deployCommandWith = (
  connect: ConnectTemporal = connectFromEnv,
  env: NodeJS.ProcessEnv = process.env,
): CliCommand => ({
  summary: 'Worker Versioning: describe the deployment, set the current build, ramp, drain status',
  usage: USAGE,
  async run(args, io) {
    const [name, ...rest] = args;
    if (name === '--help' || name === '-h' || name === 'help') {
      io.out(`usage: ${USAGE}`);
      return 0;
    }
    const sub = name ? subcommands[name] : undefined;
    if (!sub) throw new UsageError(`unknown deploy command ${name ?? '(none)'}`);
    // Arguments are checked before connecting: a bad one is refused with nothing sent.
    const parsed = parse(rest, env);
    let connected: Awaited<ReturnType<ConnectTemporal>> | undefined;
    const target = async (): Promise<DeploymentTarget> => {
      connected ??= await connect(env);
      return { client: connected.client, namespace: connected.namespace, deploymentName: parsed.deployment };
    };
    try {
      return await sub(parsed, target, io);
    } catch (error) {
      if (!(error instanceof DeployError)) throw error;
      io.err(`cardflow deploy ${name}: ${error.message}`);
      return 1;
    } finally {
      await connected?.close();
    }
  },
});

export const deployCommand: CliCommand = deployCommandWith();
