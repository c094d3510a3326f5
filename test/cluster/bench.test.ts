// `npm run bench -- --server dev,cluster` end to end, kept short (2 lifecycles per block, one
// repetition, no history-growth run): the cardflow arm completes on the dev server and on the
// cluster in one run, and the cluster's row charges CPU to PostgreSQL, each Temporal process and
// the worker. Only the shape is asserted: the figures depend on the machine (docs/benchmark.md).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

test(
  'bench --server dev,cluster: cardflow on both servers, CPU by process on the cluster',
  { timeout: 420_000 },
  async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'tools', 'bench', 'main.ts'),
        ...['--server', 'dev,cluster', '--concurrency', '2', '--repetitions', '1', '--lifecycles', '2'],
        // The arms this test is about (the poller and idiomatic arms, and the webhook block:
        // test/e2e/bench.test.ts).
        ...['--arms', 'plain,cardflow', '--no-history-growth', '--no-webhook', '--json'],
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    const context = `\n${stderr.slice(-4000)}`;
    assert.equal(code, 0, context);
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
      failures: number;
      rows: Array<{
        arm: string;
        storage: string;
        lifecycles: number;
        cpuPerLifecycleByProcess: Record<string, number>;
      }>;
    };
    assert.equal(summary.failures, 0, context);
    const row = (storage: string) => summary.rows.find((r) => r.arm === 'cardflow' && r.storage === storage);
    assert.ok((row('wal')?.lifecycles ?? 0) > 0, `cardflow on the dev server${context}`);
    const cluster = row('cluster');
    assert.ok((cluster?.lifecycles ?? 0) > 0, `cardflow on the cluster${context}`);
    const processes = Object.keys(cluster?.cpuPerLifecycleByProcess ?? {});
    for (const name of [
      'worker',
      'postgres',
      'temporal-frontend',
      'temporal-history-1',
      'temporal-history-2',
      'temporal-matching',
      'temporal-worker',
    ])
      assert.ok(processes.includes(name), `CPU of ${name} on the cluster row: ${processes.join(', ')}`);
    // PostgreSQL did the cluster's persistence: its backends used CPU during the blocks.
    assert.ok((cluster?.cpuPerLifecycleByProcess.postgres ?? 0) > 0, JSON.stringify(cluster));
  },
);
