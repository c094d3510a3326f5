// The chaos run for a person: what was done to the engine, what it came out with, and every
// problem found. The JSON line (main.ts) carries the same counts.
import type { ChaosSummary } from './run';

const yes = (v: boolean) => (v ? 'yes' : 'NO');

export function chaosReport(s: ChaosSummary): string[] {
  const f = s.faults;
  const lines = [
    '',
    `chaos run on the ${s.server === 'cluster' ? 'cluster (PostgreSQL, 5 Temporal processes)' : 'dev server'}, seed ${s.seed}: ${(s.ms / 1000).toFixed(0)} s`,
    '',
    'faults injected',
    `  workers SIGKILLed and restarted   ${f.workersKilled} (restarts ${f.workerRestarts}, exits on their own ${f.workerUnexpectedExits})`,
    s.server === 'cluster'
      ? `  cluster faults                    ${f.serverRestarts} (history host SIGKILLs ${f.serverCrashes}; PostgreSQL and frontend restarts take turns with them)`
      : `  dev server restarts               ${f.serverRestarts} (of which SIGKILL ${f.serverCrashes})`,
    `  provider 5xx answers              ${f.injected5xx}`,
    `  applied but unanswered calls      ${f.appliedUnanswered}`,
    `  webhooks dropped / duplicated     ${f.webhooksDropped} / ${f.webhooksDuplicated} (and every one late)`,
    `  API fuzz requests                 ${s.fuzz.requests} over ${s.fuzz.endpoints} of ${s.fuzz.openapiEndpoints} endpoints (${s.fuzz.callerMistakes} caller mistakes, ${s.fuzz.skippedValid} valid POSTs not sent)`,
    `  forged / replayed webhooks        ${s.webhooks.forged.forged} / ${s.webhooks.replayed.replayed}`,
    '',
    'lifecycles',
    `  run / terminal / completed        ${s.lifecycles} / ${s.terminal} / ${s.completed}`,
    `  duration p50 / p95 / max          ${(s.lifecycleMs.p50 / 1000).toFixed(1)} / ${(s.lifecycleMs.p95 / 1000).toFixed(1)} / ${(s.lifecycleMs.max / 1000).toFixed(1)} s`,
    ...Object.entries(s.endings)
      .sort()
      .map(([ending, n]) => `  ${ending.padEnd(34)}${n}`),
    `  API calls retried (engine down)   ${s.apiRetries}`,
    '',
    'checks',
    `  workflows (all ended)             ${s.checks.workflows} (${Object.entries(s.checks.statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    `  stuck (still running)             ${s.stuck}`,
    `  workflow task failures            ${s.workflowTaskFailures} (benign ${s.checks.workflowTaskFailuresBenign}: UNHANDLED_COMMAND; task timeouts after kills ${s.checks.workflowTaskTimeouts}; activity timeouts ${s.checks.activityTimeouts})`,
    `  duplicate provider effects        ${s.duplicates}`,
    `  ledger mismatches                 ${s.ledgerMismatches} (books balanced: ${yes(s.checks.ledgersBalanced)})`,
    `  5xx for caller mistakes           ${s.fuzz5xxForCallerMistakes} (5xx on valid-shaped reads during faults: ${s.fuzz.serverErrorsValidShaped})`,
    `  API 5xx but 503 / 503 without Retry-After / 404 for a started flow: ${s.apiWrongAnswers.length}`,
    `  forged webhooks accepted          ${s.forgedAccepted}`,
    `  replayed webhooks processed again ${s.replaysAccepted}`,
    `  canary leaks                      ${s.leaks} (${s.checks.scanned.histories} histories, ${(s.checks.scanned.historyBytes / 1e6).toFixed(1)} MB; ${s.checks.scanned.logFiles} logs, ${(s.checks.scanned.logBytes / 1e6).toFixed(1)} MB; ${s.checks.scanned.databaseFiles} database files (${s.checks.scanned.databaseTables.join(', ')}), ${(s.checks.scanned.databaseBytes / 1e6).toFixed(1)} MB; ${s.checks.scanned.auditRecords} audit records; control found: ${yes(s.checks.canaryControl)})`,
    '',
    'acceptable ends: completed = the card closed, its deposit SETTLED or FAILED by the provider.',
    'A typed failure (ProviderUnavailable, SecretHandleInvalid, ...) fails the run: every fault',
    'injected here is one the engine must ride through. It is listed below with its message, and',
    'its money must reconcile like any other. A driver that gave up or a flow still running fails',
    'the run too.',
  ];
  if (s.flowFailures.length)
    lines.push('', 'flows that ended in a typed failure', ...s.flowFailures.map((f) => `  - ${f}`));
  const problems = [
    ...s.checks.problems,
    ...s.driverErrors,
    ...s.fuzz.examples,
    ...s.webhooks.forged.examples,
    ...s.webhooks.replayed.examples,
    ...s.faults.faultErrors,
    ...s.apiWrongAnswers.map((a) => `API answered ${a}`),
    ...(s.server === 'cluster' && s.serverRestarts < s.serverFaultKinds
      ? [
          `only ${s.serverRestarts} of the cluster's ${s.serverFaultKinds} faults happened before the lifecycles ended`,
        ]
      : []),
  ];
  if (problems.length) lines.push('', 'problems', ...problems.map((p) => `  - ${p}`));
  lines.push('', s.ok ? 'chaos: PASSED' : 'chaos: FAILED');
  return lines;
}
