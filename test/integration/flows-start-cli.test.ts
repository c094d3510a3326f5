// `cardflow flows start` against the dev server with the KazePay sandbox: a deposit started from a
// JSON file settles and `--wait` prints its result; a flow that fails prints its failure type and
// exits 1; stdin works the same. The command runs over the environment's client (its connection
// stays the environment's to close).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCardflowClient } from '../../src/client';
import { flowsCommandWith } from '../../src/cli/flows-command';
import { workflowIds } from '../../src/contract';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let life: LifecycleEnv;
before(async () => {
  env = await startDevServerEnv();
  life = await LifecycleEnv.start(env);
});
after(async () => {
  await life?.close();
  await env?.teardown();
});

async function flows(args: string[], stdin?: string) {
  const command = flowsCommandWith(async () => ({
    cardflow: createCardflowClient({ client: life.client }),
    connection: { close: async () => {} },
  }));
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(stdin === undefined ? {} : { readStdin: async () => stdin }),
  });
  return { code, out, err: err.join('\n') };
}

const depositOf = (cardId: string, depositRef: string, amount: string) => ({
  provider: 'kazepay',
  cardRef: cardId,
  depositRef,
  amount,
  currency: 'USD',
  settlement: { pollInterval: '100ms' },
});

test('flows start --input <file> --wait: the deposit settles, its id and result are printed', async () => {
  const cardId = await kazepayFlows(life).activeCard('cli-start');
  const depositRef = uniqueRef('dep');
  const file = join(mkdtempSync(join(tmpdir(), 'cardflow-cli-start-')), 'deposit.json');
  writeFileSync(file, JSON.stringify(depositOf(cardId, depositRef, '12.50')));
  const r = await flows(['start', 'cardDeposit', '--input', file, '--wait']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out[0], workflowIds.cardDeposit('kazepay', cardId, depositRef));
  const result = JSON.parse(r.out[1] ?? 'null');
  assert.equal(result.outcome, 'SETTLED');
  assert.equal(result.amount, '12.50');
  assert.equal(life.kazepay.control.cardBalance(cardId), '12.5');
  // The same file again: the same flow, nothing moved twice.
  const again = await flows(['start', 'deposit', '--input', file]);
  assert.deepEqual([again.code, again.out], [0, [r.out[0]]]);
  assert.equal(life.kazepay.control.cardBalance(cardId), '12.5');
});

test('flows start --input - --wait: a flow that fails prints its failure type, exit 1', async () => {
  const cardId = await kazepayFlows(life).activeCard('cli-start-fail');
  await life.kazepayClientWith().updCardStatus({ cardID: cardId, status: 'INACTIVE' });
  const r = await flows(
    ['start', 'cardDeposit', '--input', '-', '--wait'],
    JSON.stringify(depositOf(cardId, uniqueRef('dep'), '3.00')),
  );
  assert.equal(r.code, 1);
  assert.match(r.err, /failed: PreconditionFailed: .*INACTIVE/);
  assert.equal(life.kazepay.control.cardBalance(cardId), '0');
});
