// Ready-made KazePay steps for workflow tests: a passed KYC, an activation, an active card.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import {
  type ActivationInput,
  TASK_QUEUE,
  stateQuery,
  submitActivationCodeUpdate,
  workflowIds,
} from '../../src/contract';
import { applicant, type LifecycleEnv, uniqueRef } from './lifecycle-env';

export { failureOf } from './wasabi-flows';

export async function waitForState(handle: WorkflowHandle, state: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await handle.query(stateQuery)).state === state) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`workflow never reached ${state} (is ${(await handle.query(stateQuery)).state})`);
}

export function kazepayFlows(life: LifecycleEnv) {
  async function passedKyc(tag: string) {
    const person = applicant(tag);
    const customerRef = uniqueRef('cust');
    const result = await life.client.workflow.execute('kycVerification', {
      workflowId: workflowIds.kycVerification('kazepay', customerRef),
      taskQueue: TASK_QUEUE,
      args: [
        {
          provider: 'kazepay',
          customerRef,
          applicant: person,
          documents: { front: await life.document('png'), selfie: await life.document('jpeg') },
          // Real-time servers honour poll intervals: keep them short (time skipping skips them).
          review: { pollInterval: '100ms' },
        },
      ],
    });
    assert.equal(result.outcome, 'PASSED');
    return { person, customerRef };
  }

  async function startActivation(tag: string, overrides: Partial<ActivationInput> = {}) {
    const { person, customerRef } = await passedKyc(tag);
    const cardNumber = life.kazepay.control.addPhysicalCard();
    const cardNumberHandle = await life.secrets.put(cardNumber, { purpose: 'card-number' });
    const pin = '482915';
    const pinHandle = await life.secrets.put(pin, { purpose: 'pin' });
    const requestRef = uniqueRef('act');
    const handle = await life.client.workflow.start('physicalCardActivation', {
      workflowId: workflowIds.physicalCardActivation('kazepay', customerRef, requestRef),
      taskQueue: TASK_QUEUE,
      args: [
        {
          provider: 'kazepay',
          customerRef,
          requestRef,
          email: person.email,
          cardNumberHandle,
          pinHandle,
          activation: { pollInterval: '100ms' },
          ...overrides,
        } as ActivationInput,
      ],
    });
    return { handle, person, cardNumber, pin };
  }

  async function cardIdOf(handle: WorkflowHandle): Promise<string> {
    const cardRef = (await handle.describe()).searchAttributes.CardRef?.[0];
    assert.ok(typeof cardRef === 'string', 'CardRef search attribute set');
    return cardRef;
  }

  /** A card activated through the workflow, ready for money. */
  async function activeCard(tag: string): Promise<string> {
    const { handle } = await startActivation(tag);
    await waitForState(handle, 'WAITING_FOR_ACTIVATION_CODE');
    const cardId = await cardIdOf(handle);
    const code = life.kazepay.control.takeActivationCode(cardId);
    assert.ok(code);
    assert.equal(
      (await handle.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] })).accepted,
      true,
    );
    assert.equal((await handle.result()).outcome, 'ACTIVE');
    return cardId;
  }
  return { passedKyc, startActivation, cardIdOf, activeCard };
}
