// `npm run demo`: uses the running dev stack (or boots one for the run), plays every story
// through the public HTTP API with a live line per flow, then prints a summary table and checks
// that each sandbox's books balance. `--json`: progress goes to stderr and the last line on
// stdout is one JSON object.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WasabiClient } from '../../src/providers/wasabi/client';
import { wasabiClientOptions, wasabiEnvSchema } from '../../src/providers/wasabi/config';
import { parseEnv } from '../../src/config/env';
import { merchantPrivateKeyPath } from '../sandbox/common/merchant-key';
import { wasabiSandboxClientEnv } from '../sandbox/wasabi/cli';
import { loadDevStackSettings } from '../dev/settings';
import { type DevStack, startDevStack } from '../dev/stack';
import { EngineApi, SandboxControl } from './http';
import { nexusOnboarding } from './nexus-onboarding';
import {
  type DemoContext,
  type FlowLine,
  type FlowReport,
  kazepayPhysicalCard,
  rejectedKyc,
  wasabiVirtualCard,
} from './scenarios';

export interface DemoSummary {
  ok: boolean;
  /** `running` when the demo used a stack that was already up, `booted` when it started one. */
  stack: 'running' | 'booted';
  ms: number;
  flows: Array<
    Pick<FlowReport, 'workflowId' | 'type' | 'provider' | 'outcome' | 'ms' | 'namespace'> & FlowExtras
  >;
  ledgers: { kazepay: boolean; wasabi: boolean };
  errors: string[];
}

interface FlowExtras {
  label: string;
  expected: string;
  amounts?: string;
}

export interface DemoOptions {
  env?: NodeJS.ProcessEnv;
  json: boolean;
  /** Lines for the person watching (stdout normally, stderr with --json). */
  print: (line: string) => void;
  /** Redraws the live lines in place (a terminal); otherwise each change is a new line. */
  live: boolean;
  flowTimeoutMs?: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const env = options.env ?? process.env;
  const started = Date.now();
  const settings = loadDevStackSettings(env);
  const host = settings.CARDFLOW_DEV_HOST;
  const dataDir = resolve(settings.CARDFLOW_DATA_DIR);
  const apiUrl = `http://${host}:${settings.CARDFLOW_DEV_API_PORT}`;

  let stack: DevStack | undefined;
  let api = await runningApi(apiUrl, join(dataDir, 'api-token'));
  if (api) options.print(`using the dev stack running at ${apiUrl}`);
  else {
    options.print('no dev stack running: starting one for this demo...');
    stack = await startDevStack({ env, onProgress: (line) => options.print(`  ${line}`) });
    api = new EngineApi(stack.urls.api, stack.credentials.apiToken);
  }

  const kazepayUrl = `http://${host}:${settings.CARDFLOW_DEV_KAZEPAY_SANDBOX_PORT}`;
  const wasabiUrl = `http://${host}:${settings.CARDFLOW_DEV_WASABI_SANDBOX_PORT}`;
  const wasabiKeys = join(dataDir, 'wasabi-sandbox');
  const wasabiClient = new WasabiClient(
    wasabiClientOptions(
      parseEnv(
        { wasabi: wasabiEnvSchema },
        wasabiSandboxClientEnv(wasabiKeys, wasabiUrl, existsSync(merchantPrivateKeyPath(wasabiKeys))),
      ).wasabi,
    ),
  );

  const lines: FlowLine[] = [];
  const display = liveDisplay(lines, options);
  const ctx: DemoContext = {
    api,
    kazepay: new SandboxControl(kazepayUrl),
    wasabi: new SandboxControl(wasabiUrl),
    spend: (cardNo, amount, currency) =>
      wasabiClient.simulateAuthTransaction({ cardNo, type: 'auth', amount, currency }),
    track(label, provider) {
      const line: FlowLine = { label, provider, state: 'starting', done: false };
      lines.push(line);
      return line;
    },
    run: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    flowTimeoutMs: options.flowTimeoutMs ?? 120_000,
  };

