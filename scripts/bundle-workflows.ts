// Pre-bundles the product workflows at build time, so a bundling error fails the build
// rather than a worker start. The worker loads dist/workflow-bundle.js in production.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'dist', 'workflow-bundle.js');

async function main() {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
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
