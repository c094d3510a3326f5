import { apiCommand } from './api-command';
import { auditCommand } from './audit-command';
import { workerCommand } from './worker-command';
import { codecServerCommand } from './codec-server-command';
import { deployCommand } from './deploy-command';
import type { CliCommand } from './command';
import { flowsCommand } from './flows-command';
import { providerCommand } from './provider-command';
import { replayCommand } from './replay-command';

/**
 * The product's `cardflow` sub-commands by name: what the image ships. The development tools
 * (dev stack, cluster, demo, sandboxes) add theirs in tools/cli/commands.ts.
 */
export const commands: Record<string, CliCommand> = {
  flows: flowsCommand,
  provider: providerCommand,
  replay: replayCommand,
  'codec-server': codecServerCommand,
  worker: workerCommand,
  api: apiCommand,
  audit: auditCommand,
  deploy: deployCommand,
};
