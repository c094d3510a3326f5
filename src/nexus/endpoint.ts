// The Nexus endpoint that routes `cardflow` calls to cardflow's namespace and task queue, created
// or corrected idempotently (dev stack, cluster launcher, tests). Endpoints are cluster-wide: any
// namespace the endpoint's allow-list admits may call it (the dev server admits every namespace).
import type { OperatorService } from '@temporalio/client';
import { CARDFLOW_NEXUS_ENDPOINT } from './service';

export interface NexusEndpointTarget {
  /** Endpoint name (default `cardflow`). */
  name?: string;
  namespace: string;
  taskQueue: string;
}

/** Creates the endpoint, or points an existing one of that name at the target. Returns what it did. */
export async function ensureNexusEndpoint(
  connection: { operatorService: OperatorService },
  target: NexusEndpointTarget,
): Promise<'created' | 'updated' | 'unchanged'> {
  const name = target.name ?? CARDFLOW_NEXUS_ENDPOINT;
  const worker = { namespace: target.namespace, taskQueue: target.taskQueue };
  const { endpoints } = await connection.operatorService.listNexusEndpoints({ name, pageSize: 1 });
  const existing = endpoints?.find((e) => e.spec?.name === name);
  if (!existing) {
    await connection.operatorService.createNexusEndpoint({ spec: { name, target: { worker } } });
    return 'created';
  }
  const current = existing.spec?.target?.worker;
  if (current?.namespace === worker.namespace && current?.taskQueue === worker.taskQueue) return 'unchanged';
  await connection.operatorService.updateNexusEndpoint({
    id: existing.id,
    version: existing.version,
    spec: { ...existing.spec, name, target: { worker } },
  });
  return 'updated';
}
