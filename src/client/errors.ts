// What the typed client refuses before sending anything: an input the contract does not accept, a
// deposit reference used again with other terms.
import type { z } from 'zod';
import type { DepositTerms } from '../contract';

/** An input refused by the contract's schema: nothing was sent. Issues name fields and rules, never values. */
export class CardflowInputError extends Error {
  override name = 'CardflowInputError';
  constructor(
    readonly what: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`${what}: invalid input: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`);
  }
}

/** `value` as `schema` reads it, or CardflowInputError naming the fields (the client's own check). */
export function checkInput<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CardflowInputError(
    what,
    parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

/** A depositRef was used before with another amount or currency: nothing was started or moved. */
export class DepositConflictError extends Error {
  override readonly name = 'DepositConflictError';
  constructor(
    readonly workflowId: string,
    readonly first: DepositTerms,
  ) {
    super(
      `${workflowId} was already made for ${first.amount} ${first.currency}: a repeat must carry the same amount and currency`,
    );
  }
}
