// `npm run bench -- --quick --json` end to end (issue 11): both arms run the lifecycle without a
// failure, and the last line of stdout is the summary with the fields the issue names. Only the
// shape and the history figures are asserted: the throughput and CPU ratios depend on the machine
// (docs/benchmark.md).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

test(
  'bench --quick --json: both arms complete and the last line is the JSON summary',
  { timeout: 240_000 },
  async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'tools', 'bench', 'main.ts'), '--quick', '--json'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    const context = `\n${stderr.slice(-4000)}`;
    assert.equal(code, 0, context);
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
    for (const key of [
      'throughputRatio',
      'cpuRatio',
      'historyEvents1m',
      'historyEvents7d',
      'maxHistoryEvents',
    ])
      assert.equal(typeof summary[key], 'number', `${key}${context}`);
    assert.equal(summary.failures, 0, context);
    assert.ok(
      (summary.historyEvents7d as number) <= (summary.historyEvents1m as number),
      'history grew with the wait',
    );
    assert.ok((summary.maxHistoryEvents as number) < 100);
    const rows = summary.rows as Array<{ arm: string; lifecycles: number }>;
    assert.ok(rows.some((r) => r.arm === 'plain' && r.lifecycles > 0));
    assert.ok(rows.some((r) => r.arm === 'cardflow' && r.lifecycles > 0));
  },
);
