// How the API reads Temporal's errors while the cluster is in trouble (a frontend or PostgreSQL
// restarting, a history host moving its shards, the namespace briefly unknown).
//
// - A transient error (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ..., once the SDK's own
//   retries are spent) answers 503 with Retry-After: the caller or provider tries again. Any other
//   unexpected error is a 503 too (never a 500), but logged as an error, not as an outage.
// - The SDK turns every NOT_FOUND into WorkflowNotFoundError and drops the gRPC status, so "no such
//   flow" is only believed once a describe of the flow answers NOT_FOUND with Temporal's
//   NotFoundFailure details (what the server attaches to a workflow it does not have). A NOT_FOUND
//   without them (a proxy, a frontend that lost the namespace) or naming the namespace is transient.
import {
  type Client,
  isGrpcServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { google } from '@temporalio/proto';
import { status } from '@grpc/grpc-js';

/** Seconds a caller is asked to wait before retrying while Temporal is unavailable. */
export const TEMPORAL_RETRY_AFTER_S = 5;

const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.CANCELLED,
]);
const NOT_FOUND_FAILURE = 'temporal.api.errordetails.v1.NotFoundFailure';

/** Thrown when Temporal could not say whether a flow exists: the API answers 503 with Retry-After. */
export class TemporalUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Temporal is unavailable: ${reason}`, options);
    this.name = 'TemporalUnavailableError';
  }
}

/** The gRPC status code of the error or of one of its causes. */
export function grpcCodeOf(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++)
    if (isGrpcServiceError(e)) return e.code;
  return undefined;
}

/** An error that says Temporal cannot answer now, not that the request is wrong. */
export function isTransientTemporalError(error: unknown): boolean {
  if (error instanceof TemporalUnavailableError) return true;
  if (error instanceof NamespaceNotFoundError) return true;
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = grpcCodeOf(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Type names of the details Temporal attached to a gRPC error (`grpc-status-details-bin`). */
function detailTypes(error: { metadata?: { get(key: string): unknown[] } }): string[] {
  const raw = error.metadata?.get('grpc-status-details-bin')?.[0];
  if (!Buffer.isBuffer(raw)) return [];
  try {
    return google.rpc.Status.decode(raw).details.map((d) => (d.type_url ?? '').replace(/^.*\//, ''));
  } catch {
    return [];
  }
}

export type FlowPresence = 'missing' | 'running' | 'closed';

/**
 * Whether the flow exists, asked on the raw gRPC service so the status and its details can be read.
 * Throws TemporalUnavailableError when the answer is not a workflow's NOT_FOUND or a description.
 */
export async function flowPresence(client: Client, workflowId: string): Promise<FlowPresence> {
  try {
    const described = await client.workflowService.describeWorkflowExecution({
      namespace: client.options.namespace,
      execution: { workflowId },
    });
    // WORKFLOW_EXECUTION_STATUS_RUNNING = 1.
    return described.workflowExecutionInfo?.status === 1 ? 'running' : 'closed';
  } catch (error) {
    if (
      isGrpcServiceError(error) &&
      error.code === status.NOT_FOUND &&
      detailTypes(error).includes(NOT_FOUND_FAILURE)
    )
      return 'missing';
    throw new TemporalUnavailableError(
      isGrpcServiceError(error) ? `describe answered ${status[error.code] ?? error.code}` : 'describe failed',
      { cause: error },
    );
  }
}
