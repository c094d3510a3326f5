// The scenarios whose histories the replay tests replay (recorded by scripts/record-histories.ts on
// a real dev server, in real time: poll intervals and deadlines are short). Each scenario drives
// one workflow down one path, checks that it took that path (so a recording never silently stores
// a different one), and names the workflow to record. Names are `<provider>-<path>`.
import assert from 'node:assert/strict';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import {
  type ActivationInput,
  closeUpdate,
  depositUpdate,
  resolveOutcomeUpdate,
  stateQuery,
  freezeUpdate,
  initialStateOf,
  type KycInput,
  providerNotificationSignal,
  providerOrderKey,
  providePinUpdate,
  resubmitKycUpdate,
  submitActivationCodeUpdate,
  TASK_QUEUE,
  unfreezeUpdate,
  type WorkflowType,
  workflowIds,
} from '../../src/contract';
import { codecKeyringOf } from '../../src/client/notification-keys';
import { createStarter } from '../../src/client/starts';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { applicant, type LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { eventually, failureOf, openCard, passedHolder, untilState } from '../helpers/wasabi-flows';

/** Dev server flags for recording: a low continue-as-new suggestion, so cardAccount continues. */
export const RECORDING_SERVER_ARGS = ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=25'];

export interface Recorded {
  workflowId: string;
  /** For a workflow that continued as new: its first run (every run from it on is recorded). */
  firstRunId?: string;
}

export interface Scenario {
  /** A public workflow type, or the internal document retention sweep. */
  type: WorkflowType | 'documentRetention';
  name: string;
  run(life: LifecycleEnv): Promise<Recorded>;
}

const POLL = '100ms';

/** A start without search attributes: the workflow sets them all itself (the card account's). */
function startBare<T>(life: LifecycleEnv, type: WorkflowType, workflowId: string, input: T) {
  return life.client.workflow.start(type, { workflowId, taskQueue: TASK_QUEUE, args: [input] });
}

/**
 * Starts a flow. A flow with a fixed first state (src/contract/initial-states.ts) starts as the
 * typed client starts it: through its starter (src/client/starts.ts), with the start options of
 * src/client/start-options.ts (search attributes from startAttributes(), the first CardState among
 * them, and the summary), so its first upsert is skipped as in production. The input goes as the
 * scenario wrote it (the typed client would parse it first; an invalid input is a scenario of its
 * own). Other flows start bare.
 */
async function start<T>(
  life: LifecycleEnv,
  type: WorkflowType,
  workflowId: string,
  input: T,
): Promise<WorkflowHandle> {
  if (!initialStateOf(type)) return startBare(life, type, workflowId, input);
  const starter = createStarter({
    client: life.client,
    taskQueue: TASK_QUEUE,
    routingKeyring: codecKeyringOf(life.client),
  });
  const started = await starter.startOrFind(type, input);
  assert.equal(started.workflowId, workflowId, `${type}: the start options' workflow id`);
  assert.ok(started.started, `${workflowId}: already taken`);
  return started.handle;
}

async function outcome(handle: WorkflowHandle, expected: string): Promise<Recorded> {
  const result = (await handle.result()) as { outcome: string };
  assert.equal(result.outcome, expected, `${handle.workflowId}: outcome`);
  return { workflowId: handle.workflowId };
}

async function failure(handle: WorkflowHandle, type: string): Promise<Recorded> {
  const failed = await failureOf(handle.result());
  assert.equal(failed.type, type, `${handle.workflowId}: ${failed.message}`);
  return { workflowId: handle.workflowId };
}

/** Runs with some sandbox timings changed (restored after the flow has been started). */
async function withWasabiTimings<T>(
  life: LifecycleEnv,
  changes: Parameters<LifecycleEnv['wasabi']['control']['setTimings']>[0],
  run: () => Promise<T>,
): Promise<T> {
  const saved = { ...life.wasabi.control.timings };
  life.wasabi.control.setTimings(changes);
  try {
    return await run();
  } finally {
    life.wasabi.control.setTimings(saved);
  }
}

/** Runs with the KazePay sandbox answering some states under other names (restored after). */
async function withKazepayStatusNames<T>(
  life: LifecycleEnv,
  changes: Partial<LifecycleEnv['kazepay']['control']['statusNames']>,
  run: () => Promise<T>,
): Promise<T> {
  const names = life.kazepay.control.statusNames;
  const saved = { ...names };
  Object.assign(names, changes);
  try {
    return await run();
  } finally {
    Object.assign(names, saved);
  }
}

// ---- kycVerification ----

async function kazepayKyc(life: LifecycleEnv, tag: string, fields: Partial<KycInput> = {}) {
  const person = applicant(tag);
  const customerRef = uniqueRef('cust');
  const input = {
    provider: 'kazepay',
    customerRef,
    applicant: person,
    documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    review: { pollInterval: POLL },
    ...fields,
  } as KycInput;
  return { person, customerRef, input };
}

async function wasabiKyc(life: LifecycleEnv, fields: Partial<KycInput> = {}, review?: 'reject') {
  const person = applicant('wkyc');
  if (review) life.wasabi.control.scriptHolder({ email: person.email, outcome: review });
  const input = {
    provider: 'wasabi',
    customerRef: uniqueRef('cust'),
    applicant: person,
    cardTypeId: '111065',
    documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
    review: { pollInterval: POLL },
    ...fields,
  } as KycInput;
  const workflowId = workflowIds.kycVerification('wasabi', input.customerRef);
  return { input, workflowId, holderOrderNo: providerOrderKey(workflowId, 'holder') };
}

const kyc: Scenario[] = [
  {
    type: 'kycVerification',
    name: 'kazepay-passed',
    async run(life) {
      const { input } = await kazepayKyc(life, 'r-kyc-pass');
      const id = workflowIds.kycVerification('kazepay', input.customerRef);
      return outcome(await start(life, 'kycVerification', id, input), 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-rejected',
    async run(life) {
      const { input, person } = await kazepayKyc(life, 'r-kyc-reject');
      life.kazepay.control.scriptKyc(person.email, 'REJECTED');
      const id = workflowIds.kycVerification('kazepay', input.customerRef);
      return outcome(await start(life, 'kycVerification', id, input), 'REJECTED');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-hosted-passed',
    async run(life) {
      const customerRef = uniqueRef('cust');
      const input: KycInput = {
        provider: 'kazepay',
        customerRef,
        applicant: applicant('r-kyc-hosted'),
        mode: 'hosted',
        review: { pollInterval: POLL },
      };
      const id = workflowIds.kycVerification('kazepay', customerRef);
      return outcome(await start(life, 'kycVerification', id, input), 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-review-deadline',
    async run(life) {
      const { input } = await kazepayKyc(life, 'r-kyc-stuck', {
        review: { deadline: '1500ms', pollInterval: '300ms' },
      });
      const id = workflowIds.kycVerification('kazepay', input.customerRef);
      const handle = await life.withKazepayTimings({ kycReviewMs: 10 * 24 * 3600_000 }, async () => {
        const h = await start(life, 'kycVerification', id, input);
        await waitForState(h, 'WAITING_FOR_REVIEW');
        return h;
      });
      return failure(handle, 'DeadlineExceeded');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-webhook-ended-wait',
    async run(life) {
      // Polled hourly: only the notification can end this wait within the recording.
      const { input, customerRef, person } = await kazepayKyc(life, 'r-kyc-webhook', {
        review: { deadline: '7d', pollInterval: '1h' },
      });
      const id = workflowIds.kycVerification('kazepay', customerRef);
      const handle = await life.withKazepayTimings({ kycReviewMs: 10 * 24 * 3600_000 }, async () => {
        const h = await start(life, 'kycVerification', id, input);
        await waitForState(h, 'WAITING_FOR_REVIEW');
        return h;
      });
      await life.kazepay.control.advance();
      assert.equal(life.kazepay.control.cardholder(person.email)?.kycStatus, 'PASSED');
      await handle.signal(providerNotificationSignal, {
        event: 'kycStatusNotify',
        key: customerRef,
        status: 'PASSED',
      });
      return outcome(handle, 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-webhook-before-wait',
    async run(life) {
      // A notification that arrives while the documents are still uploading wakes the review wait
      // as soon as it begins (patched 'wait-wakes-on-earlier-notification'); a second one ends it.
      const { input, customerRef, person } = await kazepayKyc(life, 'r-kyc-early-webhook', {
        review: { deadline: '7d', pollInterval: '1h' },
      });
      const id = workflowIds.kycVerification('kazepay', customerRef);
      const handle = await life.withKazepayTimings({ kycReviewMs: 10 * 24 * 3600_000 }, async () => {
        const h = await start(life, 'kycVerification', id, input);
        await h.signal(providerNotificationSignal, { event: 'kycStatusNotify', key: customerRef });
        await waitForState(h, 'WAITING_FOR_REVIEW');
        return h;
      });
      await life.kazepay.control.advance();
      assert.equal(life.kazepay.control.cardholder(person.email)?.kycStatus, 'PASSED');
      await handle.signal(providerNotificationSignal, {
        event: 'kycStatusNotify',
        key: customerRef,
        status: 'PASSED',
      });
      return outcome(handle, 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'kazepay-invalid-input',
    async run(life) {
      const customerRef = uniqueRef('cust');
      const input = {
        provider: 'kazepay',
        customerRef,
        applicant: { ...applicant('r-kyc-bad'), dateOfBirth: '10/12/1985' },
      };
      const id = workflowIds.kycVerification('kazepay', customerRef);
      return failure(await start(life, 'kycVerification', id, input), 'ValidationFailed');
    },
  },
  {
    type: 'kycVerification',
    name: 'wasabi-passed',
    async run(life) {
      const { input, workflowId } = await wasabiKyc(life);
      return outcome(await start(life, 'kycVerification', workflowId, input), 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'wasabi-rejected',
    async run(life) {
      const { input, workflowId } = await wasabiKyc(life, { resubmissionWindow: '500ms' }, 'reject');
      return outcome(await start(life, 'kycVerification', workflowId, input), 'REJECTED');
    },
  },
  {
    type: 'kycVerification',
    name: 'wasabi-rejected-then-resubmitted',
    async run(life) {
      const { input, workflowId } = await wasabiKyc(life, {}, 'reject');
      const handle = await start(life, 'kycVerification', workflowId, input);
      await untilState(handle, 'AWAITING_RESUBMISSION');
      const answer = await handle.executeUpdate(resubmitKycUpdate, {
        args: [{ applicant: { address: { ...input.applicant.address, line: '14 Jalan Ampang' } } }],
      });
      assert.deepEqual(answer, { accepted: true, submissions: 2 });
      return outcome(handle, 'PASSED');
    },
  },
  {
    type: 'kycVerification',
    name: 'wasabi-review-deadline',
    async run(life) {
      const { input, workflowId } = await wasabiKyc(life, {
        review: { deadline: '1500ms', pollInterval: '300ms' },
      });
      const handle = await withWasabiTimings(life, { holderReviewStepMs: 1e9 }, async () => {
        const h = await start(life, 'kycVerification', workflowId, input);
        await untilState(h, 'WAITING_FOR_REVIEW');
        return h;
      });
      return failure(handle, 'DeadlineExceeded');
    },
  },
];

// ---- physicalCardActivation ----

/** A WasabiCard physical card awaiting activation, and the code its cardholder received. */
async function wasabiPhysicalCard(life: LifecycleEnv) {
  const holderId = await passedHolder(life, '111200', 'physical');
  const cardNo = await openCard(life, '111200', '50', holderId);
  const [code] = life.wasabi.control.inbox(cardNo);
  assert.ok(code, 'the activation code reached the cardholder');
  return { cardNo, code };
}

async function startWasabiActivation(
  life: LifecycleEnv,
  cardNo: string,
  fields: Partial<ActivationInput> = {},
) {
  const input = {
    provider: 'wasabi',
    customerRef: uniqueRef('cust'),
    requestRef: uniqueRef('act'),
    cardRef: cardNo,
    pinHandle: await life.secrets.put('739418', { purpose: 'pin' }),
    activation: { pollInterval: POLL },
    ...fields,
  } as ActivationInput;
  const id = workflowIds.physicalCardActivation('wasabi', input.customerRef, input.requestRef);
  const handle = await start(life, 'physicalCardActivation', id, input);
  await untilState(handle, 'WAITING_FOR_ACTIVATION_CODE');
  return handle;
}

const wrongCodeOf = (code: string) => (code === '00000000' ? '11111111' : '00000000');

const activation: Scenario[] = [
  {
    type: 'physicalCardActivation',
    name: 'kazepay-active',
    async run(life) {
      const flows = kazepayFlows(life);
      const { handle } = await flows.startActivation('r-act-ok');
      await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
      const code = life.kazepay.control.takeActivationCode(await flows.cardIdOf(handle));
      assert.ok(code);
      await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
      return outcome(handle, 'ACTIVE');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'kazepay-wrong-code-then-right',
    async run(life) {
      const flows = kazepayFlows(life);
      const { handle } = await flows.startActivation('r-act-wrong');
      await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
      const cardId = await flows.cardIdOf(handle);
      const wrong = await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: '000000' }] });
      assert.equal(wrong.accepted, false);
      await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
      const code = life.kazepay.control.takeActivationCode(cardId) as string;
      await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
      return outcome(handle, 'ACTIVE');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'kazepay-codes-exhausted',
    async run(life) {
      const { handle } = await kazepayFlows(life).startActivation('r-act-exhaust', { maxCodeAttempts: 2 });
      for (const code of ['000001', '000002']) {
        await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
        await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
      }
      return failure(handle, 'ActivationCodeAttemptsExhausted');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'kazepay-code-deadline',
    async run(life) {
      const { handle } = await kazepayFlows(life).startActivation('r-act-nocode', {
        codeWait: { deadline: '1s' },
      });
      return failure(handle, 'DeadlineExceeded');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'kazepay-no-kyc-precondition',
    async run(life) {
      const customerRef = uniqueRef('cust');
      const requestRef = uniqueRef('act');
      const cardNumberHandle = await life.secrets.put(life.kazepay.control.addPhysicalCard(), {
        purpose: 'card-number',
      });
      const input = {
        provider: 'kazepay',
        customerRef,
        requestRef,
        email: applicant('r-act-nokyc').email,
        cardNumberHandle,
      };
      const id = workflowIds.physicalCardActivation('kazepay', customerRef, requestRef);
      return failure(await start(life, 'physicalCardActivation', id, input), 'PreconditionFailed');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'wasabi-wrong-code-then-right',
    async run(life) {
      const { cardNo, code } = await wasabiPhysicalCard(life);
      const handle = await startWasabiActivation(life, cardNo);
      const wrong = await handle.executeUpdate(submitActivationCodeUpdate, {
        args: [{ code: wrongCodeOf(code) }],
      });
      assert.equal(wrong.accepted, false);
      // The PIN handle was spent on the refused attempt: the cardholder gives the PIN again.
      const pinHandle = await life.secrets.put('582937', { purpose: 'pin' });
      await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
      await handle.startUpdate(submitActivationCodeUpdate, {
        args: [{ code }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      return outcome(handle, 'ACTIVE');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'wasabi-codes-exhausted',
    async run(life) {
      const { cardNo, code } = await wasabiPhysicalCard(life);
      const handle = await startWasabiActivation(life, cardNo, { maxCodeAttempts: 1 });
      await handle.startUpdate(submitActivationCodeUpdate, {
        args: [{ code: wrongCodeOf(code) }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      return failure(handle, 'ActivationCodeAttemptsExhausted');
    },
  },
  {
    type: 'physicalCardActivation',
    name: 'wasabi-code-deadline',
    async run(life) {
      const { cardNo } = await wasabiPhysicalCard(life);
      const handle = await startWasabiActivation(life, cardNo, { codeWait: { deadline: '1s' } });
      return failure(handle, 'DeadlineExceeded');
    },
  },
];

// ---- virtualCardIssuance ----

function issuance(fields: Record<string, unknown> = {}) {
  const customerRef = uniqueRef('cust');
  const requestRef = uniqueRef('req');
  const workflowId = workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef);
  const input = {
    provider: 'wasabi',
    customerRef,
    requestRef,
    cardTypeId: '111002',
    initialDeposit: '25',
    order: { pollInterval: POLL },
    ...fields,
  };
  return { workflowId, input, merchantOrderNo: providerOrderKey(workflowId, 'open') };
}

const issuanceScenarios: Scenario[] = [
  {
    type: 'virtualCardIssuance',
    name: 'wasabi-issued',
    async run(life) {
      const { workflowId, input } = issuance();
      return outcome(await start(life, 'virtualCardIssuance', workflowId, input), 'ISSUED');
    },
  },
  {
    type: 'virtualCardIssuance',
    name: 'wasabi-issued-with-holder',
    async run(life) {
      const holderId = await passedHolder(life, '111065');
      const { workflowId, input } = issuance({ cardTypeId: '111065', initialDeposit: '20', holderId });
      return outcome(await start(life, 'virtualCardIssuance', workflowId, input), 'ISSUED');
    },
  },
  {
    type: 'virtualCardIssuance',
    name: 'wasabi-order-failed',
    async run(life) {
      const { workflowId, input, merchantOrderNo } = issuance({ initialDeposit: '40' });
      life.wasabi.control.scriptOrder({ match: { merchantOrderNo }, outcome: 'fail' });
      return outcome(await start(life, 'virtualCardIssuance', workflowId, input), 'FAILED');
    },
  },
  {
    type: 'virtualCardIssuance',
    name: 'wasabi-holder-precondition',
    async run(life) {
      const { workflowId, input } = issuance({ cardTypeId: '111065', initialDeposit: '20' });
      return failure(await start(life, 'virtualCardIssuance', workflowId, input), 'PreconditionFailed');
    },
  },
  {
    type: 'virtualCardIssuance',
    name: 'wasabi-order-deadline',
    async run(life) {
      const { workflowId, input } = issuance({ order: { deadline: '1500ms', pollInterval: '300ms' } });
      const handle = await withWasabiTimings(life, { orderCompleteMs: 1e9 }, async () => {
        const h = await start(life, 'virtualCardIssuance', workflowId, input);
        await untilState(h, 'WAITING_FOR_ORDER');
        return h;
      });
      return failure(handle, 'DeadlineExceeded');
    },
  },
];

// ---- cardDeposit ----

function kazepayDeposit(
  life: LifecycleEnv,
  cardId: string,
  amount: string,
  settlement: object = { pollInterval: POLL },
) {
  const depositRef = uniqueRef('dep');
  const id = workflowIds.cardDeposit('kazepay', cardId, depositRef);
  return start(life, 'cardDeposit', id, {
    provider: 'kazepay',
    cardRef: cardId,
    depositRef,
    amount,
    currency: 'USD',
    settlement,
  });
}

function wasabiDeposit(
  life: LifecycleEnv,
  cardNo: string,
  amount: string,
  settlement: object = { pollInterval: POLL },
) {
  const depositRef = uniqueRef('dep');
  const workflowId = workflowIds.cardDeposit('wasabi', cardNo, depositRef);
  const input = { provider: 'wasabi', cardRef: cardNo, depositRef, amount, currency: 'USD', settlement };
  return { workflowId, input, merchantOrderNo: providerOrderKey(workflowId, 'deposit') };
}

const deposit: Scenario[] = [
  {
    type: 'cardDeposit',
    name: 'kazepay-settled',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-ok');
      return outcome(await kazepayDeposit(life, cardId, '125.50'), 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'kazepay-failed',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-fail');
      life.kazepay.control.scriptRecharge({ outcome: 'failed' });
      return outcome(await kazepayDeposit(life, cardId, '40.00'), 'FAILED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'kazepay-ambiguous-reconciled',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-ambiguous');
      life.kazepay.control.faults.script('cardRecharge', 'applied-no-answer');
      return outcome(await kazepayDeposit(life, cardId, '60.00'), 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'kazepay-needs-reconciliation-resolved',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-needs-person');
      // Every send is lost inside the provider: five sends, each after two reads found nothing.
      life.kazepay.control.faults.setRates({ lateApplyRate: 1, lateApplyMs: 1e9 }, 'cardRecharge');
      const depositRef = uniqueRef('dep');
      const id = workflowIds.cardDeposit('kazepay', cardId, depositRef);
      const handle = await start(life, 'cardDeposit', id, {
        provider: 'kazepay',
        cardRef: cardId,
        depositRef,
        amount: '12.00',
        currency: 'USD',
        settlement: { pollInterval: POLL },
        reconcile: { settle: '200ms' },
      });
      try {
        for (let i = 0; (await handle.query(stateQuery)).state !== 'NEEDS_RECONCILIATION'; i++) {
          assert.ok(i < 600, 'the deposit never needed reconciliation');
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        life.kazepay.control.faults.setRates({}, 'cardRecharge');
      }
      await handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: false, note: 'checked' }] });
      return outcome(handle, 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'kazepay-settlement-deadline',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-deadline');
      const handle = await life.withKazepayTimings({ rechargeSettleMs: 30 * 24 * 3600_000 }, async () => {
        const h = await kazepayDeposit(life, cardId, '7.00', { deadline: '1500ms', pollInterval: '300ms' });
        await waitForState(h, 'WAITING_FOR_SETTLEMENT');
        return h;
      });
      return failure(handle, 'DeadlineExceeded');
    },
  },
  {
    type: 'cardDeposit',
    name: 'kazepay-unknown-status-at-deadline-resolved',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-dep-unknown');
      // The recharge settles under a name the profile does not know: the deadline passes on it.
      const handle = await withKazepayStatusNames(life, { transactionSuccess: 'COMPLETED' }, async () => {
        const h = await kazepayDeposit(life, cardId, '8.00', { deadline: '1500ms', pollInterval: '300ms' });
        await untilState(h, 'NEEDS_RECONCILIATION');
        return h;
      });
      await handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: true, note: 'checked' }] });
      return outcome(handle, 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'wasabi-settled',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      const { workflowId, input } = wasabiDeposit(life, cardNo, '100');
      return outcome(await start(life, 'cardDeposit', workflowId, input), 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'wasabi-failed',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      const { workflowId, input, merchantOrderNo } = wasabiDeposit(life, cardNo, '50');
      life.wasabi.control.scriptOrder({ match: { merchantOrderNo }, outcome: 'fail' });
      return outcome(await start(life, 'cardDeposit', workflowId, input), 'FAILED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'wasabi-ambiguous-reconciled',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      life.wasabi.control.faults.script(WASABI_PATHS.deposit, 'applied-no-answer');
      const { workflowId, input } = wasabiDeposit(life, cardNo, '30');
      const handle = await start(life, 'cardDeposit', workflowId, input);
      const recorded = await outcome(handle, 'SETTLED');
      assert.equal(life.wasabi.control.faults.history.at(-1)?.kind, 'applied-no-answer');
      return recorded;
    },
  },
  {
    type: 'cardDeposit',
    name: 'wasabi-unknown-status-at-deadline-resolved',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      // The order settles under a name the profile does not know: the deadline passes on it.
      life.wasabi.control.setSwitches({ orderStatusNames: { success: 'succeeded' } });
      const { workflowId, input } = wasabiDeposit(life, cardNo, '20', {
        deadline: '1500ms',
        pollInterval: '300ms',
      });
      const handle = await start(life, 'cardDeposit', workflowId, input);
      try {
        await untilState(handle, 'NEEDS_RECONCILIATION');
      } finally {
        life.wasabi.control.setSwitches({ orderStatusNames: {} });
      }
      await handle.executeUpdate(resolveOutcomeUpdate, { args: [{ applied: true, note: 'checked' }] });
      return outcome(handle, 'SETTLED');
    },
  },
  {
    type: 'cardDeposit',
    name: 'wasabi-amount-invalid',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      const { workflowId, input } = wasabiDeposit(life, cardNo, '1000000');
      return failure(await start(life, 'cardDeposit', workflowId, input), 'ValidationFailed');
    },
  },
];

// ---- cardClosure ----

const closure: Scenario[] = [
  {
    type: 'cardClosure',
    name: 'kazepay-closed',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-close-ok');
      await outcome(await kazepayDeposit(life, cardId, '75.25'), 'SETTLED');
      const id = workflowIds.cardClosure('kazepay', cardId);
      const input = { provider: 'kazepay', cardRef: cardId, completion: { pollInterval: POLL } };
      return outcome(await start(life, 'cardClosure', id, input), 'CLOSED');
    },
  },
  {
    type: 'cardClosure',
    name: 'kazepay-ambiguous-reconciled',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-close-ambiguous');
      life.kazepay.control.faults.script('closeCard', 'applied-no-answer');
      const id = workflowIds.cardClosure('kazepay', cardId);
      const input = { provider: 'kazepay', cardRef: cardId, completion: { pollInterval: POLL } };
      return outcome(await start(life, 'cardClosure', id, input), 'CLOSED');
    },
  },
  {
    type: 'cardClosure',
    name: 'kazepay-unknown-status-at-deadline-resolved',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-close-unknown');
      const id = workflowIds.cardClosure('kazepay', cardId);
      const input = {
        provider: 'kazepay',
        cardRef: cardId,
        completion: { deadline: '1500ms', pollInterval: '300ms' },
      };
      // The card closes under a name the profile does not know: the deadline passes on it.
      const handle = await withKazepayStatusNames(life, { cardClosed: 'CLOSE_DONE' }, async () => {
        const h = await start(life, 'cardClosure', id, input);
        await untilState(h, 'NEEDS_RECONCILIATION');
        return h;
      });
      await handle.executeUpdate(resolveOutcomeUpdate, {
        args: [{ applied: true, note: 'closed in the portal' }],
      });
      return outcome(handle, 'CLOSED');
    },
  },
  {
    type: 'cardClosure',
    name: 'wasabi-closed',
    async run(life) {
      const cardNo = await openCard(life, '111002', '75.5');
      const id = workflowIds.cardClosure('wasabi', cardNo);
      const input = {
        provider: 'wasabi',
        cardRef: cardNo,
        customerRef: uniqueRef('cust'),
        completion: { pollInterval: POLL },
      };
      return outcome(await start(life, 'cardClosure', id, input), 'CLOSED');
    },
  },
  {
    type: 'cardClosure',
    name: 'wasabi-cancel-rejected',
    async run(life) {
      const cardNo = await openCard(life, '111002', '20');
      const id = workflowIds.cardClosure('wasabi', cardNo);
      life.wasabi.control.scriptOrder({
        match: { merchantOrderNo: providerOrderKey(id, 'cancel') },
        outcome: 'fail',
      });
      const input = {
        provider: 'wasabi',
        cardRef: cardNo,
        customerRef: uniqueRef('cust'),
        completion: { pollInterval: POLL },
      };
      return failure(await start(life, 'cardClosure', id, input), 'ProviderRejected');
    },
  },
];

// ---- cardAccount ----

async function startAccount(life: LifecycleEnv, tag: string) {
  return startAccountOn(life, await kazepayFlows(life).activeCard(tag));
}

async function startAccountOn(life: LifecycleEnv, cardId: string) {
  const handle = await startBare(life, 'cardAccount', workflowIds.cardAccount('kazepay', cardId), {
    provider: 'kazepay',
    cardRef: cardId,
    customerRef: uniqueRef('cust'),
    currency: 'USD',
    settlement: { pollInterval: POLL },
    completion: { pollInterval: POLL },
  });
  return { cardId, handle };
}

const account: Scenario[] = [
  {
    type: 'cardAccount',
    name: 'kazepay-deposit-freeze-unfreeze-close',
    async run(life) {
      const { handle } = await startAccount(life, 'r-acct');
      const settled = await handle.executeUpdate(depositUpdate, {
        args: [{ depositRef: uniqueRef('d'), amount: '30.00' }],
      });
      assert.equal(settled.outcome, 'SETTLED');
      assert.deepEqual(await handle.executeUpdate(freezeUpdate), { state: 'FROZEN' });
      assert.deepEqual(await handle.executeUpdate(unfreezeUpdate), { state: 'ACTIVE' });
      const closed = await life.client.workflow.getHandle(handle.workflowId).executeUpdate(closeUpdate);
      assert.equal(closed.outcome, 'CLOSED');
      await life.client.workflow.getHandle(handle.workflowId).result();
      return { workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
  {
    type: 'cardAccount',
    name: 'kazepay-continued-as-new-with-deposits-in-flight',
    async run(life) {
      const { handle } = await startAccount(life, 'r-acct-can');
      // Three at once, twice: updates arrive while earlier ones still run.
      for (const batch of [
        ['10.00', '11.00', '12.00'],
        ['13.00', '14.00', '15.00'],
      ]) {
        const results = await Promise.all(
          batch.map((amount) =>
            handle.executeUpdate(depositUpdate, { args: [{ depositRef: uniqueRef('d'), amount }] }),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.outcome),
          batch.map(() => 'SETTLED'),
        );
      }
      const latest = life.client.workflow.getHandle(handle.workflowId);
      await eventually('the account to continue as new', async () =>
        (await latest.describe()).runId !== handle.firstExecutionRunId ? true : undefined,
      );
      assert.equal((await latest.executeUpdate(closeUpdate)).outcome, 'CLOSED');
      await latest.result();
      return { workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
  {
    type: 'cardAccount',
    name: 'kazepay-redeposits-freed-ref',
    async run(life) {
      const cardId = await kazepayFlows(life).activeCard('r-acct-freed');
      const setCardStatus = (status: 'ACTIVE' | 'INACTIVE') =>
        life.kazepayClientWith().updCardStatus({ cardID: cardId, status });
      // A direct deposit on the frozen card is refused by its own check before anything is sent:
      // its depositRef is free again (patched 'reference-free-when-nothing-sent').
      const depositRef = uniqueRef('d');
      await setCardStatus('INACTIVE');
      const refused = await start(
        life,
        'cardDeposit',
        workflowIds.cardDeposit('kazepay', cardId, depositRef),
        {
          provider: 'kazepay',
          cardRef: cardId,
          depositRef,
          amount: '9.00',
          currency: 'USD',
          settlement: { pollInterval: POLL },
        },
      );
      await failure(refused, 'PreconditionFailed');
      await setCardStatus('ACTIVE');
      // The account finds the ref's failed flow and deposits under it again (patched
      // 'account-redeposits-freed-ref').
      const { handle } = await startAccountOn(life, cardId);
      const settled = await handle.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '9.00' }] });
      assert.equal(settled.outcome, 'SETTLED');
      assert.equal(life.kazepay.control.cardBalance(cardId), '9');
      assert.equal((await handle.executeUpdate(closeUpdate)).outcome, 'CLOSED');
      await handle.result();
      return { workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
  {
    type: 'cardAccount',
    name: 'wasabi-deposit-freeze-unfreeze-close',
    async run(life) {
      const cardNo = await openCard(life, '111002', '10');
      const handle = await startBare(life, 'cardAccount', workflowIds.cardAccount('wasabi', cardNo), {
        provider: 'wasabi',
        cardRef: cardNo,
        customerRef: uniqueRef('cust'),
        currency: 'USD',
        settlement: { pollInterval: POLL },
        completion: { pollInterval: POLL },
        // The freeze and unfreeze orders are followed at this pace, not the 10s default.
        freezeOrder: { pollInterval: POLL, deadline: '1m' },
      });
      const settled = await handle.executeUpdate(depositUpdate, {
        args: [{ depositRef: uniqueRef('d'), amount: '30' }],
      });
      assert.equal(settled.outcome, 'SETTLED');
      // Each order is still pending at the first poll: the wait polls again.
      await withWasabiTimings(life, { orderCompleteMs: 30_000 }, async () => {
        assert.deepEqual(await handle.executeUpdate(freezeUpdate), { state: 'FROZEN' });
        assert.deepEqual(await handle.executeUpdate(unfreezeUpdate), { state: 'ACTIVE' });
      });
      assert.equal((await handle.executeUpdate(closeUpdate)).outcome, 'CLOSED');
      await handle.result();
      return { workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId };
    },
  },
];

// ---- documentRetention (the retention schedule's sweep) ----

const retention: Scenario[] = [
  {
    type: 'documentRetention',
    name: 'sweep-deleted',
    async run(life) {
      // Recorded last and alone: a 1 ms age limit sweeps every document the recorder stored.
      const { ref } = await life.document('png');
      await new Promise((done) => setTimeout(done, 5));
      const handle = await life.client.workflow.start('documentRetention', {
        workflowId: `document-retention-${uniqueRef('r')}`,
        taskQueue: TASK_QUEUE,
        args: [{ retention: '1ms' }],
      });
      const result = (await handle.result()) as { deleted: number };
      assert.ok(result.deleted >= 1, `${handle.workflowId}: deleted ${result.deleted}`);
      await assert.rejects(life.documents.get(ref), { name: 'DocumentNotFoundError' });
      return { workflowId: handle.workflowId };
    },
  },
];

const BY_FLOW: Scenario[] = [
  ...kyc,
  ...activation,
  ...issuanceScenarios,
  ...deposit,
  ...closure,
  ...account,
  ...retention,
];

/**
 * Scenarios recorded again after a patch changed their path, under a new name: the history of
 * the earlier name keeps proving that runs started before the patch still replay.
 */
function recordedAgain(base: string, name: string): Scenario {
  const scenario = BY_FLOW.find((s) => s.name === base);
  if (!scenario) throw new Error(`no scenario ${base}`);
  return { ...scenario, name };
}

export const SCENARIOS: Scenario[] = [
  ...BY_FLOW,
  // patched('kazepay-rejection-reason'): the REJECTED result carries its reason.
  recordedAgain('kazepay-rejected', 'kazepay-rejected-with-reason'),
  // patched('reference-free-when-nothing-sent'): a failure before any send frees its reference.
  recordedAgain('wasabi-amount-invalid', 'wasabi-amount-invalid-nothing-sent'),
  recordedAgain('wasabi-holder-precondition', 'wasabi-holder-precondition-nothing-sent'),
  // patched('delete-documents-after-acceptance'): a PASSED KYC deletes the documents it submitted.
  recordedAgain('kazepay-passed', 'kazepay-passed-documents-deleted'),
  recordedAgain('wasabi-passed', 'wasabi-passed-documents-deleted'),
  recordedAgain('wasabi-rejected-then-resubmitted', 'wasabi-resubmitted-documents-deleted'),
  // patched('precondition-reads-together'): a flow's precondition reads are one activity (an
  // issuance without a holderId has one read and does not ask the patch: its paths are unchanged).
  recordedAgain('wasabi-issued-with-holder', 'wasabi-issued-with-holder-reads-together'),
  recordedAgain('wasabi-settled', 'wasabi-settled-reads-together'),
  recordedAgain('wasabi-amount-invalid', 'wasabi-amount-invalid-reads-together'),
  recordedAgain('kazepay-settled', 'kazepay-settled-reads-together'),
  // The deposit's (the closure has a scenario of the same name): its snapshot reconciles the send.
  recordedAgain('kazepay-ambiguous-reconciled', 'kazepay-ambiguous-reconciled-reads-together'),
];
