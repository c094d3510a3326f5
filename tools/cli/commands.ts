// The development `cardflow`: the product's commands plus the tools' (dev stack, cluster, demo,
// provider sandboxes). npm scripts run this one; the image ships src/cli/main.ts only.
import { commands as productCommands } from '../../src/cli/commands';
import type { CliCommand } from '../../src/cli/command';
import { demoCommand } from '../demo/command';
import { clusterCommand } from '../dev/cluster/command';
import { devCommand } from '../dev/command';
import { sandboxCommand } from './sandbox-command';

export const commands: Record<string, CliCommand> = {
  ...productCommands,
  sandbox: sandboxCommand,
  dev: devCommand,
  cluster: clusterCommand,
  demo: demoCommand,
};
