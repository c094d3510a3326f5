// The demo's Nexus story: the onboarding example (tools/onboarding), in its own namespace with its
// own worker, opens a WasabiCard customer's card through the `cardflow` endpoint: KYC, a virtual
// card, a first deposit. It prints where to see the caller's flow and cardflow's in the Web UI.
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { workflowIds } from '../../src/contract';
import { devExchangeKeyring, loadOrCreateDevKeyring } from '../../src/security/codec-keys';
import {
  ONBOARDING_NAMESPACE,
  type OnboardingResult,
  onboardingClient,
  onboardingWorkflowId,
  startOnboarding,
  startOnboardingWorker,
} from '../onboarding/worker';
import { applicant } from './applicant';
import type { DemoContext, FlowReport } from './scenarios';

const CARD_TYPE = '111065';

export interface NexusStoryOptions {
  temporalAddress: string;
  /** The Web UI's base URL (no trailing slash); absent: no links. */
  uiUrl?: string;
  /** cardflow's namespace. */
  namespace: string;
  dataDir: string;
  print: (line: string) => void;
}

export async function nexusOnboarding(ctx: DemoContext, options: NexusStoryOptions): Promise<FlowReport[]> {
  // Onboarding's own keys, and the exchange keyring the dev stack generated for the endpoint.
  const keys = {
    own: loadOrCreateDevKeyring(join(options.dataDir, 'onboarding-codec-keys.json')).keyring,
    exchange: devExchangeKeyring(options.dataDir),
  };
  const line = ctx.track('Nexus onboarding', 'wasabi');
  const customerRef = `demo-nexus-${ctx.run}`;
  const native = await NativeConnection.connect({ address: options.temporalAddress });
  const connection = await Connection.connect({ address: options.temporalAddress });
  const worker = await startOnboardingWorker(native, keys);
  const started = Date.now();
  try {
    const handle = await startOnboarding(onboardingClient(connection, keys), {
      customerRef,
      applicant: applicant(ctx.run, 'nexus'),
      cardTypeId: CARD_TYPE,
      initialDeposit: '50',
      firstDeposit: { depositRef: `nexus-first-${ctx.run}`, amount: '25', currency: 'USD' },
      waits: { pollInterval: '1s' },
    });
    line.state = 'running in namespace onboarding';
    const result = (await handle.result()) as OnboardingResult;
    line.state = result.deposit?.outcome ?? result.card?.outcome ?? result.kyc.outcome;
    line.done = true;
    const cardflowFlows = [
      workflowIds.kycVerification('wasabi', customerRef),
      workflowIds.virtualCardIssuance('wasabi', customerRef, `onboarding-${customerRef}`),
      ...(result.card?.cardRef
        ? [workflowIds.cardDeposit('wasabi', result.card.cardRef, `nexus-first-${ctx.run}`)]
        : []),
    ];
    if (options.uiUrl) {
      const link = (namespace: string, id: string) =>
        `${options.uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(id)}`;
      options.print(`  Web UI, the caller: ${link(ONBOARDING_NAMESPACE, onboardingWorkflowId(customerRef))}`);
      for (const id of cardflowFlows) options.print(`  Web UI, cardflow:   ${link(options.namespace, id)}`);
    }
    return [
      {
        label: 'Nexus onboarding',
        workflowId: onboardingWorkflowId(customerRef),
        type: 'onboarding',
        namespace: ONBOARDING_NAMESPACE,
        provider: 'wasabi',
        outcome: line.state,
        expected: 'SETTLED',
        ms: Date.now() - started,
        ...(result.deposit ? { amounts: `deposit ${result.deposit.amount} ${result.deposit.currency}` } : {}),
      },
    ];
  } finally {
    line.done = true;
    await worker.shutdown();
    await Promise.all([native.close(), connection.close()]);
  }
}
