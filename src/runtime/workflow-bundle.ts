// The one description of the product workflow bundle: the build (scripts/bundle-workflows.ts),
// the recording of test histories and the replay tests all bundle with these options, so what is
// replay-tested is what production runs.
import type { BundleOptions } from '@temporalio/worker';
import { workflowBundleConverterOptions } from '../security/data-converter';

/** The product workflows module: exactly the workflow types of the public contract. */
export const PRODUCT_WORKFLOWS_PATH: string = require.resolve('../../workflows');

/**
 * Workflow interceptor modules of the product bundle (add them here, not per caller): the flow
 * metrics, which count each flow's start and end and issue no command.
 */
export const PRODUCT_WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [
  require.resolve('../../workflows/support/metrics'),
];

/**
 * Options for `bundleWorkflowCode` that give the production bundle: the product workflows, its
 * interceptors and the encoding failure converter. `overrides` may swap the workflows module (a
 * test variant) or add a logger, never drop the converter.
 */
export function productBundleOptions(overrides: Partial<BundleOptions> = {}): BundleOptions {
  return {
    workflowsPath: PRODUCT_WORKFLOWS_PATH,
    workflowInterceptorModules: [...PRODUCT_WORKFLOW_INTERCEPTOR_MODULES],
    ...overrides,
    ...workflowBundleConverterOptions,
  };
}
