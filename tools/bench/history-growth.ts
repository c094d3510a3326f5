// History growth of a long wait: a WasabiCard KYC whose review takes 1 minute, and one whose
// review takes 7 days, on the time-skipping test server with the product workflows and the real
// activities against the sandbox over HTTP. The review is held in the sandbox (nothing advances
// on its own); the test server skips the wait while the flow polls at its poll interval, then the
// review is finished and the flow's next poll sees it. The history must be as long after 7 days
// as after 1 minute: polls are activity retries, which add no events.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createCardflowClient } from '../../src/client';
import { TASK_QUEUE } from '../../src/contract';
import { CARD_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { FileDocumentStore } from '../../src/documents/file-document-store';
import { WasabiClient } from '../../src/providers/wasabi/client';
import { temporalExecutable } from '../../src/runtime/temporal-binaries';
import { startWasabiSandbox } from '../sandbox/wasabi';
import { loadCodecKeyring } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { benchApplicant } from './lifecycle';

export interface HistoryGrowthResult {
  /** The KYC review's poll interval (the product default is 1m). */
  pollInterval: string;
  waits: Array<{
    wait: string;
    events: number;
    bytes: number;
    outcome: string;
    /** Provider reads made by the review wait (attempts of the polling activity). */
    polls: number;
    workflowMs: number;
  }>;
  historyEvents1m: number;
  historyEvents7d: number;
  maxHistoryEvents: number;
}

/** True once the flow has scheduled its first poll of the cardholder review. */
async function pollScheduled(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const { events } = await handle.fetchHistory();
  return (events ?? []).some(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'wasabiHolderStatus',
  );
}

const WAITS = [
  { wait: '1m', ms: 60_000 },
  { wait: '7d', ms: 7 * 86_400_000 },
];

export async function measureHistoryGrowth(options: {
  bundlePath: string;
  pollInterval: string;
}): Promise<HistoryGrowthResult> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already
  }
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-bench-history-'));
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sandbox = await startWasabiSandbox({
    merchantPublicKey: merchant.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    autoAdvance: false,
  });
  const secrets = new MemorySecretStore();
  const { keyring } = loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dir }, devKeys: 'generate' });
  const dataConverter = createDataConverter(keyring);
  // The environment's own client skips time while a result is awaited.
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: temporalExecutable('test-server') },
    client: { dataConverter },
  });
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        CARD_SEARCH_ATTRIBUTES.map((key) => [
          key.name,
          temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
    const wasabi = new WasabiClient({
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      merchantPrivateKey: merchant.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      platformPublicKey: sandbox.platformPublicKeyDer,
      timeoutMs: 10_000,
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: { code: readFileSync(options.bundlePath, 'utf8') },
      activities: createActivities({
        wasabi,
        documents: new FileDocumentStore(join(dir, 'docs'), keyring),
        secrets,
      }),
      dataConverter,
    });
    const cardflow = createCardflowClient({ client: env.client });

    const waits = await worker.runUntil(async () => {
      const out: HistoryGrowthResult['waits'] = [];
      for (const { wait, ms } of WAITS) {
        const customerRef = `bench-history-${wait}-${Date.now()}`;
        const kyc = await cardflow.startKyc({
          provider: 'wasabi',
          customerRef,
          cardTypeId: '111065',
          applicant: benchApplicant(customerRef),
          review: { deadline: '8d', pollInterval: options.pollInterval },
        });
        // Until the cardholder is submitted and the review is being polled (read from the
        // history: a query would be answered through a workflow task of its own on this server).
        for (let i = 0; !(await pollScheduled(kyc.handle)); i++) {
          if (i > 600) throw new Error('the KYC review wait never began');
          await new Promise((r) => setTimeout(r, 50));
        }
        await env.sleep(ms);
        sandbox.control.advance();
        const result = await kyc.result();
        const history = await kyc.handle.fetchHistory();
        const events = history.events ?? [];
        const at = (e: (typeof events)[number] | undefined) =>
          Number(e?.eventTime?.seconds ?? 0) * 1000 + (e?.eventTime?.nanos ?? 0) / 1e6;
        out.push({
          wait,
          events: events.length,
          bytes: temporal.api.history.v1.History.encode(history).finish().length,
          outcome: result.outcome,
          polls: Math.max(0, ...events.map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0)),
          workflowMs: at(events[events.length - 1]) - at(events[0]),
        });
      }
      return out;
    });
    const events = (wait: string) => waits.find((w) => w.wait === wait)?.events ?? Number.NaN;
    return {
      pollInterval: options.pollInterval,
      waits,
      historyEvents1m: events('1m'),
      historyEvents7d: events('7d'),
      maxHistoryEvents: Math.max(...waits.map((w) => w.events)),
    };
  } finally {
    await env.teardown();
    await sandbox.close();
    await secrets.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
