// The status table of the poller arm: one row per flow, its step, its state as JSON and when it
// is due again. Every statement the arm runs against PostgreSQL is here.
import type { Pool, PoolClient } from 'pg';
import { FIRST_STEP, type FlowRow, type FlowState, type FlowStatus, type FlowUpdate } from './steps';

/** Channel a finished flow is announced on, at the commit of its last step. */
export const FLOW_FINISHED_CHANNEL = 'flow_finished';

export async function createFlowTable(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS flows (
      flow_id      text PRIMARY KEY,
      step         text NOT NULL,
      state        jsonb NOT NULL,
      next_poll_at timestamptz NOT NULL DEFAULT now(),
      attempt      integer NOT NULL DEFAULT 0,
      status       text NOT NULL DEFAULT 'running',
      error        text,
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS flows_due ON flows (next_poll_at) WHERE status = 'running';
  `);
}

/** Starts a flow: its first step is due at once. A flow id already present is left as it is. */
export async function insertFlow(pool: Pool, flowId: string, state: FlowState): Promise<void> {
  await pool.query(
    `INSERT INTO flows (flow_id, step, state) VALUES ($1, $2, $3) ON CONFLICT (flow_id) DO NOTHING`,
    [flowId, FIRST_STEP, JSON.stringify(state)],
  );
}

/**
 * Claims up to `limit` due rows inside the caller's transaction: locked until it ends, skipped by
 * every other loop meanwhile. A loop that dies releases them with its connection.
 */
export async function claimDue(client: PoolClient, limit: number): Promise<FlowRow[]> {
  const { rows } = await client.query<{ flow_id: string; step: string; state: FlowState; attempt: number }>(
    `SELECT flow_id, step, state, attempt FROM flows
      WHERE status = 'running' AND next_poll_at <= now()
      ORDER BY next_poll_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    flowId: r.flow_id,
    step: r.step as FlowRow['step'],
    state: r.state,
    attempt: r.attempt,
  }));
}

/** Writes the claimed rows' new states, and announces the finished ones (delivered at commit). */
export async function saveUpdates(client: PoolClient, updates: readonly FlowUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const records = updates.map((u) => ({
    flow_id: u.flowId,
    step: u.step,
    state: u.state,
    next_poll_at: u.nextPollAt.toISOString(),
    attempt: u.attempt,
    status: u.status,
    error: u.error,
  }));
  await client.query(
    `UPDATE flows f
        SET step = u.step, state = u.state, next_poll_at = u.next_poll_at, attempt = u.attempt,
            status = u.status, error = u.error, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb)
         AS u(flow_id text, step text, state jsonb, next_poll_at timestamptz, attempt integer,
              status text, error text)
      WHERE f.flow_id = u.flow_id`,
    [JSON.stringify(records)],
  );
  const finished = updates.filter((u) => u.status !== 'running').map((u) => u.flowId);
  if (finished.length > 0)
    await client.query(`SELECT pg_notify($1, id) FROM unnest($2::text[]) AS id`, [
      FLOW_FINISHED_CHANNEL,
      finished,
    ]);
}

/**
 * Milliseconds until the earliest running row not yet due becomes due; null when there is none.
 * Rows due already but not claimed are held by another loop, which moves them on itself.
 */
export async function msUntilNextDue(client: PoolClient): Promise<number | null> {
  // No GREATEST here: it ignores NULL, and would turn "no row" into "due now".
  const { rows } = await client.query<{ ms: string | null }>(
    `SELECT EXTRACT(EPOCH FROM (min(next_poll_at) - clock_timestamp())) * 1000 AS ms
       FROM flows WHERE status = 'running' AND next_poll_at > now()`,
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}

export interface FinishedFlow {
  status: FlowStatus;
  state: FlowState;
  error: string | null;
}

export async function readFlow(pool: Pool, flowId: string): Promise<FinishedFlow | undefined> {
  const { rows } = await pool.query<FinishedFlow>(
    'SELECT status, state, error FROM flows WHERE flow_id = $1',
    [flowId],
  );
  return rows[0];
}
