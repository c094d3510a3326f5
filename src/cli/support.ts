// Pieces the product's commands share (the tools' commands use them too).
import { ProviderError, ProviderRejectedError, ProviderValidationError } from '../providers/errors';
import { redactText } from '../logging/redaction';
import type { CliIO } from './command';

/** Command-line flags override the environment; a flag also hides the variable's `_FILE` form. */
export function flagsOverEnv(
  env: NodeJS.ProcessEnv,
  flags: Record<string, string | undefined>,
): NodeJS.ProcessEnv {
  const merged = { ...env };
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    merged[name] = value;
    delete merged[`${name}_FILE`];
  }
  return merged;
}

/** Resolves when the process is asked to stop (or when `until` resolves, in tests). */
export function stopRequested(until?: Promise<void>): Promise<void> {
  return (
    until ??
    new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    })
  );
}

/**
 * Stops a running stack in order. Ctrl-C reaches npm and this process together, and npm passes it
 * on again: a second signal must not cut the orderly stop short.
 */
export async function stopInOrder(stop: () => Promise<void>, io: CliIO): Promise<void> {
  const again = () => io.out('still stopping...');
  process.on('SIGINT', again);
  process.on('SIGTERM', again);
  io.out('stopping...');
  try {
    await stop();
  } finally {
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  }
  io.out('stopped');
}

/** Prints a provider failure for an operator and returns the exit code (2: refused input). */
export function reportProviderError(io: CliIO, error: unknown): number {
  if (error instanceof ProviderValidationError) {
    io.err(`${error.name}:\n${error.issues.map((i) => `  ${i.field}: ${i.rule}`).join('\n')}`);
    return 2;
  }
  if (error instanceof ProviderRejectedError) {
    io.err(`${error.name}: code=${error.code} detail=${redactText(error.detail)}`);
    return 1;
  }
  if (error instanceof ProviderError) {
    io.err(`${error.name}: ${error.message}`);
    return 1;
  }
  throw error;
}
