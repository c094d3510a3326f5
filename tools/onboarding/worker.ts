// The onboarding example's worker and client, in the `onboarding` namespace on its own task
// queue. Its data converter holds onboarding's own keys and the Nexus exchange keyring, never
// cardflow's payload keys (docs/nexus.md, "Payload encryption").
import { Client, type Connection, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { callerExchangeScope } from '../../src/nexus/exchange-scope';
import type { CodecKeyring } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import type { OnboardingInput, OnboardingResult } from './workflows';

export const ONBOARDING_NAMESPACE = 'onboarding';
export const ONBOARDING_TASK_QUEUE = 'onboarding';

export const onboardingWorkflowId = (customerRef: string) => `onboarding:${customerRef}`;

export interface OnboardingKeys {
  /** Onboarding's own payload keys. */
  own: CodecKeyring;
  /** The exchange keyring shared with cardflow for the `cardflow` endpoint. */
  exchange: CodecKeyring;
}

export function onboardingDataConverter(keys: OnboardingKeys): DataConverter {
  return createDataConverter(keys.own, callerExchangeScope(keys.exchange));
}

export interface OnboardingWorker {
  worker: Worker;
  shutdown(): Promise<void>;
}

/** Starts a worker for the onboarding workflow (bundled from its sources now) and answers once it polls. */
export async function startOnboardingWorker(
  connection: NativeConnection,
  keys: OnboardingKeys,
  namespace = ONBOARDING_NAMESPACE,
): Promise<OnboardingWorker> {
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: ONBOARDING_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    dataConverter: onboardingDataConverter(keys),
  });
  const running = worker.run();
  return {
    worker,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** The onboarding namespace's client. */
export function onboardingClient(
  connection: Connection,
  keys: OnboardingKeys,
  namespace = ONBOARDING_NAMESPACE,
) {
  return new Client({ connection, namespace, dataConverter: onboardingDataConverter(keys) });
}

/** Starts (or finds) the onboarding of a customer. */
export function startOnboarding(client: Client, input: OnboardingInput): Promise<WorkflowHandle> {
  return client.workflow.start('onboarding', {
    workflowId: onboardingWorkflowId(input.customerRef),
    taskQueue: ONBOARDING_TASK_QUEUE,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export type { OnboardingInput, OnboardingResult };
