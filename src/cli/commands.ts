import { apiCommand } from '../api/command';
import { demoCommand } from '../demo/command';
import { clusterCommand } from '../dev/cluster/command';
import { devCommand } from '../dev/command';
import { workerCommand } from '../runtime/worker-command';
import { codecServerCommand } from '../security/codec-server-command';
import type { CliCommand } from './command';
import { flowsCommand } from './flows-command';
import { providerCommand } from './provider-command';
import { sandboxCommand } from './sandbox-command';

/** Every `cardflow` sub-command by name. Provider and sandbox commands register here. */
export const commands: Record<string, CliCommand> = {
  flows: flowsCommand,
  provider: providerCommand,
  sandbox: sandboxCommand,
  'codec-server': codecServerCommand,
  worker: workerCommand,
  api: apiCommand,
  dev: devCommand,
  cluster: clusterCommand,
  demo: demoCommand,
};
