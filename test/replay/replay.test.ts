// Every committed history replays against today's workflow code, bundled as production bundles it
// and decoded with the test-only key it was recorded with. No server: a change to a workflow that
// the flows in flight could not survive fails here, listing every history it breaks.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import {
  exportedWorkflowTypes,
  installQuietRuntime,
  loadHistories,
  replayAll,
  replayOptions,
  type StoredHistory,
} from './histories';

installQuietRuntime();

let histories: StoredHistory[];
let options: ReplayWorkerOptions;
before(async () => {
  histories = loadHistories();
  options = await replayOptions();
});

test('there are recorded histories to replay', () => {
  assert.ok(histories.length > 0, 'test/replay/histories/ is empty: run `npm run histories:record`');
});

test('every workflow type the bundle exports has recorded histories', () => {
  const counts = new Map<string, number>();
  for (const h of histories) counts.set(h.workflowType, (counts.get(h.workflowType) ?? 0) + 1);
  const types = exportedWorkflowTypes();
  assert.ok(types.length > 0, 'no workflow exported by the product bundle');
  for (const type of types) console.log(`  ${type}: ${counts.get(type) ?? 0} histories`);
  const missing = types.filter((type) => !counts.get(type));
  assert.deepEqual(missing, [], `workflow types without a recorded history: ${missing.join(', ')}`);
  const unknown = [...counts.keys()].filter((type) => !types.includes(type));
  assert.deepEqual(unknown, [], `histories of types the bundle no longer exports: ${unknown.join(', ')}`);
});

test('every history replays with the production bundle and data converter', async () => {
  assert.ok(histories.length > 0, 'nothing to replay');
  const outcomes = await replayAll(options, histories);
  assert.equal(outcomes.length, histories.length, 'one replay result per history');
  const failures = outcomes.filter((o) => o.error);
  assert.deepEqual(
    failures.map((f) => `${f.name}: ${f.error?.name}: ${f.error?.message}`),
    [],
    `${failures.length} of ${outcomes.length} histories no longer replay`,
  );
});
