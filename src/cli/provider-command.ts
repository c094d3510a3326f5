// `cardflow provider <provider> ...`: one real, signed call to a provider with the configured
// credentials, for operators. Each provider registers its own sub-command here.
import { kazepayProviderCommand } from './providers/kazepay';
import { wasabiProviderCommand } from './providers/wasabi';
import { type CliCommand, UsageError } from './command';

/** Provider sub-commands by provider name. */
export const providerCommands: Record<string, CliCommand> = {
  kazepay: kazepayProviderCommand,
  wasabi: wasabiProviderCommand,
};

export const providerCommand: CliCommand = {
  summary: 'one signed call to a provider with the configured credentials (output masked)',
  usage: `cardflow provider <${Object.keys(providerCommands).join('|')}> ...`,
  run(args, io) {
    const [name, ...rest] = args;
    const sub = name ? providerCommands[name] : undefined;
    if (!sub) throw new UsageError(`unknown provider ${name ?? '(none)'}`);
    return sub.run(rest, io);
  },
};
