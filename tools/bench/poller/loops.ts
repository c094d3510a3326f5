// The poller's worker loops: each claims due rows (FOR UPDATE SKIP LOCKED), advances every claimed
// flow by one step (provider calls in parallel) and commits the new states and next poll times in
// the same transaction. A loop that dies mid-batch leaves nothing half-done: its transaction rolls
// back with its connection, the rows become due again as they were, and the step's provider call
// is repeated under the same idempotency key.
import type { Pool } from 'pg';
import { claimDue, msUntilNextDue, saveUpdates } from './flow-table';
import type { FlowRow, FlowUpdate } from './steps';

export interface PollerLoopOptions {
  pool: Pool;
  /** Concurrent loops (each holds one connection while it works). */
  loops: number;
  /** Rows claimed per transaction. */
  batchSize: number;
  advance: (row: FlowRow) => Promise<FlowUpdate>;
  /** Longest sleep when nothing is due (a new flow wakes the loops sooner, see `wake`). */
  idleMaxMs?: number;
  onError?: (error: unknown) => void;
}

export interface PollerLoops {
  /** Ends one loop's idle sleep at once (a flow was just inserted). */
  wake(): void;
  /** Lets every loop finish its batch, then stops them. */
  stop(): Promise<void>;
}

/**
 * One transaction: claim, advance, save. Answers how many rows it moved and, when it found none,
 * how long until a row becomes due (null: none will without a new flow).
 */
export async function runBatch(
  pool: Pool,
  batchSize: number,
  advance: (row: FlowRow) => Promise<FlowUpdate>,
): Promise<{ moved: number; restMs: number | null }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const rows = await claimDue(client, batchSize);
    if (rows.length === 0) {
      const restMs = await msUntilNextDue(client);
      await client.query('COMMIT');
      return { moved: 0, restMs };
    }
    const updates = await Promise.all(rows.map(advance));
    await saveUpdates(client, updates);
    await client.query('COMMIT');
    return { moved: rows.length, restMs: 0 };
  } catch (error) {
    broken = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-transaction is dropped rather than reused.
    client.release(broken);
  }
}

export function startPollerLoops(options: PollerLoopOptions): PollerLoops {
  const idleMaxMs = options.idleMaxMs ?? 1000;
  let running = true;
  const sleepers = new Set<() => void>();
  const rest = (ms: number) =>
    new Promise<void>((done) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const wakeOne = () => {
    const [first] = sleepers;
    first?.();
  };

  async function loop(): Promise<void> {
    while (running) {
      try {
        const { moved, restMs } = await runBatch(options.pool, options.batchSize, options.advance);
        if (moved > 0) {
          // Its flows' next steps are often due at once: another loop may share them.
          wakeOne();
          continue;
        }
        await rest(Math.min(Math.max(restMs ?? idleMaxMs, 1), idleMaxMs));
      } catch (error) {
        options.onError?.(error);
        await rest(500);
      }
    }
  }

  const all = Array.from({ length: options.loops }, () => loop());
  return {
    wake: wakeOne,
    async stop() {
      running = false;
      for (const wake of [...sleepers]) wake();
      await Promise.all(all);
    },
  };
}
