// Webhook routing before the flow carries the card (issue 20): a KazePay activation with
// autoActive learns its card id from ucardAssign's answer and only then sets CardRef, while the
// card can turn ACTIVE (and KazePay send cardStatusNotify) before that CardRef is visible. Here the
// assign's answer is held in the worker until the notification has come: the API must still reach
// the activation. (Where the visibility store lags behind the flow, as an Elasticsearch store may,
// the same notification can come after the wait's first read; without routing it the wait would
// run to its next poll.) Dev server, both sandboxes, real HTTP.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { kazepayFlows } from '../../helpers/kazepay-flows';
import { LifecycleEnv } from '../../helpers/lifecycle-env';
import { startDevServerEnv } from '../../helpers/temporal-env';
import { eventually } from '../../helpers/wasabi-flows';
import { type ApiUnderTest, startApi } from './helpers';

/** How long the worker holds the next kazepayAssignCard's answer (armed by the test). */
let holdAssignMs = 0;
const holdAssign: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: async (input, next) => {
      const result = await next(input);
      if (ctx.info.activityType === 'kazepayAssignCard' && holdAssignMs > 0) {
        const ms = holdAssignMs;
        holdAssignMs = 0;
        await sleep(ms);
      }
      return result;
    },
  },
});

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let api: ApiUnderTest;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env, { interceptors: { activity: [holdAssign] } });
  api = await startApi(life);
  await life.kazepayClientWith().setWebhookUrl({ url: `${api.url}/webhooks/kazepay` });
});
after(async () => {
  await api?.close();
  await life?.close();
  await env?.teardown();
});

test('a KazePay cardStatusNotify that comes before the activation carries its card reaches it', async () => {
  const flows = kazepayFlows(life);
  // The sandbox runs at 1/100 of KazePay's pace: ACTIVE 0.2 s after the assign.
  const { handle } = await life.withKazepayTimings({ activationMs: 20_000 }, async () => {
    holdAssignMs = 3_000;
    const started = await flows.startActivation('early', {
      autoActive: true,
      activation: { pollInterval: '1h', deadline: '2h' },
    });
    const notified = await eventually(
      'the cardStatusNotify of the assigned card',
      () =>
        api.app.cardflow.webhooks
          .entries({ provider: 'kazepay' })
          .find((e) => e.event === 'cardStatusNotify' && e.status === 'ACTIVE'),
      20_000,
    );
    // It came while the flow was still waiting for the assign's answer (no CardRef yet).
    assert.equal((await started.handle.describe()).searchAttributes.CardRef, undefined);
    assert.equal(notified.outcome, 'signalled', JSON.stringify(notified));
    assert.deepEqual(notified.workflowIds, [started.handle.workflowId]);
    return started;
  });
  const result = await handle.result();
  assert.equal(result.outcome, 'ACTIVE');
  const history = await handle.fetchHistory();
  assert.ok(
    (history.events ?? []).some((e) => e.workflowExecutionSignaledEventAttributes),
    'the notification reached the flow',
  );
});
