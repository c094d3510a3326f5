// How a start ends for every standing of its workflow id (absent, running, closed freeing the id
// or not) under each reuse rule (src/client/reuse.ts), and what it costs the server: the gRPC calls
// the typed client makes, counted by an interceptor on its connection. A fresh id is one
// StartWorkflowExecution; a describe (and a closed run's last event) is read only when the server
// refuses the start because the id is taken. On a real dev server, with test stand-ins of the six
// flow types (test/fixtures/workflows/standing-workflows.ts) that end as a signal tells them.
// Also the card account's followDeposit activity on the same connection: one describe per look.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createCardflowClient, type CardflowClient, DepositConflictError } from '../../src/client';
import { followDeposit } from '../../activities/existing-deposit';
import { FAILURE_TYPES, REFERENCE_FREE, STILL_PENDING, type WorkflowType } from '../../src/contract';
import { endStandIn as end, type StandingEnding, standingInput as inputOf } from '../helpers/standing-flows';
import { bundleOnce, startDevServerEnv } from '../helpers/temporal-env';

const QUEUE = 'start-standing';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;
let client: Client;
let cardflow: CardflowClient;
/** The gRPC methods the typed client called, in order (e.g. 'StartWorkflowExecution'). */
let calls: string[] = [];

const counting: Interceptor = (options, nextCall) => {
  calls.push(options.method_definition.path.split('/').pop() ?? '?');
  return new InterceptingCall(nextCall(options));
};

before(async () => {
  env = await startDevServerEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: QUEUE,
    workflowBundle: await bundleOnce(require.resolve('../fixtures/workflows/standing-workflows')),
  });
  running = worker.run();
  connection = await Connection.connect({ address: env.address, interceptors: [counting] });
  client = new Client({ connection, namespace: 'default' });
  cardflow = createCardflowClient({ client, taskQueue: QUEUE });
});
after(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await env?.teardown();
});

const ONE_SHOT: WorkflowType[] = [
  'kycVerification',
  'physicalCardActivation',
  'virtualCardIssuance',
  'cardDeposit',
  'cardClosure',
  'cardAccount',
];

describe('a fresh id costs one call', () => {
  for (const type of ONE_SHOT)
    test(`${type}: one StartWorkflowExecution, nothing else`, async () => {
      const input = inputOf(type);
      calls = [];
      const outcome = await cardflow.starter.startOrFind(type, input);
      assert.deepEqual(calls, ['StartWorkflowExecution']);
      assert.deepEqual([outcome.started, outcome.status], [true, 'RUNNING']);
      assert.equal((await outcome.handle.describe()).runId, outcome.runId);
      await end(outcome.handle, 'terminate');
    });

  test('the typed client: startDeposit of a new depositRef reads no history', async () => {
    const input = inputOf('cardDeposit');
    calls = [];
    const deposit = await cardflow.startDeposit(input as never);
    assert.deepEqual(calls, ['StartWorkflowExecution']);
    await end(deposit.handle, 'terminate');
  });
});

describe('a taken id: answered, started again only where the rule frees it', () => {
  // [type, how the first run ends, started again?]
  const cases: [WorkflowType, StandingEnding, boolean][] = [
    // unless-completed: any ending but completion frees the id.
    ['kycVerification', 'complete', false],
    ['kycVerification', 'fail', true],
    ['kycVerification', 'terminate', true],
    ['kycVerification', 'cancel', true],
    ['cardClosure', 'complete', false],
    ['cardClosure', 'fail-nothing-sent', true],
    // nothing-sent: only a FAILED run marked NothingSent frees it.
    ['cardDeposit', 'complete', false],
    ['cardDeposit', 'fail', false],
    ['cardDeposit', 'fail-nothing-sent', true],
    ['cardDeposit', 'terminate', false],
    ['cardDeposit', 'cancel', false],
    ['virtualCardIssuance', 'fail', false],
    ['virtualCardIssuance', 'fail-nothing-sent', true],
    // never: the account lives once.
    ['cardAccount', 'complete', false],
    ['cardAccount', 'fail', false],
    ['cardAccount', 'fail-nothing-sent', false],
    ['cardAccount', 'terminate', false],
  ];
  const STATUS = { complete: 'COMPLETED', terminate: 'TERMINATED', cancel: 'CANCELLED' } as Record<
    string,
    string
  >;

  for (const type of ONE_SHOT)
    test(`${type} running: the run is answered, no second one, prepare never called`, async () => {
      const input = inputOf(type);
      const first = await cardflow.starter.startOrFind(type, input);
      let prepared = 0;
      const again = await cardflow.starter.startOrFind(type, input, (i) => (prepared++, i));
      assert.deepEqual(
        [again.workflowId, again.runId, again.started, again.status],
        [first.workflowId, first.runId, false, 'RUNNING'],
      );
      assert.equal(prepared, 0, 'nothing prepared (stored) for a start that is refused');
      assert.equal((await again.handle.describe()).runId, first.runId);
      await end(first.handle, 'terminate');
    });

  for (const [type, ending, startsAgain] of cases)
    test(`${type} closed by ${ending}: ${startsAgain ? 'a new run' : 'the closed run answered'}`, async () => {
      const input = inputOf(type);
      const first = await cardflow.starter.startOrFind(type, input);
      await end(first.handle, ending);
      let prepared = 0;
      const again = await cardflow.starter.startOrFind(type, input, (i) => (prepared++, i));
      const latest = await again.handle.describe();
      if (startsAgain) {
        assert.deepEqual([again.started, again.status, prepared], [true, 'RUNNING', 1]);
        assert.notEqual(again.runId, first.runId);
        assert.equal(latest.runId, again.runId);
        // The new run keeps the id until it ends: a third start answers it.
        const third = await cardflow.starter.startOrFind(type, input);
        assert.deepEqual([third.started, third.runId], [false, again.runId]);
        await end(again.handle, 'terminate');
      } else {
        const status = STATUS[ending] ?? 'FAILED';
        assert.deepEqual(
          [again.started, again.status, again.runId, prepared],
          [false, status, first.runId, 0],
        );
        assert.deepEqual([latest.runId, latest.status.name], [first.runId, status]);
      }
    });

  test('two starts of one id at once: one run, both answered with it', async () => {
    const input = inputOf('kycVerification');
    const [a, b] = await Promise.all([
      cardflow.starter.startOrFind('kycVerification', input),
      cardflow.starter.startOrFind('kycVerification', input),
    ]);
    assert.equal(a.runId, b.runId);
    assert.deepEqual([a.started, b.started].sort(), [false, true]);
    await end(a.handle, 'terminate');
  });
});

