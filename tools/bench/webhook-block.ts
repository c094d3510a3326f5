// The webhook-to-flow block (issue 20): cardflow lifecycles whose KYC review, card order, deposit
// settlement and closure waits poll only every WEBHOOK_POLL_INTERVAL, so each ends on the
// provider's notification, with the sandbox sending its notifications to a `cardflow api` process
// on the same server, at half the saturating load (halfLoadConcurrency). The card order's notification names a
// card id the issuance does not know yet: the API finds the issuance by the order's
// merchantOrderNo (its NotificationKey, set at start; docs/api.md). Measured: from each
// notification's send (the sandbox's first delivery attempt) to the flow's next state
// (webhook-latency.ts), and the block's CPU, memory and history like any other.
import { Client, Connection } from '@temporalio/client';
import type { CodecKeyring } from '../../src/security/codec-keys';
import { type BlockResult, runBlock } from './block';
import { createCardflowArm } from './cardflow-arm';
import type { LifecycleOutcome, LifecycleSettings } from './lifecycle';
import type { BenchTarget } from './servers';
import { type SandboxProcess, startApiProcess } from './stack';
import {
  type JournalEntry,
  latencyPercentiles,
  type SandboxDelivery,
  stateChangeTimes,
  webhookLatencies,
} from './webhook-latency';

/** Long enough that no wait of the lifecycle ends by its own poll (a pending state lasts ≤ 2 s). */
export const WEBHOOK_POLL_INTERVAL = '10m';
const WEBHOOK_DEADLINE = '30m';

export interface WebhookResult {
  arm: 'cardflow';
  storage: string;
  concurrency: number;
  lifecycles: number;
  failures: number;
  firstFailure?: string;
  /** Notifications the sandbox sent during the block. */
  notifications: number;
  /** Notifications with a latency (they reached a flow that then changed state). */
  measured: number;
  notSignalled: number;
  noStateChange: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of the part before the flow was signalled (delivery, the API's lookup and signal). */
  routingP99Ms: number;
  /** The lifecycles of the block, as in the sweep's rows. */
  block: BlockResult;
}

/**
 * The concurrency that offers half the saturating load: where the arm's throughput curve (medians
 * per swept concurrency) reaches half its peak, interpolated linearly between the swept points
 * (at least 1). Not half the peak's concurrency: past the knee throughput barely rises with
 * concurrency, so half of the best concurrency can still be a saturated machine (2026-12-06: 64 in
 * flight gave 3.18 lifecycles/s of a 3.48 peak on the dev server).
 */
export function halfLoadConcurrency(curve: readonly { concurrency: number; throughput: number }[]): number {
  const points = curve
    .filter((p) => Number.isFinite(p.throughput))
    .sort((a, b) => a.concurrency - b.concurrency);
  if (points.length === 0) throw new RangeError('halfLoadConcurrency: no measured point');
  const half = Math.max(...points.map((p) => p.throughput)) / 2;
  const at = points.findIndex((p) => p.throughput >= half);
  const reached = points[at] as (typeof points)[number];
  const below = (at > 0 ? points[at - 1] : undefined) ?? { concurrency: 0, throughput: 0 };
  const share = (half - below.throughput) / (reached.throughput - below.throughput || 1);
  const concurrency = below.concurrency + share * (reached.concurrency - below.concurrency);
  return Math.max(1, Math.round(concurrency));
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

async function setWebhookUrl(sandboxUrl: string, url: string): Promise<void> {
  const response = await fetch(`${sandboxUrl}/_sandbox/webhook-url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  if (!response.ok) throw new Error(`the sandbox refused the webhook URL: ${response.status}`);
}

export async function runWebhookBlock(options: {
  target: BenchTarget;
  runId: string;
  settings: LifecycleSettings;
  keyring: CodecKeyring;
  dataDir: string;
  sandbox: SandboxProcess;
  concurrency: number;
  lifecycles: number;
  /** The first lifecycle number (never repeated in the run); warm-up takes the 2 before it. */
  firstIndex: number;
  providerRequests: () => Promise<number>;
  log?: (line: string) => void;
}): Promise<WebhookResult> {
  const { target, sandbox } = options;
  const api = await startApiProcess({
    temporalAddress: target.address,
    dataDir: options.dataDir,
    sandbox,
    clientTimeout: options.settings.clientTimeout,
  });
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: 'default' });
  const arm = await createCardflowArm({
    runId: options.runId,
    // Short: the tag is part of the applicant's email, which WasabiCard caps at 50 characters.
    tag: `${target.label}wh`,
    settings: options.settings,
    notifiedWait: { pollInterval: WEBHOOK_POLL_INTERVAL, deadline: WEBHOOK_DEADLINE },
    address: target.address,
    keyring: options.keyring,
  });
  try {
    await setWebhookUrl(sandbox.url, `${api.url}/webhooks/wasabi`);
    options.log?.(`${target.label} webhook-to-flow: API ${api.url} (pid ${api.pid})`);
    // Warm-up (not measured): the API's first requests, the new client.
    await Promise.all([0, 1].map((i) => arm.run(options.firstIndex + i)));
    const sinceMs = Date.now();
    const outcomes: LifecycleOutcome[] = [];
    const block = await runBlock({
      arm: 'cardflow',
      storage: target.label,
      concurrency: options.concurrency,
      repetition: 1,
      lifecycles: options.lifecycles,
      pids: { sandbox: sandbox.pid, ...target.pids, api: api.pid },
      run: arm.run,
      firstIndex: options.firstIndex + 2,
      providerRequests: options.providerRequests,
      histories: arm.histories,
      outcomes,
    });
    await setWebhookUrl(sandbox.url, '');
    const { deliveries } = await getJson<{ deliveries: SandboxDelivery[] }>(
      `${sandbox.url}/_sandbox/webhooks`,
    );
    const { entries } = await getJson<{ entries: JournalEntry[] }>(`${api.url}/webhooks/journal`, api.token);
    const stateChanges = new Map<string, number[]>();
    for (const outcome of outcomes)
      for (const workflowId of outcome.workflowIds ?? [])
        stateChanges.set(
          workflowId,
          stateChangeTimes(await client.workflow.getHandle(workflowId).fetchHistory()),
        );
    const latencies = webhookLatencies(deliveries, entries, stateChanges, sinceMs);
    return {
      arm: 'cardflow',
      storage: target.label,
      concurrency: options.concurrency,
      lifecycles: block.lifecycles,
      failures: block.failures,
      ...(block.firstFailure ? { firstFailure: block.firstFailure } : {}),
      notifications: latencies.notifications,
      measured: latencies.latenciesMs.length,
      notSignalled: latencies.notSignalled,
      noStateChange: latencies.noStateChange,
      ...latencyPercentiles(latencies.latenciesMs),
      routingP99Ms: latencyPercentiles(latencies.routingMs).p99Ms,
      block,
    };
  } finally {
    await setWebhookUrl(sandbox.url, '').catch(() => undefined);
    await arm.close();
    await connection.close();
    await api.stop(5000);
  }
}
