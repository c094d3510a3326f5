// The Nexus side of the dev stack and the cluster: the `cardflow` endpoint pointed at cardflow's
// namespace and task queue, and the caller example's own namespace (`onboarding`), both made
// idempotently on every start.
import { Connection } from '@temporalio/client';
import { status } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { TASK_QUEUE } from '../../src/contract';
import { ensureNexusEndpoint } from '../../src/nexus/endpoint';
import { CARDFLOW_NEXUS_ENDPOINT } from '../../src/nexus/service';
import { ONBOARDING_NAMESPACE } from '../onboarding/worker';

const isGrpcCode = (error: unknown, code: number) => (error as { code?: number }).code === code;

/** Registers `namespace` unless it exists (a dev server given `--namespace` has it already). */
async function ensureNamespace(connection: Connection, namespace: string): Promise<'created' | 'exists'> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return 'exists';
  } catch (error) {
    if (!isGrpcCode(error, status.NOT_FOUND)) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('3 days'),
    });
  } catch (error) {
    if (!isGrpcCode(error, status.ALREADY_EXISTS)) throw error;
  }
  return 'created';
}

/** Makes the endpoint and the caller's namespace; answers a progress line. */
export async function setUpNexus(address: string, namespace: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const callerNamespace = await ensureNamespace(connection, ONBOARDING_NAMESPACE);
    const endpoint = await ensureNexusEndpoint(connection, { namespace, taskQueue: TASK_QUEUE });
    return `nexus: endpoint ${CARDFLOW_NEXUS_ENDPOINT} → ${namespace}/${TASK_QUEUE} (${endpoint}), caller namespace ${ONBOARDING_NAMESPACE} (${callerNamespace})`;
  } finally {
    await connection.close();
  }
}
