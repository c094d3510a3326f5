// A flow entering NEEDS_RECONCILIATION is counted on the worker's Prometheus endpoint (issue 23,
// item 4): a KazePay deposit whose recharges never land waits for a person, and
// cardflow_flows_needs_reconciliation moves by one for cardDeposit on kazepay. Dev server, the
// KazePay sandbox with faults, the product bundle (with its metrics interceptor).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { stateQuery, TASK_QUEUE, workflowIds } from '../../../src/contract';
import { createLogger } from '../../../src/logging/logger';
import { installTemporalRuntime } from '../../../src/runtime/temporal-runtime';
import { productBundleOptions } from '../../../src/runtime/workflow-bundle';
import { freePort } from '../../../tools/dev/ports';
import type * as KazepayFlowHelpers from '../../helpers/kazepay-flows';
import type * as LifecycleHelpers from '../../helpers/lifecycle-env';
import type { LifecycleEnv } from '../../helpers/lifecycle-env';
import { parsePrometheusText } from '../../helpers/prometheus-text';
import { startDevServerEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let helpers: typeof LifecycleHelpers & typeof KazepayFlowHelpers;
let metricsAddress: string;
before(async () => {
  metricsAddress = `127.0.0.1:${await freePort()}`;
  // The runtime with the Prometheus endpoint before the helpers: importing them installs a plain one.
  installTemporalRuntime(createLogger({ level: 'error', name: 'reconciliation-metric-test' }), {
    metricsBindAddress: metricsAddress,
  });
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the runtime, see above */
  helpers = {
    ...(require('../../helpers/lifecycle-env') as typeof LifecycleHelpers),
    ...(require('../../helpers/kazepay-flows') as typeof KazepayFlowHelpers),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  env = await startDevServerEnv();
  life = await helpers.LifecycleEnv.start(env, {
    workflowBundle: await bundleWorkflowCode(productBundleOptions()),
  });
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

async function entered(): Promise<number> {
  const page = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  return parsePrometheusText(page)
    .filter(
      (s) =>
        s.name === 'cardflow_flows_needs_reconciliation' &&
        s.labels.workflowType === 'cardDeposit' &&
        s.labels.provider === 'kazepay',
    )
    .reduce((total, s) => total + s.value, 0);
}

test('a deposit waiting for a person moves cardflow_flows_needs_reconciliation by one', async () => {
  const cardId = await helpers.kazepayFlows(life).activeCard('metric-person');
  const before = await entered();
  // Requests that never land: every send ends without an answer, the reads find nothing.
  life.kazepay.control.faults.setRates({ lateApplyRate: 1, lateApplyMs: 1e9 }, 'cardRecharge');
  const depositRef = helpers.uniqueRef('metric');
  const handle = await life.client.workflow.start('cardDeposit', {
    workflowId: workflowIds.cardDeposit('kazepay', cardId, depositRef),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        depositRef,
        amount: '8.00',
        currency: 'USD',
        settlement: { pollInterval: '100ms' },
        reconcile: { settle: '500ms' },
      },
    ],
  });
  try {
    const until = Date.now() + 60_000;
    while ((await handle.query(stateQuery)).state !== 'NEEDS_RECONCILIATION') {
      assert.ok(Date.now() < until, 'the deposit reached NEEDS_RECONCILIATION');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    life.kazepay.control.faults.setRates({}, 'cardRecharge');
  }
  let now = before;
  for (let tries = 0; tries < 50 && now === before; tries++) {
    await new Promise((r) => setTimeout(r, 200));
    now = await entered();
  }
  assert.equal(now - before, 1);
  await handle.terminate('test done');
});
