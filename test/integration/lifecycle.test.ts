// A card's whole life per provider, on a real dev server with the sandboxes: KYC, card, deposit
// through the card's account, (spend,) close with the refund; the sandbox ledger must balance and
// no history may hold a card number, CVV, PIN, activation code or document bytes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  closeUpdate,
  Decimal,
  depositUpdate,
  submitActivationCodeUpdate,
  TASK_QUEUE,
  workflowIds,
} from '../../src/contract';
import { kazepayFlows, waitForState } from '../helpers/kazepay-flows';
import { applicant, LifecycleEnv, PNG, JPEG, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { assertNoCardSecrets, historyText } from '../helpers/wasabi-flows';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

const FAST = { pollInterval: '100ms' };

async function assertNothingSecretIn(handles: WorkflowHandle[], secrets: string[]): Promise<void> {
  const documentBytes = [PNG, JPEG].flatMap((b) => [b.toString('base64'), b.toString('hex')]);
  for (const handle of handles) {
    const text = historyText(await handle.fetchHistory()).join('\n');
    assert.ok(text.length > 0, `${handle.workflowId} has a history`);
    const all = [...secrets, ...documentBytes];
    const found = all.map((secret, i) => (text.includes(secret) ? i : -1)).filter((i) => i >= 0);
    // Indexes, not values: a failing test must not print the secret either.
    assert.deepEqual(found, [], `${handle.workflowId}: secrets #${found.join(', #')} are in the history`);
  }
}

test('KazePay: KYC, card assigned and activated, deposit, close with the balance refunded; ledger balanced', async () => {
  const flows = kazepayFlows(life);
  const merchantStart = life.kazepay.control.merchantBalance();
  const { handle: activation, cardNumber, pin } = await flows.startActivation('life-kazepay');
  await waitForState(activation, 'WAITING_FOR_ACTIVATION_CODE');
  const cardId = await flows.cardIdOf(activation);
  const code = life.kazepay.control.takeActivationCode(cardId) as string;
  assert.equal(
    (await activation.executeUpdate(submitActivationCodeUpdate, { args: [{ code }] })).accepted,
    true,
  );
  assert.equal((await activation.result()).outcome, 'ACTIVE');

  const account = await life.client.workflow.start('cardAccount', {
    workflowId: workflowIds.cardAccount('kazepay', cardId),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'kazepay',
        cardRef: cardId,
        customerRef: uniqueRef('cust'),
        currency: 'USD',
        settlement: FAST,
        completion: FAST,
      },
    ],
  });
  const depositRef = uniqueRef('dep');
  const deposited = await account.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '100.00' }] });
  assert.equal(deposited.outcome, 'SETTLED');
  assert.equal(life.kazepay.control.cardBalance(cardId), '100');
  const closed = await account.executeUpdate(closeUpdate);
  assert.ok(new Decimal(closed.refundAmount).equals('100'), `refund ${closed.refundAmount}`);
  assert.equal((await account.result()).state, 'CLOSED');

  assert.equal(life.kazepay.control.cardBalance(cardId), '0');
  assert.equal(life.kazepay.control.merchantBalance(), merchantStart, 'every cent came back to the merchant');
  assert.equal(life.kazepay.control.ledger.snapshot().balanced, true);

  // The KYC and activation inputs legitimately carry the applicant (encrypted by the codec in a
  // deployment); card numbers, PINs, codes and document bytes must never enter any history.
  const customerRef = String((await activation.describe()).searchAttributes.CustomerRef?.[0]);
  await assertNothingSecretIn(
    [
      life.client.workflow.getHandle(workflowIds.kycVerification('kazepay', customerRef)),
      activation,
      account,
      life.client.workflow.getHandle(workflowIds.cardDeposit('kazepay', cardId, depositRef)),
      life.client.workflow.getHandle(workflowIds.cardClosure('kazepay', cardId)),
    ],
    // The activation code is the submitActivationCode update's argument by contract: single-use and
    // spent at once, it is in history (encrypted by the payload codec in a deployment).
    [cardNumber, `"${pin}"`],
  );
});

test('WasabiCard: cardholder KYC, virtual card, deposit, spend, close with the remaining balance refunded; ledger balanced', async () => {
  const cardTypeId = '111065';
  const customerRef = uniqueRef('cust');
  const kyc = await life.client.workflow.start('kycVerification', {
    workflowId: workflowIds.kycVerification('wasabi', customerRef),
    taskQueue: TASK_QUEUE,
    args: [
      { provider: 'wasabi', customerRef, cardTypeId, applicant: applicant('life-wasabi'), review: FAST },
    ],
  });
  const { outcome, holderId } = await kyc.result();
  assert.equal(outcome, 'PASSED');

  const requestRef = uniqueRef('iss');
  const issuance = await life.client.workflow.start('virtualCardIssuance', {
    workflowId: workflowIds.virtualCardIssuance('wasabi', customerRef, requestRef),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'wasabi',
        customerRef,
        requestRef,
        cardTypeId,
        initialDeposit: '50',
        holderId,
        order: FAST,
      },
    ],
  });
  const issued = await issuance.result();
  assert.equal(issued.outcome, 'ISSUED');
  const cardNo = issued.cardRef as string;

  const account = await life.client.workflow.start('cardAccount', {
    workflowId: workflowIds.cardAccount('wasabi', cardNo),
    taskQueue: TASK_QUEUE,
    args: [
      {
        provider: 'wasabi',
        cardRef: cardNo,
        customerRef,
        currency: 'USD',
        settlement: FAST,
        completion: FAST,
      },
    ],
  });
  const depositRef = uniqueRef('dep');
  assert.equal(
    (await account.executeUpdate(depositUpdate, { args: [{ depositRef, amount: '100' }] })).outcome,
    'SETTLED',
  );

  await life.wasabiClient.simulateAuthTransaction({ cardNo, type: 'auth', amount: '30', currency: 'USD' });
  const { amount: balanceBeforeClose } = await life.wasabiClient.balance({ cardNo });
  const closed = await account.executeUpdate(closeUpdate);
  assert.ok(
    new Decimal(closed.refundAmount).lte(balanceBeforeClose ?? '0'),
    'the refund is at most what was left',
  );
  assert.ok(new Decimal(closed.refundAmount).gt(0), `refund ${closed.refundAmount}`);
  assert.equal((await account.result()).state, 'CLOSED');
  assert.equal(life.wasabi.control.ledgerSnapshot().balanced, true);

  const handles = [
    kyc,
    issuance,
    account,
    life.client.workflow.getHandle(workflowIds.cardDeposit('wasabi', cardNo, depositRef)),
    life.client.workflow.getHandle(workflowIds.cardClosure('wasabi', cardNo)),
  ];
  await assertNoCardSecrets(life, handles);
});
