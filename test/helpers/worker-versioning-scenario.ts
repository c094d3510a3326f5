// The Worker Versioning scenario, run on the dev server (test/integration/worker-versioning.test.ts)
// and on the cluster (test/cluster/cluster.test.ts): two builds of the real worker (startWorker,
// configured by CARDFLOW_DEPLOYMENT_NAME / CARDFLOW_BUILD_ID), the versions switched by the real
// `cardflow deploy` command. v1 is the product bundle; v2 the fixture whose cardDeposit issues
// another first command (test/fixtures/workflows/versioning-v2.ts).
//
//   1. v1 current; a WasabiCard deposit held pending by the sandbox, a KYC waiting for its review.
//   2. v2 workers start and v2 becomes current; drain-status v1 says not drained (the deposit).
//   3. a new deposit runs on v2 (its history starts with v2's timer).
//   4. the pinned deposit is released and settles on v1: every workflow task of it completed on v1.
//   5. the review passes: the auto-upgrading KYC completes on v2 (its later tasks on v2, so its
//      v1 history replayed there).
//   6. drain-status v1 reports drained (exit 0).
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import {
  type DepositInput,
  type KycInput,
  providerOrderKey,
  stateQuery,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { deployCommandWith, NOT_DRAINED_EXIT } from '../../src/cli/deploy-command';
import { runCli } from '../../src/cli/main';
import { createLogger } from '../../src/logging/logger';
import { loadWorkerSettings, type RunningWorker, startWorker } from '../../src/runtime/worker';
import { productBundleOptions } from '../../src/runtime/workflow-bundle';
import { applicant, LifecycleEnv, uniqueRef } from './lifecycle-env';
import { formatKeyEntry } from '../../src/security/codec-keys';
import { quietBundlerLogger } from './temporal-env';
import { testOnlyKeyring } from './test-data-converter';
import { testLogLevel } from './test-log';
import { eventually, openCard } from './wasabi-flows';

const FAST = { pollInterval: '200ms' };
const { VersioningBehavior } = temporal.api.enums.v1;
const { EventType } = temporal.api.enums.v1;

export interface ScenarioFigures {
  /** ms from `set-current v2` answering to the pinned v1 deposit settling once released. */
  pinnedSettledMs: number;
  /** ms from the review passing to the KYC completing on v2. */
  upgradedCompletedMs: number;
  /** ms from the last pinned flow ending to drain-status answering drained. */
  drainedAfterMs: number;
}

/** The build id of each completed workflow task of a flow, in order. */
async function taskBuildIds(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId ?? '(unversioned)');
}

