// `cardflow cluster` (npm run cluster): the engine on a real multi-process Temporal cluster on
// PostgreSQL until Ctrl-C, then every part stopped, the last started first.
// `cardflow cluster --ui`: the Web UI as well. `cardflow cluster install` (npm run
// temporal-server:install): only builds or finds the pinned server, sql tool and UI server (CI
// runs it before the cluster suite).
import type { CliCommand, CliIO } from '../../../src/cli/command';
import { stopInOrder, stopRequested } from '../../../src/cli/support';
import { ConfigError } from '../../../src/config/env';
import { TemporalBinaryNotFoundError } from '../../../src/runtime/temporal-binaries';
import { redactText } from '../../../src/logging/redaction';
import { describeStack } from '../command';
import { PortInUseError } from '../ports';
import { ClusterPrerequisiteError, ensureTemporalServer } from './server-binaries';
import { type ClusterStack, startClusterStack } from './stack';
import { ensureUiServer } from './ui-server';

export function describeCluster(stack: ClusterStack): string[] {
  const { cluster } = stack;
  const lines = describeStack(stack.engine).map((line) =>
    line === 'cardflow dev stack is ready' ? 'cardflow cluster is ready' : line,
  );
  const at = lines.indexOf('');
  lines.splice(
    at + 1,
    0,
    `  Temporal ${stack.install.version} processes (logs in ${stack.engine.dataDir}/logs/cluster):`,
    ...cluster.services.map((s) => `    ${s.id.padEnd(10)} pid ${String(s.pid).padEnd(8)} ${s.address}`),
    `    postgres   pid ${String(cluster.postgres.pid).padEnd(8)} ${cluster.postgres.address}  (data ${stack.engine.dataDir}/cluster/postgres)`,
    stack.ui
      ? `  Web UI           ${stack.ui.url}  (temporal ui-server, pid ${stack.ui.pid})`
      : `  Web UI           not started (cardflow cluster --ui builds or reuses the pinned UI server)`,
    '',
  );
  lines.push(
    `times  ${Object.entries(stack.timings)
      .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
  return lines;
}

const knownFailure = (error: unknown) =>
  error instanceof PortInUseError ||
  error instanceof ConfigError ||
  error instanceof ClusterPrerequisiteError ||
  error instanceof TemporalBinaryNotFoundError;

export async function runCluster(
  io: CliIO,
  until?: Promise<void>,
  options: { ui?: boolean } = {},
): Promise<number> {
  let stack: ClusterStack;
  // Ctrl-C during the start stops what started so far.
  let interrupted = false;
  const early = () => {
    interrupted = true;
    io.out('interrupted: stopping what started...');
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  try {
    stack = await startClusterStack({ onProgress: (line) => io.out(`  ${line}`), ui: options.ui ?? false });
  } catch (error) {
    if (knownFailure(error)) {
      io.err(`cardflow cluster: ${(error as Error).message}`);
      return 2;
    }
    io.err(`cardflow cluster: ${error instanceof Error ? redactText(error.message) : 'start failed'}`);
    return 1;
  } finally {
    process.off('SIGINT', early);
    process.off('SIGTERM', early);
  }
  if (!interrupted) {
    for (const line of describeCluster(stack)) io.out(line);
    await stopRequested(until);
  }
  await stopInOrder(() => stack.stop(), io);
  return 0;
}

export const clusterCommand: CliCommand = {
  summary: 'the engine on a real Temporal cluster (separate processes) on PostgreSQL, on this machine',
  usage: 'cardflow cluster [--ui] | cardflow cluster install',
  async run(args, io) {
    if (args[0] === 'install' && args.length === 1) {
      try {
        const install = await ensureTemporalServer({ onProgress: (line) => io.out(line) });
        io.out(`temporal server ${install.version}: ${install.server}`);
        io.out(`temporal sql tool: ${install.sqlTool}`);
        io.out(`schema: ${install.schemaDir}`);
        const ui = await ensureUiServer({ onProgress: (line) => io.out(line) });
        io.out(`temporal ui server ${ui.version}: ${ui.server}`);
        return 0;
      } catch (error) {
        io.err(`cardflow cluster install: ${(error as Error).message}`);
        return knownFailure(error) ? 2 : 1;
      }
    }
    const unexpected = args.find((arg) => arg !== '--ui');
    if (unexpected !== undefined) {
      io.err(`cardflow cluster: unexpected argument ${unexpected}\nusage: ${clusterCommand.usage}`);
      return 2;
    }
    return runCluster(io, undefined, { ui: args.includes('--ui') });
  },
};
