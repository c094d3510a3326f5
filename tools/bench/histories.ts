// Events and encoded bytes of workflow histories, for the arms that run on Temporal.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface HistorySize {
  workflowId: string;
  events: number;
  bytes: number;
}

export async function historySizes(client: Client, workflowIds: readonly string[]): Promise<HistorySize[]> {
  const out: HistorySize[] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    out.push({
      workflowId,
      events: history.events?.length ?? 0,
      bytes: temporal.api.history.v1.History.encode(history).finish().length,
    });
  }
  return out;
}
