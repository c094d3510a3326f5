// Worker Versioning behaviours of the product workflows (workflows/versioning.ts): the short
// money-moving flows are pinned to the build that started them, the long waiting flows move to
// the current build at their next task. Read from the exported functions, as the worker does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as workflows from '../../workflows';
import { WORKFLOW_TYPES } from '../../src/contract';

const EXPECTED = {
  cardDeposit: 'PINNED',
  cardClosure: 'PINNED',
  virtualCardIssuance: 'PINNED',
  kycVerification: 'AUTO_UPGRADE',
  physicalCardActivation: 'AUTO_UPGRADE',
  cardAccount: 'AUTO_UPGRADE',
} as const;

test('every product workflow declares its versioning behaviour', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), Object.values(WORKFLOW_TYPES).sort());
  for (const [type, behaviour] of Object.entries(EXPECTED)) {
    const fn = (workflows as Record<string, unknown>)[type] as {
      workflowDefinitionOptions?: { versioningBehavior?: string };
    };
    assert.equal(typeof fn, 'function', `${type} is exported`);
    assert.equal(fn.workflowDefinitionOptions?.versioningBehavior, behaviour, `${type} is ${behaviour}`);
  }
});
