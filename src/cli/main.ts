// `cardflow <command> ...`: the operator's command line. Each command lives in its own module
// and registers under a name here; `cardflow help` lists them.
import { type CliCommand, type CliIO, UsageError } from './command';
import { commands } from './commands';

export { type CliCommand, type CliIO, UsageError } from './command';

export async function runCli(
  argv: string[],
  io: CliIO,
  table: Record<string, CliCommand> = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? table[name] : undefined;
  const usage = (print: (line: string) => void) => {
    print('usage: cardflow <command> [...]\n');
    for (const [n, c] of Object.entries(table))
      print(`  ${n.padEnd(12)} ${c.summary}\n               ${c.usage}`);
  };
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    usage(io.out);
    return name === undefined ? 2 : 0;
  }
  if (!command) {
    io.err(`cardflow: unknown command ${JSON.stringify(name)}`);
    usage(io.err);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cardflow ${name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    io.err(`cardflow ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Runs the command line of this process with `table` and sets its exit code. */
export function runProcess(table: Record<string, CliCommand> = commands): void {
  runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }, table).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runProcess();
