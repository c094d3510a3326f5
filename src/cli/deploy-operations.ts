// The Worker Deployment calls behind `cardflow deploy` (docs/deployment.md#worker-versioning): read
// a deployment and one of its versions, make a build current or ramp to it, and tell whether an
// old build is drained. Plain workflowService calls (the TypeScript client has no wrapper for
// them), so errors come back as gRPC statuses and are turned into operator sentences here.
import { hostname } from 'node:os';
import { status } from '@grpc/grpc-js';
import { type Client, isGrpcServiceError } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

const { VersionDrainageStatus, WorkerDeploymentVersionStatus } = temporal.api.enums.v1;

export interface DeploymentTarget {
  client: Client;
  namespace: string;
  deploymentName: string;
}

export interface VersionSummary {
  buildId: string;
  /** INACTIVE, CURRENT, RAMPING, DRAINING, DRAINED. */
  status: string;
  /** The server's own drainage check (refreshed every few minutes), when it made one. */
  drainage?: string;
  createdAt?: string;
}

export interface DeploymentDescription {
  deploymentName: string;
  namespace: string;
  current?: string;
  ramping?: { buildId: string; percentage: number };
  versions: VersionSummary[];
}

export interface DrainStatus {
  deploymentName: string;
  buildId: string;
  status: string;
  /** Pinned flows of this build still running, counted in visibility now. */
  runningPinned: number;
  /** A few of them, for the operator to look at (workflow ids hold no personal data). */
  examples: string[];
  /** The server's drainage check and when it last ran (every 3 minutes by default). */
  serverDrainage?: { status: string; checkedAt?: string };
  /** Stopped being current or ramping moments ago: ask again in a few seconds. */
  settling?: boolean;
  /** No longer current nor ramping, and no pinned flow of it still running: its workers may stop. */
  drained: boolean;
}

/** A refusal an operator can act on (unknown deployment or build, a version without workers). */
export class DeployError extends Error {
  override name = 'DeployError';
}

const identity = () => `cardflow-deploy@${hostname()}`;
const enumName = (names: Record<number, string>, value: number | null | undefined, prefix: string) =>
  (names[value ?? 0] ?? String(value)).replace(prefix, '');
const versionStatus = (value: number | null | undefined) =>
  enumName(WorkerDeploymentVersionStatus, value, 'WORKER_DEPLOYMENT_VERSION_STATUS_');
const drainageStatus = (value: number | null | undefined) =>
  enumName(VersionDrainageStatus, value, 'VERSION_DRAINAGE_STATUS_');
const isoOf = (ts: Parameters<typeof optionalTsToMs>[0]) => {
  const ms = optionalTsToMs(ts);
  return ms === undefined || ms === 0 ? undefined : new Date(ms).toISOString();
};

/** Runs a call, turning the statuses an operator can act on into a DeployError that says what to do. */
async function explained<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isGrpcServiceError(error)) throw error;
    const reason = error.details || error.message;
    if (error.code === status.NOT_FOUND) throw new DeployError(`${what}: not found (${reason})`);
    if (error.code === status.FAILED_PRECONDITION || error.code === status.INVALID_ARGUMENT)
      throw new DeployError(`${what}: refused by the server: ${reason}`);
    throw error;
  }
}

export async function describeDeployment(target: DeploymentTarget): Promise<DeploymentDescription> {
  const { client, namespace, deploymentName } = target;
  const answer = await explained(`worker deployment ${deploymentName} in namespace ${namespace}`, () =>
    client.workflowService.describeWorkerDeployment({ namespace, deploymentName }),
  );
  const info = answer.workerDeploymentInfo;
  const routing = info?.routingConfig;
  const current = routing?.currentDeploymentVersion?.buildId || undefined;
  const rampingBuild = routing?.rampingDeploymentVersion?.buildId || undefined;
  return {
    deploymentName,
    namespace,
    ...(current ? { current } : {}),
    ...(rampingBuild
      ? { ramping: { buildId: rampingBuild, percentage: routing?.rampingVersionPercentage ?? 0 } }
      : {}),
    versions: (info?.versionSummaries ?? []).map((v) => {
      const drainage = v.drainageInfo?.status ?? v.drainageStatus;
      const createdAt = isoOf(v.createTime);
      return {
        buildId: v.deploymentVersion?.buildId ?? '',
        status: versionStatus(v.status),
        ...(drainage ? { drainage: drainageStatus(drainage) } : {}),
        ...(createdAt ? { createdAt } : {}),
      };
    }),
  };
}

