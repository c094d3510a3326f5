// A step that spends a secret handle (PIN, card number) and whose completion is lost: the
// provider acted, the handle was released, and Temporal retries the activity. The retry must
// learn the step is done (confirmed at the provider where a read can tell) and the flow go on,
// with the provider called once; never fail as "already redeemed". On the dev server with a
// real worker and both sandboxes; the lost completion is a worker interceptor that drops the
// result of one finished attempt (test/helpers/lost-completion.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  type ActivationInput,
  type ActivationResult,
  providePinUpdate,
  submitActivationCodeUpdate,
  workflowIds,
} from '../../src/contract';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import { kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { LostCompletions } from '../helpers/lost-completion';
import { startDevServerEnv } from '../helpers/temporal-env';
import { physicalCard, startFlow, untilState } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
let flows: ReturnType<typeof kazepayFlows>;
const faults = new LostCompletions();
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env, { interceptors: { activity: [faults.interceptor] } });
  flows = kazepayFlows(life);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

const kazepayCalls = (apiCode: string) =>
  life.kazepay.control.requests().filter((r) => r.apiCode === apiCode).length;
const wasabiCalls = (path: string) => life.wasabi.control.requests.filter((r) => r.path === path).length;

describe('a secret step whose completion is lost', () => {
  test('KazePay set-PIN: the retry learns the PIN is set; the flow ends ACTIVE with one cardSetPin sent', async () => {
    const { handle, pin } = await flows.startActivation('pin-lost');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const cardId = await flows.cardIdOf(handle);
    const code = life.kazepay.control.takeActivationCode(cardId);
    assert.ok(code);
    const before = kazepayCalls('cardSetPin');
    faults.loseNext('kazepaySetPin');
    await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
    const result: ActivationResult = await handle.result();
    assert.deepEqual(faults.lost.at(-1), { activityType: 'kazepaySetPin', attempt: 1 });
    assert.equal(result.outcome, 'ACTIVE');
    assert.equal(result.pinSet, true);
    assert.ok(life.kazepay.control.pinMatches(cardId, pin), 'the sandbox holds the PIN');
    assert.equal(kazepayCalls('cardSetPin') - before, 1, 'the PIN was sent once');
  });

  test('KazePay assign: the retry confirms the card bound to the customer (queryCard) and the flow goes on; one ucardAssign', async () => {
    const before = kazepayCalls('ucardAssign');
    faults.loseNext('kazepayAssignCard');
    const { handle, person, cardNumber } = await flows.startActivation('assign-lost');
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    assert.deepEqual(faults.lost.at(-1), { activityType: 'kazepayAssignCard', attempt: 1 });
    const cardId = await flows.cardIdOf(handle);
    const card = life.kazepay.control.card(cardId);
    assert.equal(card?.cardNo, cardNumber, 'the flow follows the card it bound');
    assert.equal(card?.email.toLowerCase(), person.email.toLowerCase());
    assert.equal(kazepayCalls('ucardAssign') - before, 1, 'the card was assigned once');
    const code = life.kazepay.control.takeActivationCode(cardId);
    assert.ok(code);
    await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
    assert.equal(((await handle.result()) as ActivationResult).outcome, 'ACTIVE');
  });

  test('WasabiCard: a refused code whose completion is lost is still a refused code (not a spent handle); the right code then activates, sent once', async () => {
    const { cardNo, code } = await physicalCard(life);
    const input: ActivationInput = {
      provider: 'wasabi',
      customerRef: uniqueRef('cust'),
      requestRef: uniqueRef('act'),
      cardRef: cardNo,
      pinHandle: await life.secrets.put('739418', { purpose: 'pin' }),
    };
    const handle = await startFlow(
      life,
      'physicalCardActivation',
      workflowIds.physicalCardActivation('wasabi', input.customerRef, input.requestRef),
      input,
    );
    await untilState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const before = wasabiCalls(WASABI_PATHS.activeCard);
    faults.loseNext('wasabiActivatePhysicalCard');
    const wrong = await handle.executeUpdate(submitActivationCodeUpdate, {
      args: [{ code: code === '00000000' ? '11111111' : '00000000' }],
    });
    assert.deepEqual(faults.lost.at(-1), { activityType: 'wasabiActivatePhysicalCard', attempt: 1 });
    assert.equal(wrong.accepted, false, 'the refused code is reported as refused');
    assert.equal(wasabiCalls(WASABI_PATHS.activeCard) - before, 1, 'the refused code was sent once');

    const pinHandle = await life.secrets.put('582937', { purpose: 'pin' });
    await handle.executeUpdate(providePinUpdate, { args: [{ pinHandle }] });
    faults.loseNext('wasabiActivatePhysicalCard');
    const right = await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] });
    assert.equal(right.accepted, true);
    assert.equal(((await handle.result()) as ActivationResult).outcome, 'ACTIVE');
    assert.equal(wasabiCalls(WASABI_PATHS.activeCard) - before, 2, 'each code was sent once');
  });
});
