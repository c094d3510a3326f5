// `cardflow flows`: help exits 0, mistakes in the command line exit 2 naming the mistake, before
// any connection is made (nothing here reaches a server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('flows --help and flows <command> --help exit 0 with the usage', async () => {
  for (const argv of [
    ['flows', '--help'],
    ['flows', 'resolve', '--help'],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 0, argv.join(' '));
    assert.match(r.out, /cardflow flows resolve <workflowId> \(--applied/);
  }
});

test('flows resolve: the mistakes are named, exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['flows', 'resolve'], /a workflow id is required/],
    [['flows', 'resolve', 'deposit:kazepay:c1:d1'], /say --applied or --not-applied/],
    [
      ['flows', 'resolve', 'deposit:kazepay:c1:d1', '--applied', '--not-applied'],
      /say --applied or --not-applied/,
    ],
    [
      ['flows', 'resolve', 'deposit:kazepay:c1:d1', '--not-applied', '--transaction', 'T1'],
      /--transaction goes with --applied/,
    ],
    [['flows', 'resolve', 'deposit:kazepay:c1:d1', '--aplied'], /Unknown option '--aplied'/],
    [['flows', 'frobnicate'], /unknown flows command frobnicate/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, message, argv.join(' '));
  }
});

test('cardflow --help / -h / help exit 0; an unknown command is named, exit 2', async () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = await run(flag);
    assert.equal(r.code, 0, flag);
    assert.match(r.out, /usage: cardflow <command>/);
  }
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command "frobnicate"/);
});
