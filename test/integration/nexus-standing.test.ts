// The five workflow-run operations of the `cardflow` Nexus service (src/nexus/flow-run-operation.ts)
// for every standing of their workflow id (absent, running, closed freeing the id or not) under each
// reuse rule (src/client/reuse.ts), and what the handler costs the server: the gRPC calls of the
// handler's client (the worker's own connection), counted. A new id is one StartWorkflowExecution
// (a deposit then reads its stored input, for its terms); an id is described only after the server
// refused the start. A caller workflow calls cardflow's real handlers through a real endpoint on a
// dev server; the flows are the test stand-ins (test/fixtures/workflows/standing-workflows.ts),
// which end as a signal tells them. test/integration/nexus.test.ts runs the real flows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createCardflowClient, type CardflowClient } from '../../src/client';
import { workflowIdOf } from '../../src/client/flow-types';
import { REUSE_RULE } from '../../src/client/reuse';
import type { OneShotFlow } from '../../src/client/start-options';
import { TASK_QUEUE } from '../../src/contract';
import { ensureNexusEndpoint } from '../../src/nexus/endpoint';
import { createCardflowServiceHandler } from '../../src/nexus/handlers';
import { uniqueRef } from '../helpers/lifecycle-env';
import { endStandIn as end, type StandingEnding, standingInput as inputOf } from '../helpers/standing-flows';
import { bundleOnce, startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let cardflow: CardflowClient;
/** The gRPC methods the Nexus handlers' client called, in order (e.g. 'StartWorkflowExecution'). */
let calls: string[] = [];

before(async () => {
  env = await startDevServerEnv();
  // The worker's connection, counted: its client is the one the handlers get (getClient()).
  connection = await NativeConnection.connect({ address: env.address });
  const service = connection.workflowService;
  const send = service.rpcImpl;
  assert.ok(send);
  service.rpcImpl = (method, data, callback) => {
    calls.push(method.name);
    send(method, data, callback);
  };
  worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleOnce(require.resolve('../fixtures/workflows/nexus-standing-workflows')),
    nexusServices: [createCardflowServiceHandler()],
  });
  running = worker.run();
  await ensureNexusEndpoint(env.connection, { namespace: 'default', taskQueue: TASK_QUEUE });
  // Another door, on the test's own connection (not counted).
  cardflow = createCardflowClient({ client: env.client, taskQueue: TASK_QUEUE });
});
after(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await env?.teardown();
});

/** How the caller's history recorded the handler's answer. */
type Answer = 'started' | 'completed' | 'failed' | 'canceled';

/**
 * Calls `type`'s operation from a caller workflow and waits for the handler's answer: `started`
 * (a run backs the operation), or a sync `completed`, `failed` or `canceled`. `calls` is then what
 * the handler called (it has returned before the caller's history records its answer).
 */
async function callOperation(type: OneShotFlow, input: unknown) {
  calls = [];
  const caller = await env.client.workflow.start('callCardflow', {
    workflowId: uniqueRef('caller'),
    taskQueue: TASK_QUEUE,
    args: [type, input],
  });
  const until = Date.now() + 30_000;
  for (;;) {
    const { events } = await caller.fetchHistory();
    const answer: Answer | undefined = events?.some((e) => e.nexusOperationStartedEventAttributes)
      ? 'started'
      : events?.some((e) => e.nexusOperationCompletedEventAttributes)
        ? 'completed'
        : events?.some((e) => e.nexusOperationFailedEventAttributes)
          ? 'failed'
          : events?.some((e) => e.nexusOperationCanceledEventAttributes)
            ? 'canceled'
            : undefined;
    if (answer) return { caller, answer, calls: [...calls] };
    if (Date.now() > until) assert.fail(`no answer to the ${type} operation (calls: ${calls.join(', ')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An error and its causes, one line (class: message <- ...). */
function chain(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
    parts.push(`${(e as object).constructor.name}: ${e.message}`);
  return parts.join(' <- ');
}

/** The caller's failure, as one line. */
async function callerFailure(caller: WorkflowHandle): Promise<string> {
  try {
    await caller.result();
  } catch (error) {
    return chain(error);
  }
  return assert.fail('the caller completed');
}

const flowOf = (type: OneShotFlow, input: unknown) =>
  env.client.workflow.getHandle(workflowIdOf(type, input));

const ONE_SHOT: OneShotFlow[] = [
  'kycVerification',
  'physicalCardActivation',
  'virtualCardIssuance',
  'cardDeposit',
  'cardClosure',
];

/** After the handler's start: a deposit reads the stored input of the run it started or joined. */
const termsRead = (type: OneShotFlow) => (type === 'cardDeposit' ? ['GetWorkflowExecutionHistory'] : []);

describe('a new id: the operation starts the flow, with no describe', () => {
  for (const type of ONE_SHOT)
    test(`${type}: one StartWorkflowExecution; the caller gets the flow's result`, async () => {
      const input = inputOf(type);
      const { caller, answer, calls } = await callOperation(type, input);
      assert.deepEqual(calls, ['StartWorkflowExecution', ...termsRead(type)]);
      assert.equal(answer, 'started');
      const flow = flowOf(type, input);
      assert.equal((await flow.describe()).status.name, 'RUNNING');
      await end(flow, 'complete');
      assert.equal(await caller.result(), 'completed');
    });
});

