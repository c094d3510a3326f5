// A registry entry for a flow a provider does not offer: asking for its steps fails the flow the
// way a bad input does (ValidationFailed, nothing sent), naming the provider, never a value.
import { ApplicationFailure } from '@temporalio/workflow';
import type { WorkflowType } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';

export function unsupported(flow: WorkflowType, why: string): () => never {
  return () => {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.validationFailed,
      message: `invalid ${flow} input: provider: ${why}`,
      nonRetryable: true,
    });
  };
}
