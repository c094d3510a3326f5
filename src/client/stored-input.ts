// The input a workflow run was started with, decoded with the client's data converter: read
// from the first history event only (one page of one event), so a repeated business key can be
// compared with what the first request asked for. Memos are not used for this: the Temporal SDK
// decodes them in every describe(), which fails for a caller without the codec keys.
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';

export async function storedInput(client: Client, workflowId: string, runId?: string): Promise<unknown> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, ...(runId ? { runId } : {}) },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads ?? []);
}
