// physicalCardActivation on WasabiCard physical cards (card type 111200: opened `un_activated`,
// the activation code delivered to the cardholder's inbox): the PIN travels as a secret handle,
// the code through the submitActivationCode update; a wrong code is reported and retried with a
// new PIN handle; a PIN handle used twice ends the flow with SecretHandleInvalid.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type ActivationInput,
  type ActivationResult,
  providePinUpdate,
  submitActivationCodeUpdate,
  workflowIds,
} from '../../src/contract';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startTimeSkippingEnv } from '../helpers/temporal-env';
import {
  assertNoCardSecrets,
  failureOf,
  openCard,
  passedHolder,
  startFlow,
  untilState,
  visibleState,
} from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
const started: WorkflowHandle[] = [];
const PINS = ['739418', '582937'];

before(async () => {
  env = await startTimeSkippingEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

/** A physical card awaiting activation, and the code its cardholder received. */
async function physicalCard(): Promise<{ cardNo: string; code: string }> {
  const holderId = await passedHolder(life, '111200', 'physical');
  const cardNo = await openCard(life, '111200', '50', holderId);
  const card = life.wasabi.control.state().cards.find((c) => c.cardNo === cardNo);
  assert.equal(card?.status, 'un_activated');
  const [code] = life.wasabi.control.inbox(cardNo);
  assert.ok(code, 'the activation code reached the cardholder');
  return { cardNo, code };
}

async function startActivation(cardNo: string, pinHandle: string) {
  const input: ActivationInput = {
    provider: 'wasabi',
    customerRef: uniqueRef('cust'),
    requestRef: uniqueRef('act'),
    cardRef: cardNo,
    pinHandle,
  };
  const workflowId = workflowIds.physicalCardActivation('wasabi', input.customerRef, input.requestRef);
  const handle: WorkflowHandle = await startFlow(life, 'physicalCardActivation', workflowId, input);
  started.push(handle);
  await untilState(handle, 'WAITING_FOR_ACTIVATION_CODE');
  return handle;
}

const wrongCodeOf = (code: string) => (code === '00000000' ? '11111111' : '00000000');
const cardStatus = (cardNo: string) =>
  life.wasabi.control.state().cards.find((c) => c.cardNo === cardNo)?.status;

describe('physicalCardActivation on WasabiCard', () => {
  test('a wrong code is reported with the attempts left; the right code and a new PIN: ACTIVE', async () => {
    const { cardNo, code } = await physicalCard();
    const handle = await startActivation(cardNo, await life.secrets.put(PINS[0]!, { purpose: 'pin' }));

    const wrong = await handle.executeUpdate(submitActivationCodeUpdate, {
      args: [{ code: wrongCodeOf(code) }],
    });
    assert.equal(wrong.accepted, false);
    assert.equal(wrong.attemptsLeft, 2);
    assert.match(wrong.reason ?? '', /incorrect/i);
    assert.equal(cardStatus(cardNo), 'un_activated');

    // The first PIN handle was spent on the refused attempt: the cardholder gives the PIN again.
    const pinHandle = await life.secrets.put(PINS[1]!, { purpose: 'pin' });
    assert.deepEqual(await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] }), {
      accepted: true,
    });
    const right = await handle.startUpdate(submitActivationCodeUpdate, {
      args: [{ code }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const result: ActivationResult = await handle.result();
    assert.deepEqual(await right.result(), { accepted: true, attemptsLeft: 1 });
    assert.deepEqual(result, {
      outcome: 'ACTIVE',
      provider: 'wasabi',
      cardRef: cardNo,
      pinSet: true,
      codeAttempts: 2,
    });
    assert.equal(cardStatus(cardNo), 'Normal');
    const activations = life.wasabi.control
      .state()
      .orders.filter((o) => o.cardNo === cardNo && o.type === 'card_activated');
    assert.deepEqual(
      activations.map((o) => o.status),
      ['success'],
    );
    await assert.rejects(life.secrets.redeem(pinHandle, 'pin'), { name: 'SecretHandleAlreadyRedeemedError' });
    assert.equal(await visibleState(handle), 'ACTIVE');
    assert.equal((await handle.describe()).searchAttributes.CardRef?.[0], cardNo);
  });

  test('activeCard answering 5xx for a while: the PIN handle still suffices, ACTIVE', async () => {
    const { cardNo, code } = await physicalCard();
    const handle = await startActivation(cardNo, await life.secrets.put(PINS[0]!, { purpose: 'pin' }));
    life.wasabi.control.faults.script(
      WASABI_PATHS.activeCard,
      'server-error',
      'server-error',
      'server-error',
    );
    const update = await handle.startUpdate(submitActivationCodeUpdate, {
      args: [{ code }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const result = await handle.result();
    assert.equal((await update.result()).accepted, true);
    assert.equal(result.codeAttempts, 1);
    const refused = life.wasabi.control.requests.filter(
      (r) => r.path === WASABI_PATHS.activeCard && r.code === 500,
    );
    assert.equal(refused.length, 3);
    assert.equal(cardStatus(cardNo), 'Normal');
  });

  test('activeCard answering 5xx a dozen times (retries past the short-backoff range): the PIN handle still suffices, ACTIVE', async () => {
    // Regression (issue 15, defect 3): the handle's claim must survive retries that the SDK
    // schedules as new activity executions; it was bound to the activity id and refused later.
    const { cardNo, code } = await physicalCard();
    const handle = await startActivation(cardNo, await life.secrets.put(PINS[0]!, { purpose: 'pin' }));
    const refusedBefore = life.wasabi.control.requests.filter(
      (r) => r.path === WASABI_PATHS.activeCard && r.code === 500,
    ).length;
    life.wasabi.control.faults.script(
      WASABI_PATHS.activeCard,
      ...Array<'server-error'>(12).fill('server-error'),
    );
    const update = await handle.startUpdate(submitActivationCodeUpdate, {
      args: [{ code }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const result = await handle.result();
    assert.equal((await update.result()).accepted, true);
    assert.equal(result.outcome, 'ACTIVE');
    const refused = life.wasabi.control.requests.filter(
      (r) => r.path === WASABI_PATHS.activeCard && r.code === 500,
    );
    assert.equal(refused.length - refusedBefore, 12);
    assert.equal(cardStatus(cardNo), 'Normal');
  });

  test('too many wrong codes: ActivationCodeAttemptsExhausted, the card still awaiting activation', async () => {
    const { cardNo, code } = await physicalCard();
    const input: ActivationInput = {
      provider: 'wasabi',
      customerRef: uniqueRef('cust'),
      requestRef: uniqueRef('act'),
      cardRef: cardNo,
      maxCodeAttempts: 2,
    };
    const handle: WorkflowHandle = await startFlow(
      life,
      'physicalCardActivation',
      workflowIds.physicalCardActivation('wasabi', input.customerRef, input.requestRef),
      input,
    );
    started.push(handle);
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const pinHandle = await life.secrets.put(PINS[i]!, { purpose: 'pin' });
      await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
      answers.push(
        await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: wrongCodeOf(code) }] }),
      );
    }
    assert.deepEqual(
      answers.map((a) => [a.accepted, a.attemptsLeft]),
      [
        [false, 1],
        [false, 0],
      ],
    );
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'ActivationCodeAttemptsExhausted', failure.message);
    assert.equal(await visibleState(handle), 'FAILED_ACTIVATION_CODE');
    assert.equal(cardStatus(cardNo), 'un_activated');
  });

  test('no code within the code wait: DeadlineExceeded, TIMED_OUT', async () => {
    const { cardNo } = await physicalCard();
    const input: ActivationInput = {
      provider: 'wasabi',
      customerRef: uniqueRef('cust'),
      requestRef: uniqueRef('act'),
      cardRef: cardNo,
      codeWait: { deadline: '2d' },
    };
    const handle: WorkflowHandle = await startFlow(
      life,
      'physicalCardActivation',
      workflowIds.physicalCardActivation('wasabi', input.customerRef, input.requestRef),
      input,
    );
    started.push(handle);
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'DeadlineExceeded', failure.message);
    assert.equal(await visibleState(handle), 'TIMED_OUT');
    assert.equal(cardStatus(cardNo), 'un_activated');
  });

  test('the code validator refuses a malformed code before the flow sees it', async () => {
    const { cardNo } = await physicalCard();
    const handle = await startActivation(cardNo, await life.secrets.put(PINS[0]!, { purpose: 'pin' }));
    await assert.rejects(
      handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code: '12-34' }] }),
      (e: Error) => /4-16 letters or digits/.test(String((e.cause as Error | undefined)?.message)),
    );
    await handle.terminate('test done');
  });

  test('a PIN handle redeemed twice: SecretHandleInvalid', async () => {
    const { cardNo, code } = await physicalCard();
    const pinHandle = await life.secrets.put(PINS[0]!, { purpose: 'pin' });
    const handle = await startActivation(cardNo, pinHandle);
    const wrong = await handle.executeUpdate(submitActivationCodeUpdate, {
      args: [{ code: wrongCodeOf(code) }],
    });
    assert.equal(wrong.accepted, false);
    // The same, already redeemed, handle again.
    await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
    const again = await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
    assert.equal(again.accepted, false);
    const failure = await failureOf(handle.result());
    assert.equal(failure.type, 'SecretHandleInvalid', failure.message);
    assert.equal(await visibleState(handle), 'FAILED_SECRET_HANDLE');
    assert.equal(cardStatus(cardNo), 'un_activated', 'nothing was sent without a PIN');
  });

  test('no history holds a card number, CVV, expiry or PIN', async () => {
    await assertNoCardSecrets(life, started, PINS);
  });
});
