// The idiomatic-Temporal arm: the lifecycle as four workflows written the way the SDK samples
// write them (idiomatic/workflows.ts), run by a worker process of its own on its own task queue,
// on the same Temporal server as the cardflow arm, with the same data converter. Its client
// starts each workflow and waits for its result before the next, as the cardflow arm does.
import { Client, Connection } from '@temporalio/client';
import { providerOrderKey } from '../../src/contract';
import type { CodecKeyring } from '../../src/security/codec-keys';
import { createDataConverter } from '../../src/security/data-converter';
import { historySizes, type HistorySize } from './histories';
import { IDIOMATIC_TASK_QUEUE, type Wait } from './idiomatic/contract';
import type * as workflows from './idiomatic/workflows';
import { benchApplicant, lifecycleRefs, type LifecycleOutcome, type LifecycleSettings } from './lifecycle';
import { childEnv, type SandboxProcess, spawnTs, type TsChild, until } from './stack';

export interface IdiomaticArm {
  /** The arm's worker process. */
  workerPid: number;
  run(index: number): Promise<LifecycleOutcome>;
  histories(workflowIds: readonly string[]): Promise<HistorySize[]>;
  close(): Promise<void>;
}

async function startIdiomaticWorker(options: {
  address: string;
  dataDir: string;
  sandbox: SandboxProcess;
  clientTimeoutMs: number;
}): Promise<TsChild> {
  const child = spawnTs(
    'tools/bench/idiomatic/worker.ts',
    [],
    childEnv({
      TEMPORAL_ADDRESS: options.address,
      CARDFLOW_DATA_DIR: options.dataDir,
      WASABI_BASE_URL: options.sandbox.url,
      WASABI_API_KEY_FILE: options.sandbox.apiKeyFile,
      WASABI_MERCHANT_PRIVATE_KEY_FILE: options.sandbox.merchantPrivateKeyFile,
      WASABI_PLATFORM_PUBLIC_KEY_FILE: options.sandbox.platformPublicKeyFile,
      WASABI_TIMEOUT_MS: String(options.clientTimeoutMs),
    }),
  );
  await until('the idiomatic worker', child, () =>
    child.output.some((line) => line.includes('idiomatic worker running')) ? true : undefined,
  );
  return child;
}

export async function createIdiomaticArm(options: {
  runId: string;
  /** Tells apart lifecycles of different servers in one run. */
  tag: string;
  settings: LifecycleSettings;
  address: string;
  keyring: CodecKeyring;
  dataDir: string;
  sandbox: SandboxProcess;
}): Promise<IdiomaticArm> {
  const { settings } = options;
  const worker = await startIdiomaticWorker({
    address: options.address,
    dataDir: options.dataDir,
    sandbox: options.sandbox,
    clientTimeoutMs: settings.clientTimeoutMs,
  });
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: createDataConverter(options.keyring),
  });
  const wait: Wait = { pollIntervalMs: settings.pollIntervalMs, deadlineMs: settings.deadlineMs };

  async function run(index: number): Promise<LifecycleOutcome> {
    const refs = lifecycleRefs(options.runId, `id${options.tag}`, index);
    const ids = {
      kyc: `${refs.key}-kyc`,
      issuance: `${refs.key}-issuance`,
      deposit: `${refs.key}-deposit`,
      closure: `${refs.key}-closure`,
    };
    const start = { taskQueue: IDIOMATIC_TASK_QUEUE };

    const { holderId } = await client.workflow.execute<typeof workflows.idiomaticKyc>('idiomaticKyc', {
      ...start,
      workflowId: ids.kyc,
      args: [
        {
          cardTypeId: settings.cardTypeId,
          applicant: benchApplicant(refs.key),
          holderKey: providerOrderKey(ids.kyc, 'holder'),
          wait,
        },
      ],
    });
    const { cardNo } = await client.workflow.execute<typeof workflows.idiomaticIssuance>(
      'idiomaticIssuance',
      {
        ...start,
        workflowId: ids.issuance,
        args: [
          {
            cardTypeId: settings.cardTypeId,
            holderId,
            initialDeposit: settings.initialDeposit,
            openKey: providerOrderKey(ids.issuance, 'open'),
            wait,
          },
        ],
      },
    );
    const { orderNo } = await client.workflow.execute<typeof workflows.idiomaticDeposit>('idiomaticDeposit', {
      ...start,
      workflowId: ids.deposit,
      args: [
        {
          cardNo,
          amount: settings.depositAmount,
          depositKey: providerOrderKey(ids.deposit, 'deposit'),
          wait,
        },
      ],
    });
    const { refundAmount } = await client.workflow.execute<typeof workflows.idiomaticClosure>(
      'idiomaticClosure',
      {
        ...start,
        workflowId: ids.closure,
        args: [{ cardNo, cancelKey: providerOrderKey(ids.closure, 'cancel'), wait }],
      },
    );
    return {
      holderId,
      cardNo,
      depositOrderNo: orderNo,
      refundAmount,
      workflowIds: [ids.kyc, ids.issuance, ids.deposit, ids.closure],
    };
  }

  return {
    workerPid: worker.pid,
    run,
    histories: (workflowIds) => historySizes(client, workflowIds),
    async close() {
      await connection.close();
      await worker.stop(5000);
    },
  };
}