/** Makes `buildId` the version new and auto-upgrading flows run on (its workers must be polling). */
export async function setCurrentVersion(target: DeploymentTarget, buildId: string): Promise<void> {
  const { client, namespace, deploymentName } = target;
  await explained(`set ${deploymentName}:${buildId} current`, () =>
    client.workflowService.setWorkerDeploymentCurrentVersion({
      namespace,
      deploymentName,
      buildId,
      identity: identity(),
    }),
  );
}

/** Sends `percentage` of new and auto-upgrading flows to `buildId`; undefined stops the ramp. */
export async function setRampingVersion(
  target: DeploymentTarget,
  ramp: { buildId: string; percentage: number } | undefined,
): Promise<void> {
  const { client, namespace, deploymentName } = target;
  const what = ramp ? `ramp ${deploymentName}:${ramp.buildId} to ${ramp.percentage}%` : 'stop the ramp';
  await explained(what, () =>
    client.workflowService.setWorkerDeploymentRampingVersion({
      namespace,
      deploymentName,
      // An empty build id unsets the ramping version.
      buildId: ramp?.buildId ?? '',
      percentage: ramp?.percentage ?? 0,
      identity: identity(),
    }),
  );
}

/** How long visibility may lag behind a flow's start (SQL visibility: well under a second). */
export const VISIBILITY_SETTLE_MS = 10_000;

/** The visibility query the server's own drainage check runs, on this deployment version. */
export function runningPinnedQuery(deploymentName: string, buildId: string): string {
  return (
    `TemporalWorkerDeploymentVersion = '${deploymentName}:${buildId}'` +
    ` AND TemporalWorkflowVersioningBehavior = 'Pinned' AND ExecutionStatus = 'Running'`
  );
}

/**
 * Whether the old build may be stopped: it is neither current nor ramping and no pinned flow of it
 * still runs. Counted now rather than trusting only the server's drainage status, which is
 * refreshed every few minutes. A flow started in its last seconds as current may not be visible
 * yet, so a version that stopped being current less than VISIBILITY_SETTLE_MS ago is not drained.
 */
export async function drainStatus(target: DeploymentTarget, buildId: string): Promise<DrainStatus> {
  const { client, namespace, deploymentName } = target;
  const answer = await explained(`version ${deploymentName}:${buildId} in namespace ${namespace}`, () =>
    client.workflowService.describeWorkerDeploymentVersion({
      namespace,
      deploymentVersion: { deploymentName, buildId },
    }),
  );
  const info = answer.workerDeploymentVersionInfo;
  const versionState = versionStatus(info?.status);
  const query = runningPinnedQuery(deploymentName, buildId);
  const { count } = await client.workflowService.countWorkflowExecutions({ namespace, query });
  const runningPinned = Number(count ?? 0);
  const examples: string[] = [];
  if (runningPinned > 0)
    for await (const flow of client.workflow.list({ query, pageSize: 5 })) {
      examples.push(flow.workflowId);
      if (examples.length === 5) break;
    }
  const drainage = info?.drainageInfo;
  const checkedAt = isoOf(drainage?.lastCheckedTime);
  const routedTo = versionState === 'CURRENT' || versionState === 'RAMPING';
  const deactivatedAt = optionalTsToMs(info?.lastDeactivationTime);
  const settling = deactivatedAt !== undefined && Date.now() - deactivatedAt < VISIBILITY_SETTLE_MS;
  return {
    deploymentName,
    buildId,
    status: versionState,
    runningPinned,
    examples,
    ...(drainage?.status
      ? { serverDrainage: { status: drainageStatus(drainage.status), ...(checkedAt ? { checkedAt } : {}) } }
      : {}),
    ...(settling ? { settling: true } : {}),
    drained: !routedTo && !settling && runningPinned === 0,
  };
}
