// The status-table poller arm: the lifecycle as a team writes it without Temporal. One row per
// flow in PostgreSQL; loops in this process claim due rows, call the provider through the very
// activity functions the worker runs (same WasabiClient settings, same keys, backoff and poll
// interval) and commit the new state in the same transaction (poller/). A caller starts a flow
// by inserting its row and learns the end from a NOTIFY sent at the commit of its last step.
import { Client } from 'pg';
import { createActivities } from '../../activities';
import type { FileDocumentStore } from '../../src/documents/file-document-store';
import { WasabiClient } from '../../src/providers/wasabi/client';
import type { MemorySecretStore } from '../../src/security/memory-secret-store';
import { lifecycleRefs, type LifecycleOutcome, type LifecycleSettings } from './lifecycle';
import { createFlowTable, FLOW_FINISHED_CHANNEL, insertFlow, readFlow } from './poller/flow-table';
import { startPollerLoops } from './poller/loops';
import type { PollerPostgres } from './poller/postgres';
import { advance } from './poller/steps';

export interface PollerArm {
  run(index: number): Promise<LifecycleOutcome>;
  close(): Promise<void>;
}

export interface PollerTuning {
  loops: number;
  batchSize: number;
}

export async function createPollerArm(options: {
  runId: string;
  settings: LifecycleSettings;
  sandbox: { url: string; apiKey: string; merchantPrivateKey: string; platformPublicKey: string };
  documents: FileDocumentStore;
  secrets: MemorySecretStore;
  postgres: PollerPostgres;
  tuning: PollerTuning;
  onError?: (error: unknown) => void;
}): Promise<PollerArm> {
  const { settings, postgres } = options;
  const { tuning } = options;
  const activities = createActivities({
    wasabi: new WasabiClient({
      baseUrl: options.sandbox.url,
      apiKey: options.sandbox.apiKey,
      merchantPrivateKey: options.sandbox.merchantPrivateKey,
      platformPublicKey: options.sandbox.platformPublicKey,
      timeoutMs: settings.clientTimeoutMs,
    }),
    documents: options.documents,
    secrets: options.secrets,
  });
  // One connection per loop, and a few for callers starting and reading flows.
  const pool = postgres.pool(tuning.loops + 4);
  await createFlowTable(pool);

  const waiters = new Map<string, () => void>();
  const listener = new Client(postgres.connection);
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.payload) waiters.get(message.payload)?.();
  });
  await listener.query(`LISTEN ${FLOW_FINISHED_CHANNEL}`);

  const loops = startPollerLoops({
    pool,
    loops: tuning.loops,
    batchSize: tuning.batchSize,
    advance: (row) => advance(row, activities, settings),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  async function run(index: number): Promise<LifecycleOutcome> {
    const flowId = lifecycleRefs(options.runId, 'poll', index).key;
    const finished = new Promise<void>((done) => waiters.set(flowId, done));
    // Every wait has its deadline in the loops; this one only keeps a lost flow from hanging the run.
    const limit = settings.deadlineMs * 4;
    let timer: NodeJS.Timeout | undefined;
    try {
      await insertFlow(pool, flowId, { key: flowId });
      loops.wake();
      await Promise.race([
        finished,
        new Promise((_, fail) => {
          timer = setTimeout(() => fail(new Error(`flow ${flowId} did not finish in ${limit} ms`)), limit);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      waiters.delete(flowId);
    }
    const flow = await readFlow(pool, flowId);
    if (flow?.status !== 'done')
      throw new Error(`flow ${flowId} ${flow?.status ?? 'vanished'}: ${flow?.error}`);
    const { holderId, cardNo, depositOrderNo, refundAmount } = flow.state;
    if (!holderId || !cardNo || !depositOrderNo || refundAmount === undefined)
      throw new Error(`flow ${flowId} finished without its references`);
    return { holderId, cardNo, depositOrderNo, refundAmount };
  }

  return {
    run,
    async close() {
      await loops.stop();
      await listener.end().catch(() => undefined);
    },
  };
}
