// `cardflow sandbox <provider> ...`: runs a provider's sandbox standalone until interrupted.
// Each provider registers its own sub-command here.
import { kazepaySandboxCommand } from '../sandbox/kazepay/cli';
import { wasabiSandboxCommand } from '../sandbox/wasabi/cli';
import { type CliCommand, UsageError } from '../../src/cli/command';

/** Sandbox sub-commands by provider name. */
export const sandboxCommands: Record<string, CliCommand> = {
  kazepay: kazepaySandboxCommand,
  wasabi: wasabiSandboxCommand,
};

export const sandboxCommand: CliCommand = {
  summary: 'run a provider sandbox (a local, faithful stand-in for the provider)',
  usage: `cardflow sandbox <${Object.keys(sandboxCommands).join('|')}> ...`,
  run(args, io) {
    const [name, ...rest] = args;
    const sub = name ? sandboxCommands[name] : undefined;
    if (!sub) throw new UsageError(`unknown sandbox ${name ?? '(none)'}`);
    return sub.run(rest, io);
  },
};
