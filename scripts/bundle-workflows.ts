// Pre-bundles the product workflows at build time, so a bundling error fails the build
// rather than a worker start. The worker loads dist/workflow-bundle.js in production. The options
// (workflows, interceptors, the encoding failure converter) are the ones the replay tests use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { productBundleOptions } from '../src/runtime/workflow-bundle';

export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'dist', 'workflow-bundle.js');

async function main() {
  const started = Date.now();
  const { code } = await bundleWorkflowCode(productBundleOptions());
  mkdirSync(join(WORKFLOW_BUNDLE_PATH, '..'), { recursive: true });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(
    `workflow bundle: ${WORKFLOW_BUNDLE_PATH} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
