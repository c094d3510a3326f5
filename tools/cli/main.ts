// `npm run cardflow -- <command>` (and npm start, cluster, demo): the development command line.
import { runCli as runWith, runProcess } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/command';
import { commands } from './commands';

export function runCli(argv: string[], io: CliIO): Promise<number> {
  return runWith(argv, io, commands);
}

if (require.main === module) runProcess(commands);
