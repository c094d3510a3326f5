// A flow starts with the CardState its first workflow task would set, so that task upserts
// nothing (one history event and one visibility write fewer per flow: docs/benchmark.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CardState } from '../../src/contract';
import { startAttributes } from '../../src/client/start-attributes';

const stateAtStart = (type: Parameters<typeof startAttributes>[0], input: object) =>
  startAttributes(type, 'flow-id', { provider: 'wasabi', ...input }, undefined).find(
    (pair) => pair.key.name === CardState.name,
  )?.value;

test('the one-shot flows start in the state their workflow begins in', () => {
  assert.equal(stateAtStart('kycVerification', { customerRef: 'c-1' }), 'SUBMITTING');
  assert.equal(stateAtStart('virtualCardIssuance', { customerRef: 'c-1' }), 'CHECKING');
  assert.equal(stateAtStart('cardDeposit', { cardRef: 'card-1' }), 'CHECKING');
  assert.equal(stateAtStart('cardClosure', { cardRef: 'card-1' }), 'CLOSING');
});

test('flows whose first state depends on their input or history start without one', () => {
  assert.equal(stateAtStart('physicalCardActivation', { customerRef: 'c-1' }), undefined);
  assert.equal(stateAtStart('cardAccount', { cardRef: 'card-1' }), undefined);
});
