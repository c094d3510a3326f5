// Worker Versioning behaviours of the product workflows (workflows/versioning.ts): the short
// money-moving flows are pinned to the build that started them, the long waiting flows move to
// the current build at their next task; on an unversioned worker none is declared (the server
// refuses one there). The exported functions carry the getter the worker calls once per run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as workflows from '../../workflows';
import { versioningBehaviorFor } from '../../workflows/versioning';
import { WORKFLOW_TYPES, type WorkflowType } from '../../src/contract';

const EXPECTED = {
  cardDeposit: 'PINNED',
  cardClosure: 'PINNED',
  virtualCardIssuance: 'PINNED',
  kycVerification: 'AUTO_UPGRADE',
  physicalCardActivation: 'AUTO_UPGRADE',
  cardAccount: 'AUTO_UPGRADE',
} as const;

test('every product workflow declares its versioning behaviour on a versioned worker', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), Object.values(WORKFLOW_TYPES).sort());
  for (const [type, behaviour] of Object.entries(EXPECTED) as Array<[WorkflowType, string]>) {
    const fn = (workflows as Record<string, unknown>)[type] as { workflowDefinitionOptions?: unknown };
    assert.equal(typeof fn, 'function', `${type} is exported`);
    assert.equal(typeof fn.workflowDefinitionOptions, 'function', `${type} carries the getter`);
    assert.deepEqual(
      versioningBehaviorFor(type, { deploymentName: 'cardflow', buildId: 'v1' }),
      { versioningBehavior: behaviour },
      `${type} is ${behaviour}`,
    );
  }
});

test('on an unversioned worker no behaviour is declared', () => {
  for (const type of Object.values(WORKFLOW_TYPES)) {
    assert.deepEqual(versioningBehaviorFor(type, undefined), {}, type);
    // What the SDK reports for an unversioned worker: its own build id, no deployment name.
    assert.deepEqual(versioningBehaviorFor(type, { deploymentName: '', buildId: 'b5d0c1e2' }), {}, type);
  }
});
