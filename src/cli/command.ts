// What a `cardflow` sub-command is. Kept apart from main.ts so command modules can import it
// without importing the command registry (which imports them: a cycle).

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The whole of standard input (`--input -`); process.stdin when not given. */
  readStdin?: () => Promise<string>;
}

export interface CliCommand {
  /** One line for `cardflow help`. */
  summary: string;
  usage: string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
