// The service's boundary: inputs checked with the contract's schemas, and the typed client's
// errors turned into what a Nexus caller understands. A refused input is a BAD_REQUEST handler
// error (not retried) whose message names fields and rules, never a value; a flow that ended
// badly is a failed (or canceled) operation carrying the flow's own failure.
import * as nexus from 'nexus-rpc';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { z } from 'zod';
import { CardflowInputError, checkInput, DepositConflictError } from '../client';

/** `value` as `schema` reads it, or BAD_REQUEST naming the fields. */
export function validated<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  try {
    return checkInput(what, schema, value);
  } catch (error) {
    throw asNexusError(error);
  }
}

/** The Nexus error for an error of the typed client; any other error is returned as it is (INTERNAL, retried). */
export function asNexusError(error: unknown): unknown {
  if (error instanceof CardflowInputError) return new nexus.HandlerError('BAD_REQUEST', error.message);
  if (error instanceof DepositConflictError)
    return new nexus.OperationError('failed', error.message, { cause: error });
  if (error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause ?? error;
    return new nexus.OperationError(
      cause instanceof CancelledFailure ? 'canceled' : 'failed',
      cause.message,
      {
        cause,
      },
    );
  }
  if (error instanceof WorkflowNotFoundError)
    return new nexus.HandlerError('NOT_FOUND', `no flow ${error.workflowId}`);
  // An account closed for good refuses the update-with-start that would reopen it.
  if (error instanceof WorkflowExecutionAlreadyStartedError)
    return new nexus.OperationError('failed', `${error.workflowId} is closed`, { cause: error });
  return error;
}

/** Runs `work`, throwing its errors as Nexus errors. */
export async function atBoundary<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asNexusError(error);
  }
}