describe("the typed client's deposit terms", () => {
  test('a repeat with other terms is a DepositConflictError, running or closed; the same terms answer the flow', async () => {
    const input = inputOf('cardDeposit', '10');
    const first = await cardflow.startDeposit(input as never);
    const other = { ...input, amount: '11' };
    const conflict = (error: unknown) =>
      error instanceof DepositConflictError && /already made for 10 USD/.test(error.message);
    await assert.rejects(cardflow.startDeposit(other as never), conflict);
    const same = await cardflow.startDeposit({ ...input, amount: '10.00' } as never);
    assert.equal((await same.handle.describe()).runId, (await first.handle.describe()).runId);
    await end(first.handle, 'complete');
    await assert.rejects(cardflow.startDeposit(other as never), conflict);
  });

  test('a freed depositRef starts again with the new terms, whatever the first ones were', async () => {
    const input = inputOf('cardDeposit', '10');
    const first = await cardflow.startDeposit(input as never);
    await end(first.handle, 'fail-nothing-sent');
    const again = await cardflow.startDeposit({ ...input, amount: '12' } as never);
    const runs = await again.handle.describe();
    assert.equal(runs.status.name, 'RUNNING');
    await end(again.handle, 'terminate');
  });
});

describe("the card account's followDeposit: one describe per look", () => {
  const follow = (workflowId: string, amount = '10') =>
    new MockActivityEnvironment(undefined, { client }).run(followDeposit, {
      workflowId,
      amount,
      currency: 'USD',
    });
  const failureOf = (type: string) => (error: unknown) =>
    error instanceof ApplicationFailure && error.type === type;

  test('a running deposit: StillPending, or a conflict for other terms', async () => {
    const first = await cardflow.starter.startOrFind('cardDeposit', inputOf('cardDeposit', '10'));
    calls = [];
    await assert.rejects(follow(first.workflowId), failureOf(STILL_PENDING));
    assert.deepEqual(calls, ['DescribeWorkflowExecution', 'GetWorkflowExecutionHistory']);
    calls = [];
    await assert.rejects(follow(first.workflowId, '11'), failureOf(FAILURE_TYPES.conflict));
    assert.deepEqual(calls, ['DescribeWorkflowExecution', 'GetWorkflowExecutionHistory']);
    await end(first.handle, 'terminate');
  });

  test('a deposit failed after a send: its failure answered', async () => {
    const first = await cardflow.starter.startOrFind('cardDeposit', inputOf('cardDeposit', '10'));
    await end(first.handle, 'fail');
    calls = [];
    await assert.rejects(follow(first.workflowId), failureOf('StandInFailure'));
    assert.deepEqual(calls, [
      'DescribeWorkflowExecution',
      // The failure's NothingSent mark (reuse.ts), the first input's terms, the result.
      'GetWorkflowExecutionHistoryReverse',
      'GetWorkflowExecutionHistory',
      'GetWorkflowExecutionHistory',
    ]);
  });

  test('a deposit failed before sending: ReferenceFree', async () => {
    const first = await cardflow.starter.startOrFind('cardDeposit', inputOf('cardDeposit', '10'));
    await end(first.handle, 'fail-nothing-sent');
    calls = [];
    await assert.rejects(follow(first.workflowId, '12'), failureOf(REFERENCE_FREE));
    assert.deepEqual(calls, ['DescribeWorkflowExecution', 'GetWorkflowExecutionHistoryReverse']);
  });
});
