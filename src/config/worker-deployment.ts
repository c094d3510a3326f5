// The worker's Worker Deployment settings (docs/deployment.md#worker-versioning): which deployment
// it belongs to and which build of the workflow code it runs. Versioning is on exactly when
// CARDFLOW_BUILD_ID is set; without it the worker polls unversioned, as the dev stack does.
//
//   CARDFLOW_DEPLOYMENT_NAME   the Worker Deployment (default cardflow); every worker of the task
//                              queue uses the same name, `cardflow deploy` reads it too
//   CARDFLOW_BUILD_ID          this worker's build (e.g. the image tag or git commit); unset: off
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import { z } from 'zod';

export const DEFAULT_DEPLOYMENT_NAME = 'cardflow';

// The server builds ids of its own from name and build id (each at most 480 characters, the name
// without '.' or ':', neither starting with '__'); a shorter, plainer alphabet keeps them readable
// in the CLI and the Web UI.
const DEPLOYMENT_NAME = /^(?!__)[A-Za-z0-9_-]{1,100}$/;
const BUILD_ID = /^(?!__)[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

export const deploymentNameSchema = z
  .string()
  .regex(DEPLOYMENT_NAME, 'expected 1-100 letters, digits, - or _ (no . or :), not starting with __');
export const buildIdSchema = z
  .string()
  .regex(BUILD_ID, 'expected 1-100 letters, digits, . _ + or -, starting with a letter or digit');

export const workerDeploymentEnvSchema = z.object({
  CARDFLOW_DEPLOYMENT_NAME: deploymentNameSchema.default(DEFAULT_DEPLOYMENT_NAME),
  CARDFLOW_BUILD_ID: buildIdSchema.optional(),
});
export type WorkerDeploymentConfig = z.output<typeof workerDeploymentEnvSchema>;

/**
 * The worker's deployment options, or undefined when versioning is off. Each product workflow
 * declares its behaviour (workflows/versioning.ts); the default applies to a run that declared
 * none because it began on an unversioned worker (before versioning was switched on): such a run
 * moves with the current version rather than holding the first versioned build until it ends.
 */
export function workerDeploymentOptions(config: WorkerDeploymentConfig): WorkerDeploymentOptions | undefined {
  if (!config.CARDFLOW_BUILD_ID) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName: config.CARDFLOW_DEPLOYMENT_NAME, buildId: config.CARDFLOW_BUILD_ID },
    defaultVersioningBehavior: 'AUTO_UPGRADE',
  };
}
