// The world a workflow test runs in: both provider sandboxes over real HTTP, the real provider
// clients, a file document store, an in-memory secret store, and a worker running the product
// workflow bundle and activities on a real Temporal server (time-skipping or dev server).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import type { KazepayConventions } from '../../activities/kazepay/activities';
import { TASK_QUEUE } from '../../src/contract';
import type { DocumentStore } from '../../src/documents/document-store';
import { FileDocumentStore } from '../../src/documents/file-document-store';
import { testOnlyKeyring } from './test-data-converter';
import { KazepayClient, type KazepayClientOptions } from '../../src/providers/kazepay/client';
import { WasabiClient } from '../../src/providers/wasabi/client';
import { startKazepaySandbox, type KazepaySandbox } from '../../tools/sandbox/kazepay/server';
import type { KazepaySandboxOptions } from '../../tools/sandbox/kazepay/options';
import { startWasabiSandbox, type WasabiSandbox } from '../../tools/sandbox/wasabi';
import type { WasabiSandboxOptions } from '../../tools/sandbox/wasabi/options';
import { MemorySecretStore } from '../../src/security/memory-secret-store';
import { bundleOnce } from './temporal-env';
import { installTestRuntime } from './test-log';

// The SDK logs at ERROR unless CARDFLOW_TEST_LOG says otherwise (test/helpers/test-log.ts).
installTestRuntime();

const pem = (bits: number) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
};

export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
export const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 9)]);

export interface LifecycleEnvOptions {
  kazepay?: Partial<KazepaySandboxOptions>;
  wasabi?: Partial<WasabiSandboxOptions>;
  /** Per-attempt HTTP timeout of the provider clients (an applied-but-unanswered call waits this long). */
  clientTimeoutMs?: number;
  /** The worker's data converter (the env's client must use the same one). Default: none. */
  dataConverter?: DataConverter;
  /** KazePay names the activities assume (default: the documented defaults). */
  kazepayConventions?: Partial<KazepayConventions>;
  /** A pre-built workflow bundle. Default: the product workflows bundled once per process. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** False: no worker here; the test runs its own (e.g. versioned ones) over `activityDeps`. */
  startWorker?: boolean;
  /** The worker's document store. Default: files in the env's folder, under the test-only keyring. */
  documents?: DocumentStore;
  /** The worker's interceptors (e.g. a fault that loses an activity's completion). */
  interceptors?: WorkerOptions['interceptors'];
}

export class LifecycleEnv {
  private running?: Promise<void>;
  /** How the worker was made, so restartWorker can make it again with another bundle. */
  private workerOptions!: WorkerOptions;
  /** The KAZEPAY_* settings of a process that calls this sandbox as the worker does (the product CLI). */
  kazepayEnv!: NodeJS.ProcessEnv;
  /** The WasabiCard client the worker's activities use (tests read the provider through it too). */
  wasabiClient!: WasabiClient;
  /** A KazePay client on the sandbox with some options changed (e.g. wrong credentials). */
  kazepayClientWith!: (overrides?: Partial<KazepayClientOptions>) => KazepayClient;
  private constructor(
    readonly env: TestWorkflowEnvironment,
    /** Absent when started with `startWorker: false`. */
    public worker: Worker | undefined,
    readonly kazepay: KazepaySandbox,
    readonly wasabi: WasabiSandbox,
    readonly documents: DocumentStore,
    readonly secrets: MemorySecretStore,
    private readonly dataDir: string,
  ) {}

