// `cardflow flows`: help exits 0, mistakes in the command line exit 2 naming the mistake, before
// any connection is made (nothing here reaches a server).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
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

describe('flows start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-flows-start-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const deposit = {
    provider: 'kazepay',
    cardRef: '3377',
    depositRef: 'dep-1',
    amount: '10.00',
    currency: 'USD',
  };

  test('flows start --help exits 0 with the usage', async () => {
    const r = await run('flows', 'start', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /cardflow flows start <type> --input <file\|-> \[--wait\]/);
  });

  test('a bad field is named (never its value), exit 2, before any connection', async () => {
    const badAmount = file('amount.json', JSON.stringify({ ...deposit, amount: '12.3456789' }));
    const r = await run('flows', 'start', 'cardDeposit', '--input', badAmount);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /cardDeposit: invalid input: amount: at most 6 decimal places/);
    assert.doesNotMatch(r.err, /12\.3456789/);
    const badRef = file('ref.json', JSON.stringify({ ...deposit, cardRef: 'x y' }));
    const ref = await run('flows', 'start', 'cardDeposit', '--input', badRef);
    assert.equal(ref.code, 2, ref.err);
    assert.match(ref.err, /cardDeposit: invalid input: cardRef: expected/);
    assert.doesNotMatch(ref.err, /x y/);
  });

  test('the input can come from stdin (-); the API kind names are accepted too', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['flows', 'start', 'deposit', '--input', '-'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readStdin: async () => JSON.stringify({ ...deposit, currency: 'usd' }),
    });
    assert.equal(code, 2, err.join('\n'));
    assert.match(err.join('\n'), /cardDeposit: invalid input: currency:/);
  });

  test('the mistakes in the command line and the file are named, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['flows', 'start'], /a flow type is required/],
      [['flows', 'start', 'cardDeposit'], /--input <file\|-> is required/],
      [
        ['flows', 'start', 'cardDepot', '--input', '-'],
        /unknown flow type cardDepot \(one of kycVerification/,
      ],
      [
        ['flows', 'start', 'cardDeposit', '--input', join(dir, 'missing.json')],
        /cannot read .*missing\.json/,
      ],
      [['flows', 'start', 'cardDeposit', '--input', file('broken.json', '{"provider": ')], /not JSON/],
      [['flows', 'start', 'cardDeposit', 'extra', '--input', '-'], /unexpected extra/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
    }
  });
});
