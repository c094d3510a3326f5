// Which of cardflow's payloads go to a Nexus caller: the handler's own input and output (no
// context) and the five flows' payloads (a workflow-run result is the flow's completion payload);
// activities and the card account stay under cardflow's own keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workflowIds } from '../../../src/contract';
import { callerExchangeScope, crossesToCaller } from '../../../src/nexus/exchange-scope';
import { createKeyring } from '../../../src/security/codec-keys';

const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });

test('cardflow: Nexus handler payloads and the five flows cross; activities and the account do not', () => {
  assert.equal(crossesToCaller(undefined), true);
  for (const id of [
    workflowIds.kycVerification('wasabi', 'c1'),
    workflowIds.physicalCardActivation('kazepay', 'c1', 'r1'),
    workflowIds.virtualCardIssuance('wasabi', 'c1', 'r1'),
    workflowIds.cardDeposit('wasabi', 'card1', 'd1'),
    workflowIds.cardClosure('wasabi', 'card1'),
  ])
    assert.equal(crossesToCaller(workflow(id)), true, id);
  assert.equal(crossesToCaller(workflow(workflowIds.cardAccount('wasabi', 'card1'))), false);
  assert.equal(
    crossesToCaller({ type: 'activity', namespace: 'default', workflowId: 'kyc:wasabi:c1', isLocal: false }),
    false,
  );
});

test("a caller: its workflows' payloads cross, its activities' do not", () => {
  const scope = callerExchangeScope(createKeyring([{ id: 'x', key: Buffer.alloc(32, 1) }], 'x'));
  assert.equal(scope.crosses(workflow('onboarding:c1')), true);
  assert.equal(scope.crosses({ type: 'activity', namespace: 'onboarding', isLocal: false }), false);
});