  static async start(env: TestWorkflowEnvironment, options: LifecycleEnvOptions = {}): Promise<LifecycleEnv> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cardflow-lifecycle-'));
    const kazepayKeys = pem(2048);
    const wasabiKeys = pem(1024);
    const kazepay = await startKazepaySandbox({
      merchantPublicKey: kazepayKeys.publicPem,
      dataDir,
      timeScale: 0.01,
      ...options.kazepay,
    });
    const wasabi = await startWasabiSandbox({
      merchantPublicKey: wasabiKeys.publicPem,
      platformKeyBits: 1024,
      timeScale: 0.01,
      webhookTimeScale: 0.00001,
      ...options.wasabi,
    });
    const timeoutMs = options.clientTimeoutMs ?? 2000;
    const documents =
      options.documents ?? new FileDocumentStore(join(dataDir, 'documents'), testOnlyKeyring());
    const secrets = new MemorySecretStore();
    const wasabiClient = new WasabiClient({
      baseUrl: wasabi.url,
      apiKey: wasabi.apiKey,
      merchantPrivateKey: wasabiKeys.privatePem,
      platformPublicKey: wasabi.platformPublicKeyDer,
      timeoutMs,
    });
    const kazepayClientWith = (overrides: Partial<KazepayClientOptions> = {}) =>
      new KazepayClient({
        baseUrl: `${kazepay.url}/api/gateway`,
        sysId: kazepay.sysId,
        merchantPrivateKey: kazepayKeys.privatePem,
        platformPublicKey: kazepay.platformPublicKeyBase64,
        timeoutMs,
        ...overrides,
      });
    const activities = createActivities({
      ...(options.kazepayConventions ? { kazepayConventions: options.kazepayConventions } : {}),
      kazepay: kazepayClientWith(),
      wasabi: wasabiClient,
      documents,
      secrets,
    });
    const workerOptions: WorkerOptions = {
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: options.workflowBundle ?? (await bundleOnce(require.resolve('../../workflows'))),
      activities,
      ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
      ...(options.interceptors ? { interceptors: options.interceptors } : {}),
      maxCachedWorkflows: 100,
    };
    const worker = options.startWorker === false ? undefined : await Worker.create(workerOptions);
    const lifecycle = new LifecycleEnv(env, worker, kazepay, wasabi, documents, secrets, dataDir);
    lifecycle.workerOptions = workerOptions;
    lifecycle.wasabiClient = wasabiClient;
    lifecycle.kazepayClientWith = kazepayClientWith;
    lifecycle.kazepayEnv = {
      KAZEPAY_BASE_URL: `${kazepay.url}/api/gateway`,
      KAZEPAY_SYS_ID: kazepay.sysId,
      KAZEPAY_MERCHANT_PRIVATE_KEY: kazepayKeys.privatePem,
      KAZEPAY_PLATFORM_PUBLIC_KEY: kazepay.platformPublicKeyBase64,
      KAZEPAY_TIMEOUT: `${timeoutMs}ms`,
    };
    lifecycle.running = worker?.run();
    return lifecycle;
  }

  /**
   * Stops the worker and starts another on the same activities, sandboxes and task queue with
   * `workflowBundle` (a deploy of other workflow code; the product bundle when omitted).
   */
  async restartWorker(workflowBundle?: WorkflowBundleWithSourceMap): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    const options = {
      ...this.workerOptions,
      workflowBundle: workflowBundle ?? (await bundleOnce(require.resolve('../../workflows'))),
    };
    this.worker = await Worker.create(options);
    this.running = this.worker.run();
  }

  get client() {
    return this.env.client;
  }

  /** Stores a document and returns its reference, as the API does for uploads. */
  async document(kind: 'png' | 'jpeg' = 'png'): Promise<{ ref: string }> {
    const ref = await this.documents.put(
      kind === 'png'
        ? { bytes: PNG, contentType: 'image/png', fileName: 'doc.png' }
        : { bytes: JPEG, contentType: 'image/jpeg', fileName: 'doc.jpg' },
    );
    return { ref };
  }

  /** Runs `run` with some KazePay sandbox timings changed, then puts them back. */
  async withKazepayTimings<T>(
    changes: Partial<KazepaySandbox['control']['timings']>,
    run: () => Promise<T>,
  ): Promise<T> {
    const timings = this.kazepay.control.timings;
    const saved = { ...timings };
    Object.assign(timings, changes);
    try {
      return await run();
    } finally {
      Object.assign(timings, saved);
    }
  }

  async close(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await Promise.all([this.kazepay.close(), this.wasabi.close(), this.secrets.close()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

let counter = 0;
/** A unique opaque reference for a test (customer, request, deposit). */
export const uniqueRef = (tag: string) => `${tag}-${Date.now().toString(36)}-${++counter}`;

/** An applicant whose email is unique, so sandbox scripting can target it. */
export function applicant(tag: string) {
  return {
    email: `${tag}.${Date.now()}.${++counter}@example.com`,
    mobile: { prefix: '60', number: '123456789', country: 'MY' },
    firstName: 'Ada',
    lastName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    address: {
      line: '12 Jalan Ampang',
      city: 'Kuala Lumpur',
      state: 'Wilayah Persekutuan',
      postCode: '50450',
      country: 'MY',
    },
    identification: { type: 'PASSPORT' as const, number: 'A1234567', expiryDate: '2031-05-01' },
    nationality: 'MY',
    gender: 'F' as const,
  };
}