  const errors: string[] = [];
  const reports: FlowReport[] = [];
  try {
    const temporalPort = settings.CARDFLOW_DEV_TEMPORAL_PORT;
    const onboarding = (c: DemoContext) =>
      nexusOnboarding(c, {
        temporalAddress: stack?.urls.temporal ?? `${host}:${temporalPort}`,
        uiUrl: stack?.urls.temporalUi || `http://${host}:${settings.CARDFLOW_DEV_TEMPORAL_UI_PORT}`,
        namespace: stack?.namespace ?? 'default',
        dataDir,
        print: options.print,
      });
    const stories = [kazepayPhysicalCard, wasabiVirtualCard, rejectedKyc, onboarding];
    const outcomes = await Promise.allSettled(stories.map((story) => story(ctx)));
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') reports.push(...o.value);
      else errors.push(`${stories[i]?.name}: ${(o.reason as Error)?.message ?? String(o.reason)}`);
    });
  } finally {
    display.stop();
  }

  const ledgers = { kazepay: false, wasabi: false };
  for (const [name, control] of [
    ['kazepay', ctx.kazepay],
    ['wasabi', ctx.wasabi],
  ] as const) {
    try {
      ledgers[name] = (await control.get('ledger')).body?.balanced === true;
      if (!ledgers[name]) errors.push(`${name} sandbox ledger does not balance`);
    } catch (error) {
      errors.push(`${name} ledger: ${(error as Error).message}`);
    }
  }
  if (stack) {
    options.print('stopping the stack this demo started...');
    await stack.stop();
  }

  const wrong = reports.filter((r) => r.outcome !== r.expected);
  for (const r of wrong) errors.push(`${r.label}: expected ${r.expected}, got ${r.outcome}`);
  const summary: DemoSummary = {
    ok: errors.length === 0 && reports.length > 0,
    stack: stack ? 'booted' : 'running',
    ms: Date.now() - started,
    flows: reports.map((r) => ({
      workflowId: r.workflowId,
      type: r.type,
      provider: r.provider,
      outcome: r.outcome,
      ms: r.ms,
      label: r.label,
      expected: r.expected,
      ...(r.amounts ? { amounts: r.amounts } : {}),
      ...(r.namespace ? { namespace: r.namespace } : {}),
    })),
    ledgers,
    errors,
  };
  for (const line of summaryTable(summary)) options.print(line);
  return summary;
}

/** The API of a stack that is already up, when its health and the data folder's token answer. */
async function runningApi(url: string, tokenFile: string): Promise<EngineApi | undefined> {
  try {
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    if (!health.ok) return undefined;
  } catch {
    return undefined;
  }
  if (!existsSync(tokenFile))
    throw new Error(
      `an API answers at ${url} but ${tokenFile} is missing: is it another data folder's stack?`,
    );
  const api = new EngineApi(url, readFileSync(tokenFile, 'utf8').trim());
  const probe = await api.call('GET', '/flows?limit=1');
  if (probe.status === 401)
    throw new Error(
      `the API at ${url} refuses the token in ${tokenFile}: is it another data folder's stack?`,
    );
  return api;
}

function liveDisplay(lines: FlowLine[], options: DemoOptions) {
  let drawn = 0;
  const last = new Map<FlowLine, string>();
  const format = (l: FlowLine) => `  ${l.done ? '✓' : '…'} ${l.label.padEnd(26)} ${l.state}`;
  const draw = () => {
    if (options.live) {
      if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
      for (const l of lines) process.stdout.write(`\x1b[2K${format(l)}\n`);
      drawn = lines.length;
      return;
    }
    for (const l of lines) {
      const text = format(l);
      if (last.get(l) !== text) {
        last.set(l, text);
        options.print(text);
      }
    }
  };
  const timer = setInterval(draw, 200);
  return {
    stop() {
      clearInterval(timer);
      draw();
    },
  };
}

export function summaryTable(summary: DemoSummary): string[] {
  const rows = summary.flows.map((f) => [
    f.label,
    f.provider,
    f.outcome === f.expected ? f.outcome : `${f.outcome} (expected ${f.expected})`,
    `${(f.ms / 1000).toFixed(1)} s`,
    f.amounts ?? '',
  ]);
  const head = ['flow', 'provider', 'outcome', 'duration', 'amounts'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const row = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [
    '',
    row(head),
    row(widths.map((w) => '-'.repeat(w))),
    ...rows.map(row),
    '',
    `  ledgers balance: KazePay ${summary.ledgers.kazepay ? 'yes' : 'NO'}, WasabiCard ${summary.ledgers.wasabi ? 'yes' : 'NO'}`,
    ...summary.errors.map((e) => `  problem: ${e}`),
    `  ${summary.ok ? 'demo passed' : 'demo FAILED'} in ${(summary.ms / 1000).toFixed(1)} s`,
  ];
}
