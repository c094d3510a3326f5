// The flows whose inputs have a plain check (src/contract/input-checks/) evaluate no zod module
// when the input is valid and no operator message needs checking: the SDK evaluates a flow's
// modules for every execution, and zod's schema graph was the largest part of that
// (docs/benchmark.md). Replayed with a bundle whose `zod` throws when evaluated.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import {
  installQuietRuntime,
  loadHistories,
  replayAll,
  replayOptions,
  type StoredHistory,
} from './histories';

installQuietRuntime();

const ZOD_FORBIDDEN = join(__dirname, '..', 'fixtures', 'zod-forbidden.js');

/** Valid inputs, no operator resolution: the common path of each flow with a plain check. */
const ZOD_FREE = [
  'cardClosure/kazepay-closed.json',
  'cardClosure/wasabi-closed.json',
  'cardClosure/wasabi-cancel-rejected.json',
  'cardDeposit/kazepay-settled.json',
  'cardDeposit/kazepay-failed.json',
  'cardDeposit/wasabi-settled.json',
  'cardDeposit/wasabi-failed.json',
  'cardDeposit/wasabi-ambiguous-reconciled.json',
  'virtualCardIssuance/wasabi-issued.json',
  'virtualCardIssuance/wasabi-issued-with-holder.json',
  'virtualCardIssuance/wasabi-order-failed.json',
  'kycVerification/kazepay-passed.json',
  'kycVerification/kazepay-hosted-passed.json',
  'kycVerification/kazepay-rejected.json',
  'kycVerification/wasabi-passed.json',
  'kycVerification/wasabi-rejected.json',
];

let histories: StoredHistory[];
let options: ReplayWorkerOptions;
before(async () => {
  histories = loadHistories();
  options = await replayOptions({
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as object), zod$: ZOD_FORBIDDEN } },
    }),
  });
});

test('KYC, closure, deposit and issuance replay with valid inputs and no zod in the bundle', async () => {
  const chosen = histories.filter((h) => ZOD_FREE.includes(h.name));
  assert.equal(chosen.length, ZOD_FREE.length, 'every listed history is recorded');
  const outcomes = await replayAll(options, chosen);
  assert.deepEqual(
    outcomes.filter((o) => o.error).map((o) => `${o.name}: ${o.error?.message}`),
    [],
  );
});

test('an invalid input still loads zod (its schema words the failure): it fails in that bundle', async () => {
  const needZod = ['kycVerification/kazepay-invalid-input.json'];
  const chosen = histories.filter((h) => needZod.includes(h.name));
  assert.equal(chosen.length, needZod.length);
  const outcomes = await replayAll(options, chosen);
  for (const outcome of outcomes) {
    // The failure's message is encrypted by the production converter: the workflow task failed.
    assert.match(String(outcome.error?.message), /workflow task failure/, outcome.name);
  }
});
