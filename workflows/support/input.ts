// Workflow inputs are validated inside the workflow too: a bad input from any SDK or the CLI
// must fail the flow with ValidationFailed, not fail workflow tasks forever.
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { FAILURE_TYPES } from '../../src/contract/failures';

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Field paths and rules only: values may be personal data.
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
  throw ApplicationFailure.create({
    type: FAILURE_TYPES.validationFailed,
    message: `invalid ${what}: ${issues}`,
    nonRetryable: true,
  });
}

/**
 * The input as the contract's plain check passes it (src/contract/input-checks/); an input the
 * check does not pass is parsed by the zod schema, loaded only then, which stays the judge (and
 * words the ValidationFailed). The SDK evaluates a flow's modules for every execution, so a
 * valid input this way builds no zod schema graph (docs/benchmark.md). Issues no command.
 */
export function checkInput<S extends z.ZodType>(
  check: (raw: unknown) => z.output<S> | undefined,
  schema: () => S,
  raw: unknown,
  what: string,
): z.output<S> {
  return check(raw) ?? parseInput(schema(), raw, what);
}
