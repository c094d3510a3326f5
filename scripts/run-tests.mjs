#!/usr/bin/env node
// The test command: Node's built-in test runner on the TypeScript sources (through tsx).
// `npm test` runs every suite but cluster; `npm test -- unit workflow` runs the named ones only.
// Suites: unit (no server), workflow (time-skipping server), integration (dev server + sandboxes),
// cluster (only when named).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

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
// Each cluster file boots its own PostgreSQL and five Temporal processes: one at a time.
const concurrency = process.env.CARDFLOW_TEST_CONCURRENCY ?? (chosen.includes('cluster') ? '1' : '2');
// Besides the spec output, every finished test as a JSON line, for the per-suite summary below.
const summaryDir = mkdtempSync(join(tmpdir(), 'cardflow-tests-'));
const summaryFile = join(summaryDir, 'results.jsonl');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(join(root, 'scripts', 'test-summary-reporter.mjs')).href}`,
    `--test-reporter-destination=${summaryFile}`,
    `--test-concurrency=${concurrency}`,
    // A hung test (e.g. a workflow task failing forever) fails after 3 minutes instead of eating CI's time.
    '--test-timeout=180000',
    ...passThrough,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);

// Counts per suite (the folder under test/), then one closing line `N passed, N failed, N skipped`
// over the whole run (node's own totals; cancelled tests count as failed).
const COLUMNS = ['files', 'tests', 'passed', 'failed', 'cancelled', 'skipped', 'todo'];
let summary;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  // no summary: the runner itself failed; its own output says why
}
rmSync(summaryDir, { recursive: true, force: true });
if (summary?.total) {
  const rows = [['suite', ...COLUMNS]];
  for (const suite of [...SUITES, ...NAMED_ONLY, 'other'].filter((s) => summary.suites[s]))
    rows.push([suite, ...COLUMNS.map((c) => summary.suites[suite][c])]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log('\nper suite:');
  for (const row of rows)
    console.log(
      `  ${row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')}`,
    );
  const { passed, failed, cancelled, skipped } = summary.total;
  console.log(`${passed} passed, ${failed + cancelled} failed, ${skipped} skipped`);
  if (result.status === 0 && failed + cancelled > 0) process.exit(1);
}
process.exit(result.status ?? 1);
