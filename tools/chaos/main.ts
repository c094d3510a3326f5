// `npm run chaos [-- --lifecycles 200] [--concurrency 12] [--short] [--seed N] [--json] [--keep]
// [--server dev|cluster]`: complete card lifecycles through the API while workers are killed, the
// Temporal server suffers faults (the dev server restarts; on the cluster a history host is
// killed, PostgreSQL and the frontend restart), the sandboxes fail and the API is fuzzed; then the checks (docs/chaos.md). With --json, progress
// goes to stderr and the last stdout line is one JSON object. Exit 0 only when every check holds.
import { parseArgs } from 'node:util';
import { chaosReport } from './report';
import { runChaos } from './run';
import { CHAOS_SERVERS, type ChaosServer } from './temporal-target';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      lifecycles: { type: 'string' },
      concurrency: { type: 'string' },
      short: { type: 'boolean', default: false },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      server: { type: 'string', default: 'dev' },
    },
  });
  const server = values.server as ChaosServer;
  if (!CHAOS_SERVERS.includes(server)) {
    console.error(`chaos: --server must be dev or cluster, got ${values.server}`);
    return 2;
  }
  const short = values.short ?? false;
  const lifecycles = Number(values.lifecycles ?? (short ? 24 : 200));
  const concurrency = Number(values.concurrency ?? (short ? 8 : 12));
  const seed = Number(values.seed ?? Math.floor(Math.random() * 1_000_000));
  for (const [name, value] of [
    ['--lifecycles', lifecycles],
    ['--concurrency', concurrency],
    ['--seed', seed],
  ] as const)
    if (!Number.isInteger(value) || value < 0 || (name !== '--seed' && value < 1)) {
      console.error(`chaos: ${name} must be a positive integer`);
      return 2;
    }
  const print = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  const started = new Date().toISOString();
  const summary = await runChaos({
    lifecycles,
    concurrency,
    seed,
    short,
    server,
    keep: values.keep,
    progress: (line) =>
      print(`[${((Date.now() - Date.parse(started)) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  });
  for (const line of chaosReport(summary)) print(line);
  if (values.json) {
    const { checks, fuzz, webhooks, faults, flowFailures: _all, ...counts } = summary;
    process.stdout.write(
      `${JSON.stringify({
        ...counts,
        startedAt: started,
        workerRestarts: faults.workerRestarts,
        workerUnexpectedExits: faults.workerUnexpectedExits,
        serverCrashes: faults.serverCrashes,
        webhooksDropped: faults.webhooksDropped,
        webhooksDuplicated: faults.webhooksDuplicated,
        forgedWebhooks: webhooks.forged.forged,
        replayedWebhooks: webhooks.replayed.replayed,
        fuzzCallerMistakes: fuzz.callerMistakes,
        fuzz5xxValidShaped: fuzz.serverErrorsValidShaped,
        fuzzStatuses: fuzz.statuses,
        workflows: checks.workflows,
        workflowTaskFailuresBenign: checks.workflowTaskFailuresBenign,
        ledgersBalanced: checks.ledgersBalanced,
        problems: [...checks.problems, ...summary.driverErrors].slice(0, 20),
        flowFailures: summary.flowFailures.slice(0, 20),
      })}\n`,
    );
  }
  return summary.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