describe('a taken id: attached, answered, or started again where the rule frees it', () => {
  for (const type of ['kycVerification', 'cardDeposit'] as const)
    test(`${type} running (started by the typed client): attached, no second run`, async () => {
      const input = inputOf(type);
      const first = await cardflow.starter.startOrFind(type, input);
      const { caller, answer, calls } = await callOperation(type, input);
      // USE_EXISTING: the server attaches the operation to the run; nothing is described.
      assert.deepEqual(calls, ['StartWorkflowExecution', ...termsRead(type)]);
      assert.equal(answer, 'started');
      assert.equal((await first.handle.describe()).runId, first.runId);
      await end(first.handle, 'complete');
      assert.equal(await caller.result(), 'completed');
    });

  // [type, how the first run ends, started again?]
  const cases: [OneShotFlow, StandingEnding, boolean][] = [
    // unless-completed: the server itself starts again after any ending but completion.
    ['kycVerification', 'complete', false],
    ['kycVerification', 'fail', true],
    ['kycVerification', 'terminate', true],
    ['physicalCardActivation', 'cancel', true],
    ['cardClosure', 'complete', false],
    // nothing-sent: only a FAILED run marked NothingSent frees the id, which the server cannot see.
    ['cardDeposit', 'complete', false],
    ['cardDeposit', 'fail', false],
    ['cardDeposit', 'fail-nothing-sent', true],
    ['cardDeposit', 'terminate', false],
    ['cardDeposit', 'cancel', false],
    ['virtualCardIssuance', 'fail', false],
    ['virtualCardIssuance', 'fail-nothing-sent', true],
  ];
  const ANSWER: Record<StandingEnding, Answer> = {
    complete: 'completed',
    fail: 'failed',
    'fail-nothing-sent': 'failed',
    terminate: 'failed',
    cancel: 'canceled',
  };

  for (const [type, ending, startsAgain] of cases)
    test(`${type} closed by ${ending}: ${startsAgain ? 'a new run' : 'the closed run answered'}`, async () => {
      const input = inputOf(type);
      const first = await cardflow.starter.startOrFind(type, input);
      await end(first.handle, ending);
      const { caller, answer, calls } = await callOperation(type, input);
      const flow = flowOf(type, input);
      const latest = await flow.describe();
      if (startsAgain) {
        assert.equal(answer, 'started');
        assert.deepEqual(
          calls,
          REUSE_RULE[type] === 'unless-completed'
            ? ['StartWorkflowExecution', ...termsRead(type)]
            : [
                // Refused (REJECT_DUPLICATE), described, the failure's NothingSent read, started again.
                'StartWorkflowExecution',
                'DescribeWorkflowExecution',
                'GetWorkflowExecutionHistoryReverse',
                'StartWorkflowExecution',
                ...termsRead(type),
              ],
        );
        assert.deepEqual([latest.status.name, latest.runId === first.runId], ['RUNNING', false]);
        await end(flow, 'complete');
        assert.equal(await caller.result(), 'completed');
      } else {
        // Refused, then described: the closed run is answered, never started again.
        assert.equal(answer, ANSWER[ending]);
        assert.deepEqual(calls.slice(0, 2), ['StartWorkflowExecution', 'DescribeWorkflowExecution']);
        assert.equal(calls.filter((c) => c === 'StartWorkflowExecution').length, 1);
        assert.equal(latest.runId, first.runId);
        if (ending === 'complete') assert.equal(await caller.result(), 'completed');
        else
          assert.match(
            await callerFailure(caller),
            { fail: /ended as fail/, terminate: /terminated/i, cancel: /Cancel/ }[ending as string] ?? /./,
          );
      }
    });
});

describe('a deposit ref with other terms', () => {
  const conflict = /already made for 10 USD/;

  test('running: the operation fails with the conflict; the run goes on', async () => {
    const input = inputOf('cardDeposit', '10');
    const first = await cardflow.starter.startOrFind('cardDeposit', input);
    const { caller, answer } = await callOperation('cardDeposit', { ...input, amount: '11' });
    assert.equal(answer, 'failed');
    assert.match(await callerFailure(caller), conflict);
    const now = await first.handle.describe();
    assert.deepEqual([now.runId, now.status.name], [first.runId, 'RUNNING']);
    await end(first.handle, 'terminate');
  });

  test('closed and kept: the conflict, not the closed result', async () => {
    const input = inputOf('cardDeposit', '10');
    const first = await cardflow.starter.startOrFind('cardDeposit', input);
    await end(first.handle, 'complete');
    const { caller, answer } = await callOperation('cardDeposit', { ...input, amount: '11' });
    assert.equal(answer, 'failed');
    assert.match(await callerFailure(caller), conflict);
  });

  test('freed (failed before sending): started again with the new terms', async () => {
    const input = inputOf('cardDeposit', '10');
    const first = await cardflow.starter.startOrFind('cardDeposit', input);
    await end(first.handle, 'fail-nothing-sent');
    const { caller, answer } = await callOperation('cardDeposit', { ...input, amount: '12' });
    assert.equal(answer, 'started');
    const flow = flowOf('cardDeposit', input);
    const latest = await flow.describe();
    assert.deepEqual([latest.status.name, latest.runId === first.runId], ['RUNNING', false]);
    await end(flow, 'complete');
    assert.equal(await caller.result(), 'completed');
  });
});
