// The replay test bites: a workflow changed incompatibly (a step added in front of cardDeposit,
// test/fixtures/workflows/replay-guard-variants.ts) fails replay of the recorded cardDeposit
// histories with a determinism error, and the same change behind patched() replays them cleanly.
// The variants live in test fixtures, never in the product bundle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeterminismViolationError } from '@temporalio/workflow';
import { installQuietRuntime, loadHistories, replayAll, replayOptions } from './histories';

installQuietRuntime();

const deposits = () => {
  const histories = loadHistories().filter((h) => h.workflowType === 'cardDeposit');
  assert.ok(histories.length > 0, 'no recorded cardDeposit history to replay');
  return histories;
};

test('an incompatible change to cardDeposit fails replay of every recorded deposit with a determinism error', async () => {
  const histories = deposits();
  const options = await replayOptions({
    workflowsPath: require.resolve('../fixtures/workflows/replay-guard-incompatible'),
  });
  const outcomes = await replayAll(options, histories);
  assert.equal(outcomes.length, histories.length);
  for (const { name, error } of outcomes) {
    assert.ok(error, `${name} replayed although the workflow issues a different first command`);
    assert.ok(error instanceof DeterminismViolationError, `${name}: ${error.name}: ${error.message}`);
    assert.match(error.message, /TMPRL1100/, name);
  }
});

test('the same change behind patched() replays every recorded deposit', async () => {
  const histories = deposits();
  const options = await replayOptions({
    workflowsPath: require.resolve('../fixtures/workflows/replay-guard-patched'),
  });
  const outcomes = await replayAll(options, histories);
  assert.equal(outcomes.length, histories.length);
  assert.deepEqual(
    outcomes.filter((o) => o.error).map((o) => `${o.name}: ${o.error?.message}`),
    [],
  );
});
