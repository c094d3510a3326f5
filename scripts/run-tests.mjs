#!/usr/bin/env node
// The test command: Node's built-in test runner on the TypeScript sources (through tsx).
// `npm test` runs every suite but cluster; `npm test -- unit workflow` runs the named ones only.
// Suites: unit (no server), workflow (time-skipping server), integration (dev server + sandboxes),
// cluster (only when named).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SUITES = ['unit', 'workflow', 'replay', 'integration', 'e2e'];
// Named only: `npm test -- cluster` (a multi-process Temporal cluster on PostgreSQL, built from the
// Go module proxy; CI runs it as a step of its own after `npm run temporal-server:install`).
const NAMED_ONLY = ['cluster'];
const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
for (const s of chosen)
  if (![...SUITES, ...NAMED_ONLY].includes(s))
    throw new Error(`unknown suite ${s}; known: ${[...SUITES, ...NAMED_ONLY].join(', ')}`);

const collect = (dir) => {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
};

const files = (chosen.length ? chosen : SUITES).flatMap((suite) => collect(join(root, 'test', suite)).sort());
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.CARDFLOW_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    // A hung test (e.g. a workflow task failing forever) fails after 3 minutes instead of eating CI's time.
    '--test-timeout=180000',
    ...passThrough,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