async function firstCommandEvent(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const afterTask = (history.events ?? []).findIndex(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
  const event = history.events?.[afterTask + 1];
  return EventType[event?.eventType ?? 0] ?? 'none';
}

async function versioningOf(handle: WorkflowHandle) {
  const { raw } = await handle.describe();
  const versioning = raw.workflowExecutionInfo?.versioningInfo;
  return {
    buildId: versioning?.deploymentVersion?.buildId,
    behavior: VersioningBehavior[versioning?.behavior ?? 0],
  };
}

export async function runWorkerVersioningScenario(
  env: TestWorkflowEnvironment,
  log: (line: string) => void = () => undefined,
): Promise<ScenarioFigures> {
  const namespace = env.namespace ?? 'default';
  const deploymentName = `cardflow-test-${Date.now().toString(36)}`;
  const cliEnv = {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: namespace,
    CARDFLOW_DEPLOYMENT_NAME: deploymentName,
  };
  const deploy = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['deploy', ...args],
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      { deploy: deployCommandWith(undefined, cliEnv) },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  // A version exists once one of its workers has polled: until then set-current is refused.
  const makeCurrent = (buildId: string) =>
    eventually(
      `set-current ${buildId}`,
      async () => {
        const r = await deploy('set-current', buildId);
        return r.code === 0 ? r : undefined;
      },
      60_000,
    );

  // The sandbox moves nothing on its own: the deposit and the review wait until the test says.
  const life = await LifecycleEnv.start(env, { startWorker: false, wasabi: { autoAdvance: false } });
  const workers: RunningWorker[] = [];
  try {
    const [v1Bundle, v2Bundle] = await Promise.all([
      bundleWorkflowCode(productBundleOptions({ logger: quietBundlerLogger })),
      bundleWorkflowCode(
        productBundleOptions({
          logger: quietBundlerLogger,
          workflowsPath: require.resolve('../fixtures/workflows/versioning-v2'),
        }),
      ),
    ]);
    const startBuild = async (buildId: string, bundle: { code: string }) => {
      const settings = loadWorkerSettings({
        CARDFLOW_CODEC_KEYS: keyEntries(),
        CARDFLOW_DEPLOYMENT_NAME: deploymentName,
        CARDFLOW_BUILD_ID: buildId,
        CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: 'off',
        CARDFLOW_METRICS_BIND_ADDRESS: 'off',
        CARDFLOW_LOG_LEVEL: 'silent',
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: namespace,
      });
      const worker = await startWorker(settings, {
        logger: createLogger({ level: testLogLevel(), name: `worker-${buildId}` }),
        connection: env.nativeConnection,
        workflowBundle: bundle,
        wasabi: life.wasabiClient,
        kazepay: life.kazepayClientWith(),
        documents: life.documents,
        secrets: life.secrets,
      });
      workers.push(worker);
      assert.deepEqual(worker.state().deployment, { name: deploymentName, buildId });
      return worker;
    };

    const cardNo = await openCard(life, '111002', '50');
    await startBuild('v1', v1Bundle);
    await makeCurrent('v1');
    log('v1 current');

    const startDeposit = async (amount: string) => {
      const input: DepositInput = {
        provider: 'wasabi',
        cardRef: cardNo,
        depositRef: uniqueRef('dep'),
        amount,
        currency: 'USD',
        settlement: { deadline: '1h', pollInterval: FAST.pollInterval },
      };
      const workflowId = workflowIds.cardDeposit('wasabi', cardNo, input.depositRef);
      const handle = await env.client.workflow.start('cardDeposit', {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input],
      });
      return { handle, merchantOrderNo: providerOrderKey(workflowId, 'deposit') };
    };
    const untilState = async (handle: WorkflowHandle, state: string) => {
      let last = '';
      await eventually(
        `${handle.workflowId} in ${state}`,
        async () => {
          // v2's deposit registers its state query only after its timer: asked sooner, it fails.
          const now = await handle
            .query(stateQuery)
            .catch((error: Error) => ({ state: error.message, detail: '' }));
          last = `${now.state} (${now.detail ?? '-'})`;
          return now.state === state;
        },
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last state ${last}`);
      });
    };

    const pinned = await startDeposit('25');
    const kycInput: KycInput = {
      provider: 'wasabi',
      customerRef: uniqueRef('cust'),
      applicant: applicant('versioning'),
      cardTypeId: '111065',
      documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
      review: FAST,
    };
    const kyc = await env.client.workflow.start('kycVerification', {
      workflowId: workflowIds.kycVerification('wasabi', kycInput.customerRef),
      taskQueue: TASK_QUEUE,
      args: [kycInput],
    });
    await untilState(pinned.handle, 'WAITING_FOR_SETTLEMENT');
    await untilState(kyc, 'WAITING_FOR_REVIEW');
    assert.deepEqual(await versioningOf(pinned.handle), {
      buildId: 'v1',
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
    });
    assert.deepEqual(await versioningOf(kyc), {
      buildId: 'v1',
      behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE',
    });
    log('v1: a deposit waits for settlement, a KYC for its review');

    await startBuild('v2', v2Bundle);
    // A ramp first, as the runbook goes; set-current then takes over from the ramping version.
    await eventually(
      'ramp v2 25',
      async () => ((await deploy('ramp', 'v2', '25')).code === 0 ? true : undefined),
      60_000,
    );
    const ramping = JSON.parse((await deploy('describe', '--json')).out) as { ramping?: unknown };
    assert.deepEqual(ramping.ramping, { buildId: 'v2', percentage: 25 });
    const unknown = await deploy('set-current', 'v9');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /set cardflow-test-\w+:v9 current: (not found|refused by the server)/);
    log(`v2 ramping at 25%; an unknown build is refused: ${unknown.err}`);
    await makeCurrent('v2');
    const switchedAt = Date.now();
    const described = await deploy('describe', '--json');
    assert.equal(described.code, 0, described.err);
    const deployment = JSON.parse(described.out) as {
      current?: string;
      versions: Array<{ buildId: string }>;
    };
    assert.equal(deployment.current, 'v2');
    assert.deepEqual(deployment.versions.map((v) => v.buildId).sort(), ['v1', 'v2']);

    const busy = await eventually(
      'drain-status v1 counting the pinned deposit',
      async () => {
        const r = await deploy('drain-status', 'v1', '--json');
        return r.code === NOT_DRAINED_EXIT &&
          (JSON.parse(r.out) as { runningPinned: number }).runningPinned === 1
          ? r
          : undefined;
      },
      30_000,
    );
    assert.match(busy.out, new RegExp(pinned.handle.workflowId));
    log('v2 current; v1 not drained: the pinned deposit still runs there');

    // A new deposit runs v2's code: its first command is v2's timer.
    const fresh = await startDeposit('30');
    await untilState(fresh.handle, 'WAITING_FOR_SETTLEMENT');
    assert.equal(await firstCommandEvent(fresh.handle), 'EVENT_TYPE_TIMER_STARTED');
    assert.deepEqual(await versioningOf(fresh.handle), {
      buildId: 'v2',
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
    });
    life.wasabi.control.advance({ merchantOrderNo: fresh.merchantOrderNo });
    assert.equal((await fresh.handle.result()).outcome, 'SETTLED');
    assert.deepEqual(new Set(await taskBuildIds(fresh.handle)), new Set(['v2']));

    // The pinned deposit settles on v1, where it started (on v2 it would not even replay).
    life.wasabi.control.advance({ merchantOrderNo: pinned.merchantOrderNo });
    const settled = await pinned.handle.result();
    const pinnedEndedAt = Date.now();
    assert.equal(settled.outcome, 'SETTLED');
    assert.equal(await firstCommandEvent(pinned.handle), 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES');
    assert.deepEqual(new Set(await taskBuildIds(pinned.handle)), new Set(['v1']));
    assert.deepEqual(await versioningOf(pinned.handle), {
      buildId: 'v1',
      behavior: 'VERSIONING_BEHAVIOR_PINNED',
    });
    log('the pinned deposit settled on v1');

    // The review passes: the KYC's next task goes to v2, which replays its v1 history and completes it.
    const reviewedAt = Date.now();
    life.wasabi.control.advance();
    const passed = await kyc.result();
    const upgradedCompletedMs = Date.now() - reviewedAt;
    assert.equal(passed.outcome, 'PASSED');
    const kycTasks = await taskBuildIds(kyc);
    assert.equal(kycTasks[0], 'v1', `KYC tasks: ${kycTasks.join(', ')}`);
    assert.equal(kycTasks.at(-1), 'v2', `KYC tasks: ${kycTasks.join(', ')}`);
    assert.deepEqual(await versioningOf(kyc), {
      buildId: 'v2',
      behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE',
    });
    log(`the KYC moved to v2 and passed (tasks ${kycTasks.join(' ')})`);

    const drained = await eventually(
      'drain-status v1 drained',
      async () => {
        const r = await deploy('drain-status', 'v1');
        return r.code === 0 ? r : undefined;
      },
      60_000,
    );
    const drainedAfterMs = Date.now() - pinnedEndedAt;
    assert.match(drained.out, /running pinned flows: 0/);
    assert.match(drained.out, /drained: its workers may stop/);
    log(`v1 drained ${drainedAfterMs} ms after its last pinned flow ended`);
    return { pinnedSettledMs: pinnedEndedAt - switchedAt, upgradedCompletedMs, drainedAfterMs };
  } finally {
    for (const worker of workers.reverse()) await worker.shutdown();
    await life.close();
  }
}

/** The test-only keyring as CARDFLOW_CODEC_KEYS: the env's client must use testOnlyDataConverter(). */
function keyEntries(): string {
  const { keys, currentKeyId } = testOnlyKeyring();
  const key = keys.get(currentKeyId);
  assert.ok(key);
  return formatKeyEntry({ id: currentKeyId, key });
}
