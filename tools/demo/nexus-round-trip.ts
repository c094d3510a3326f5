// What a Nexus call costs beside an HTTP start, against a running dev stack (`npm start`):
// N KYC starts through POST /flows/kyc (the client's wall time until the API answers: the flow is
// started) and N through the `cardflow` endpoint from an onboarding workflow (the caller history's
// NexusOperationScheduled → NexusOperationStarted: the server dispatching the Nexus task, cardflow's
// handler starting the flow, and the answer recorded). Prints the medians and the 90th percentiles.
//
//   npx tsx tools/demo/nexus-round-trip.ts [N=30]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { devExchangeKeyring, loadOrCreateDevKeyring } from '../../src/security/codec-keys';
import { EngineApi } from './http';
import { applicant } from './applicant';
import { loadDevStackSettings } from '../dev/settings';
import { ONBOARDING_TASK_QUEUE, onboardingClient, startOnboardingWorker } from '../onboarding/worker';

const CARD_TYPE = '111065';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main() {
  const n = Number(process.argv[2] ?? 30);
  const settings = loadDevStackSettings(process.env);
  const host = settings.CARDFLOW_DEV_HOST;
  const dataDir = resolve(settings.CARDFLOW_DATA_DIR);
  const api = new EngineApi(
    `http://${host}:${settings.CARDFLOW_DEV_API_PORT}`,
    readFileSync(join(dataDir, 'api-token'), 'utf8').trim(),
  );
  const address = `${host}:${settings.CARDFLOW_DEV_TEMPORAL_PORT}`;
  const keys = {
    own: loadOrCreateDevKeyring(join(dataDir, 'onboarding-codec-keys.json')).keyring,
    exchange: devExchangeKeyring(dataDir),
  };
  const native = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const worker = await startOnboardingWorker(native, keys);
  const caller = onboardingClient(connection, keys);
  const run = Date.now().toString(36);
  const kyc = (customerRef: string) => ({
    provider: 'wasabi',
    customerRef,
    cardTypeId: CARD_TYPE,
    applicant: applicant(`${run}${customerRef.length}${Math.random().toString(36).slice(2, 8)}`, 'rt'),
    review: { pollInterval: '1s' },
  });
  const http: number[] = [];
  const nexus: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await api.expect('POST', '/flows/kyc', kyc(`rt-http-${run}-${i}`));
      http.push(performance.now() - started);

      const handle = await caller.workflow.start('callCardflow', {
        workflowId: `round-trip:${run}:${i}`,
        taskQueue: ONBOARDING_TASK_QUEUE,
        args: ['kycVerification', kyc(`rt-nexus-${run}-${i}`)],
      });
      await handle.result();
      const events = (await handle.fetchHistory()).events ?? [];
      const at = (found: (typeof events)[number] | undefined) =>
        found?.eventTime ? Number(found.eventTime.seconds) * 1000 + (found.eventTime.nanos ?? 0) / 1e6 : NaN;
      nexus.push(
        at(events.find((e) => e.nexusOperationStartedEventAttributes)) -
          at(events.find((e) => e.nexusOperationScheduledEventAttributes)),
      );
    }
  } finally {
    await worker.shutdown();
    await Promise.all([native.close(), connection.close()]);
  }
  const line = (name: string, values: number[]) =>
    `${name.padEnd(34)} median ${percentile(values, 50).toFixed(1)} ms, p90 ${percentile(values, 90).toFixed(1)} ms (n=${values.length})`;
  console.log(line('HTTP POST /flows/kyc (client)', http));
  console.log(line('Nexus kycVerification (scheduled→started)', nexus));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
