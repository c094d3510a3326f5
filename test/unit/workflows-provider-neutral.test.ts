// Issue 19: every workflow file tells the provider-neutral story. A provider's steps live in its
// own folder (workflows/<provider>/) and a workflow reaches them only through the registry
// (workflows/providers.ts), so adding an issuer edits no workflow file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { PROVIDERS } from '../../src/contract/common';
import { FAILURE_TYPES } from '../../src/contract/failures';
import { stepsFor } from '../../workflows/providers';

const workflowsDir = join(__dirname, '..', '..', 'workflows');
const REGISTRY = 'providers.ts';

test('no top-level workflow file but the registry names a provider', () => {
  const files = readdirSync(workflowsDir).filter((name) => name.endsWith('.ts') && name !== REGISTRY);
  assert.ok(files.includes('card-deposit.ts'), 'the workflow files are found');
  const mentions: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(workflowsDir, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (PROVIDERS.some((provider) => line.toLowerCase().includes(provider)))
        mentions.push(`workflows/${file}:${index + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(mentions, [], 'provider names in provider-neutral workflow files');
});

test('the registry exists and every provider has its own steps folder', () => {
  const entries = readdirSync(workflowsDir);
  assert.ok(entries.includes(REGISTRY), `workflows/${REGISTRY} is the one registry of provider steps`);
  for (const provider of PROVIDERS)
    assert.ok(entries.includes(provider), `workflows/${provider}/ holds ${provider}'s steps`);
});

test('a flow a provider does not offer fails in its registry entry as ValidationFailed', () => {
  assert.throws(
    () => stepsFor('kazepay', 'issuance'),
    (error: unknown) =>
      error instanceof ApplicationFailure &&
      error.type === FAILURE_TYPES.validationFailed &&
      error.nonRetryable &&
      /KazePay issues no virtual cards/.test(error.message),
  );
});
