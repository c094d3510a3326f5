// `cardflow demo [--json]` (npm run demo): see run.ts. Exit code 0 only when every flow reached
// its expected end and both sandbox ledgers balance.
import type { CliCommand } from '../../src/cli/command';
import { PortInUseError } from '../dev/ports';
import { ConfigError } from '../../src/config/env';
import { runDemo } from './run';

export const demoCommand: CliCommand = {
  summary: 'play every flow through the HTTP API on the dev stack (booted if none runs) and check the books',
  usage: 'cardflow demo [--json]',
  async run(args, io) {
    const unknown = args.find((a) => a !== '--json');
    if (unknown !== undefined) {
      io.err(`cardflow demo: unknown option ${unknown}\nusage: ${demoCommand.usage}`);
      return 2;
    }
    const json = args.includes('--json');
    try {
      const summary = await runDemo({
        json,
        print: json ? (line) => io.err(line) : (line) => io.out(line),
        live: !json && process.stdout.isTTY === true,
      });
      if (json) io.out(JSON.stringify(summary));
      return summary.ok ? 0 : 1;
    } catch (error) {
      if (error instanceof PortInUseError || error instanceof ConfigError) {
        io.err(`cardflow demo: ${error.message}`);
        return 2;
      }
      io.err(`cardflow demo: ${(error as Error).message}`);
      if (json) io.out(JSON.stringify({ ok: false, errors: [(error as Error).message], flows: [] }));
      return 1;
    }
  },
};
