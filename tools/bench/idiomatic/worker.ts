// The idiomatic arm's worker process, as the samples start one: Worker.create with the workflows'
// path (bundled at start), the activities, its own task queue, the SDK's defaults for everything
// else, and cardflow's production data converter (encryption codec and failure converter), so
// that payload encoding costs both arms alike. Settings come from the environment; it prints one
// line once it polls.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadCodecKeyring } from '../../../src/security/codec-keys';
import { createDataConverter } from '../../../src/security/data-converter';
import { createIdiomaticActivities } from './activities';
import { IDIOMATIC_TASK_QUEUE } from './contract';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = required('CARDFLOW_DATA_DIR');
  // The keyring the bench created for every worker of the run.
  const { keyring } = loadCodecKeyring({ env: { CARDFLOW_DATA_DIR: dataDir }, devKeys: 'generate' });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: IDIOMATIC_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: createIdiomaticActivities({
      wasabiUrl: required('WASABI_BASE_URL'),
      apiKeyFile: required('WASABI_API_KEY_FILE'),
      merchantPrivateKeyFile: required('WASABI_MERCHANT_PRIVATE_KEY_FILE'),
      platformPublicKeyFile: required('WASABI_PLATFORM_PUBLIC_KEY_FILE'),
      timeoutMs: Number(required('WASABI_TIMEOUT_MS')),
      dataDir,
    }),
    dataConverter: createDataConverter(keyring),
  });
  console.log(`idiomatic worker running on ${IDIOMATIC_TASK_QUEUE}`);
  // Ends on SIGINT or SIGTERM (the runtime's shutdown signals) once in-flight tasks are done.
  await worker.run();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
