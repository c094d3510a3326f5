// Worker Versioning on the dev server: the scenario of test/helpers/worker-versioning-scenario.ts
// (a pinned deposit finishes on v1 while v2 serves new flows, an auto-upgrading KYC moves to v2,
// `cardflow deploy drain-status v1` reports drained once the pinned flow ends).
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServerEnv } from '../helpers/temporal-env';
import { testOnlyDataConverter } from '../helpers/test-data-converter';
import { runWorkerVersioningScenario } from '../helpers/worker-versioning-scenario';

let env: TestWorkflowEnvironment;

before(async () => {
  env = await startDevServerEnv([], { dataConverter: testOnlyDataConverter() });
});
after(async () => {
  await env?.teardown();
});

test(
  'pinned flows finish on v1, new ones run v2, auto-upgrade flows move to v2, v1 drains',
  { timeout: 180_000 },
  async () => {
    const figures = await runWorkerVersioningScenario(env, (line) => console.log(`[versioning] ${line}`));
    console.log(`[versioning] ${JSON.stringify(figures)}`);
  },
);
