// `cardflow worker`: runs the worker process from configuration until SIGTERM/SIGINT, then stops
// polling and lets running tasks finish within CARDFLOW_WORKER_SHUTDOWN_GRACE. `--dev` (local
// development only) uses the generated development codec keyring when none is configured.
import { Runtime } from '@temporalio/worker';
import type { CliCommand } from './command';
import { stopRequested } from './support';
import { redactText } from '../logging/redaction';
import { ConfigError } from '../config/env';
import { loadWorkerSettings, startWorker } from '../runtime/worker';

export const workerCommand: CliCommand = {
  summary: 'run the worker (workflows and activities on the card-lifecycle task queue)',
  usage: 'cardflow worker [--dev]',
  async run(args, io) {
    const unknown = args.find((a) => a !== '--dev');
    if (unknown !== undefined) {
      io.err(`cardflow worker: unknown option ${unknown}\nusage: ${workerCommand.usage}`);
      return 2;
    }
    let settings;
    try {
      settings = loadWorkerSettings(process.env, { devKeys: args.includes('--dev') ? 'generate' : 'forbid' });
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(error.message);
        return 2;
      }
      throw error;
    }
    let worker;
    try {
      worker = await startWorker(settings);
    } catch (error) {
      io.err(`cardflow worker: ${error instanceof Error ? redactText(error.message) : 'start failed'}`);
      // A native runtime may be installed and would keep this process alive.
      await Runtime.instance()
        .shutdown()
        .catch(() => undefined);
      return error instanceof ConfigError ? 2 : 1;
    }
    void stopRequested().then(() => worker.shutdown());
    try {
      await worker.done;
    } catch {
      return 1;
    }
    return 0;
  },
};
