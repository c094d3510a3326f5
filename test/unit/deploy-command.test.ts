// `cardflow deploy`: registered, help exits 0, and every mistake in the command line exits 2
// naming the mistake before any connection is made (the real calls run in
// test/integration/worker-versioning.test.ts against a dev server).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployCommandWith } from '../../src/cli/deploy-command';
import { runCli } from '../../src/cli/main';

async function run(argv: string[], table?: Parameters<typeof runCli>[2]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, table);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('cardflow deploy is a product command; --help exits 0 with the usage', async () => {
  const r = await run(['deploy', '--help']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /cardflow deploy ramp <buildId> <percent>/);
  assert.match(r.out, /cardflow deploy drain-status <buildId>/);
});

test('deploy: mistakes are named, exit 2, and nothing connects', async () => {
  let connects = 0;
  const deploy = deployCommandWith(
    () => {
      connects++;
      return Promise.reject(new Error('must not connect'));
    },
    { CARDFLOW_DEPLOYMENT_NAME: 'cardflow' },
  );
  const cases: Array<[string[], RegExp]> = [
    [[], /unknown deploy command \(none\)/],
    [['rollback'], /unknown deploy command rollback/],
    [['set-current'], /a build id is required/],
    [['set-current', '__v2'], /build id "__v2": expected 1-100 letters/],
    [['set-current', 'v2', 'v3'], /unexpected v3/],
    [['ramp', 'v2'], /a percentage is required/],
    [['ramp', 'v2', '150'], /percent "150": expected a number from 0 to 100/],
    [['ramp', 'v2', '-5'], /Unknown option '-5'|percent/],
    [['ramp', 'v2', 'ten'], /percent "ten"/],
    [['ramp', '--clear', 'v2'], /unexpected v2/],
    [['drain-status'], /a build id is required/],
    [['describe', '--deployment', 'card.flow'], /deployment name "card.flow": expected/],
    [['describe', '--colour'], /Unknown option '--colour'/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(['deploy', ...argv], { deploy });
    assert.equal(r.code, 2, `deploy ${argv.join(' ')}: ${r.err}`);
    assert.match(r.err, message, `deploy ${argv.join(' ')}`);
    assert.match(r.err, /usage: cardflow deploy describe/);
  }
  assert.equal(connects, 0);
});
