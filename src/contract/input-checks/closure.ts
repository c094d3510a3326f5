// closureInputSchema as a plain check (see rules.ts).
import type { ClosureParsedInput } from '../closure';
import { object, passed, provider, reconcileOptions, ref, waitOptions } from './rules';

const closureInput = object(
  { provider, cardRef: ref },
  { customerRef: ref, completion: waitOptions, reconcile: reconcileOptions },
);

/** The input as closureInputSchema parses it, when the plain check passes it; else undefined. */
export const checkClosureInput = (raw: unknown): ClosureParsedInput | undefined =>
  passed<ClosureParsedInput>(closureInput, raw);
