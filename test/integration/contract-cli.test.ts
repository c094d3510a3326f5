// The language-neutral contract works as documented: flows started with the plain `temporal`
// CLI, using only the JSON examples and command lines of docs/contract-cli.md, complete on a dev
// server with a worker and the sandboxes; their state is read with `temporal workflow query`,
// their result with `temporal workflow result`, and updates are sent with `temporal workflow
// update execute`, as the page shows. Every documented example runs: only the references the
// sandboxes issue (card ids, holder ids, activation codes, PIN handles) and fresh customer
// references replace the page's values. test/unit/contract-cli-doc.test.ts checks the page
// against the contract's schemas without a server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cardAccountStateQuery, closeUpdate, stateQuery, workflowIds } from '../../src/contract';
import { requireTemporalBinary } from '../../src/runtime/temporal-binaries';
import {
  CONTRACT_DOC as DOC,
  documentedCommands,
  documentedExample,
  option,
  substitute,
} from '../helpers/contract-cli-doc';
import { kazepayFlows } from '../helpers/kazepay-flows';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';
import { eventually, openCard, passedHolder, physicalCard } from '../helpers/wasabi-flows';

const run = promisify(execFile);

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

test('a kycVerification started with the temporal CLI from the documented JSON completes', async () => {
  const cli = requireTemporalBinary('cli');
  const input = documentedExample('kycVerification-wasabi');
  const documentedId = workflowIds.kycVerification('wasabi', String(input.customerRef));
  // A fresh customer per run; everything else exactly as documented.
  const customerRef = uniqueRef('cli');
  const workflowId = workflowIds.kycVerification('wasabi', customerRef);
  assert.ok(DOC.includes(`--workflow-id ${documentedId}`), 'the page shows the id rule applied');
  const server = ['--address', env.address, '--namespace', 'default'];
  await run(cli, [
    'workflow',
    'start',
    '--task-queue',
    'card-lifecycle',
    '--type',
    'kycVerification',
    '--workflow-id',
    workflowId,
    '--input',
    JSON.stringify({ ...input, customerRef }),
    ...server,
  ]);
  const result = await run(cli, [
    'workflow',
    'result',
    '--workflow-id',
    workflowId,
    '--output',
    'json',
    ...server,
  ]);
  const parsed = JSON.parse(result.stdout) as { status?: string; result?: { outcome?: string } };
  assert.equal(parsed.status, 'COMPLETED', result.stdout);
  assert.equal(parsed.result?.outcome, 'PASSED');
  const state = await run(cli, [
    'workflow',
    'query',
    '--workflow-id',
    workflowId,
    '--name',
    'state',
    '--output',
    'json',
    ...server,
  ]);
  assert.match(state.stdout, /"state":\s*"PASSED"/);
  // The same result through an SDK client (no codec: the CLI sent plain JSON).
  const sdkResult = (await life.client.workflow.getHandle(workflowId).result()) as { outcome: string };
  assert.equal(sdkResult.outcome, 'PASSED');
});

test('the documented command line itself, run by a shell, starts the flow, and a second start is the same workflow', async () => {
  const cli = requireTemporalBinary('cli');
  const block = /```sh\n(temporal workflow start[^`]*?--type kycVerification[\s\S]*?)```/.exec(DOC)?.[1];
  assert.ok(block, 'the kycVerification command lines');
  // The first command, continuation lines joined; a fresh customer (the sandbox refuses a second
  // cardholder with the same email); this server's address.
  const command = (block.split(/(?<!\\)\n/)[0] ?? '').replace(/\\\n\s*/g, ' ');
  assert.match(command, /^temporal workflow start /);
  const customerRef = uniqueRef('sh');
  const line = `${command
    .replace(/^temporal /, "'" + cli + "' ")
    .replaceAll('cust-1001', customerRef)
    .replaceAll('ada.lovelace@', `${customerRef}@`)} --address ${env.address}`;
  await run('sh', ['-c', line]);
  await run('sh', ['-c', line]);
  const workflowId = workflowIds.kycVerification('wasabi', customerRef);
  const handle = life.client.workflow.getHandle(workflowId);
  assert.equal(((await handle.result()) as { outcome: string }).outcome, 'PASSED');
  const runs = [];
  for await (const info of life.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(info.runId);
  assert.equal(runs.length, 1, 'one workflow for two starts');
});

/**
 * Runs every documented command of a workflow type's block, in page order, with the page's values
 * replaced as given, against this dev server. `between` runs after the start command (a flow
 * must reach a state before some updates are accepted). Answers each command's JSON output.
 */
async function runDocumentedBlock(
  type: string,
  replacements: Record<string, string>,
  between?: (workflowId: string) => Promise<unknown>,
): Promise<{ workflowId: string; outputs: Array<{ command: string; json: unknown }> }> {
  const cli = requireTemporalBinary('cli');
  const commands = documentedCommands().filter((c) => c.type === type);
  assert.ok(commands.length > 0, `no documented commands for ${type}`);
  const server = ['--address', env.address, '--namespace', 'default'];
  const outputs: Array<{ command: string; json: unknown }> = [];
  let workflowId = '';
  for (const command of commands) {
    const args = substitute(command.args, replacements);
    for (const value of args) assert.ok(!value.includes('…'), `a placeholder is left in ${value}`);
    const reads = args[1] === 'query' || args[1] === 'result' || args[1] === 'update';
    const { stdout } = await run(cli, [...args, ...(reads ? ['--output', 'json'] : []), ...server]);
    const name = option(args, '--name');
    outputs.push({
      command: `${args[1]}${name ? ` ${name}` : ''}`,
      json: reads ? JSON.parse(stdout) : stdout,
    });
    if (args[1] === 'start') {
      workflowId = option(args, '--workflow-id') as string;
      await between?.(workflowId);
    }
  }
  return { workflowId, outputs };
}

const stateOf = (workflowId: string, state: string) =>
  eventually(
    `${workflowId} ${state}`,
    async () => {
      const now = await life.client.workflow.getHandle(workflowId).query(stateQuery);
      return now.state === state ? true : undefined;
    },
    30_000,
  );

describe('every documented example, with the documented command lines', () => {
  test('physicalCardActivation (WasabiCard): start, providePin, submitActivationCode; ACTIVE with the PIN set', async () => {
    const { cardNo, code } = await physicalCard(life);
    const customerRef = uniqueRef('cli');
    const pinHandle = await life.secrets.put('739418', { purpose: 'pin' });
    const { workflowId, outputs } = await runDocumentedBlock(
      'physicalCardActivation',
      { 'pin_…': pinHandle, '"123456"': `"${code}"`, WC615200000004684287: cardNo, 'cust-1001': customerRef },
      (id) => stateOf(id, 'WAITING_FOR_ACTIVATION_CODE'),
    );
    assert.deepEqual(
      outputs.map((o) => o.command),
      ['start', 'update providePin', 'update submitActivationCode'],
    );
    assert.equal(workflowId, workflowIds.physicalCardActivation('wasabi', customerRef, 'act-1'));
    const result = (await life.client.workflow.getHandle(workflowId).result()) as Record<string, unknown>;
    assert.deepEqual([result.outcome, result.cardRef, result.pinSet], ['ACTIVE', cardNo, true]);
  });

  test('virtualCardIssuance: ISSUED to the documented card type and a passed cardholder', async () => {
    const holderId = await passedHolder(life, '111065', 'cli-issue');
    const customerRef = uniqueRef('cli');
    const { workflowId } = await runDocumentedBlock('virtualCardIssuance', {
      '"holderId":"1850"': `"holderId":"${holderId}"`,
      'cust-1001': customerRef,
    });
    const result = (await life.client.workflow.getHandle(workflowId).result()) as Record<string, unknown>;
    assert.equal(result.outcome, 'ISSUED', JSON.stringify(result));
    assert.equal(result.amount, documentedExample('virtualCardIssuance').initialDeposit);
  });

  test('cardDeposit: SETTLED on a sandbox card', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const { workflowId } = await runDocumentedBlock('cardDeposit', { WC615200000004684287: cardNo });
    const result = (await life.client.workflow.getHandle(workflowId).result()) as Record<string, unknown>;
    assert.deepEqual([result.outcome, result.amount], ['SETTLED', '25.50']);
  });

  test('cardClosure (KazePay): CLOSED', async () => {
    const cardId = await kazepayFlows(life).activeCard('cli-close');
    const { workflowId } = await runDocumentedBlock('cardClosure', { KP0000123: cardId });
    const result = (await life.client.workflow.getHandle(workflowId).result()) as Record<string, unknown>;
    assert.deepEqual([result.outcome, result.cardRef], ['CLOSED', cardId]);
  });

  test('cardAccount: start, deposit and freeze updates, the state query answers FROZEN; once closed, a start answers the closed run and an update-with-start is refused', async () => {
    const cardNo = await openCard(life, '111002', '10');
    const replacements = { WC615200000004684287: cardNo, 'cust-1001': uniqueRef('cli') };
    const { workflowId, outputs } = await runDocumentedBlock('cardAccount', replacements);
    assert.deepEqual(
      outputs.map((o) => o.command),
      ['start', 'update deposit', 'update freeze', 'query state'],
    );
    const [, deposit, freeze, query] = outputs.map((o) => JSON.stringify(o.json));
    assert.match(deposit ?? '', /"outcome":\s*"SETTLED"/);
    assert.match(freeze ?? '', /"state":\s*"FROZEN"/);
    assert.match(query ?? '', /"state":\s*"FROZEN"/);
    const status = await life.client.workflow.getHandle(workflowId).query(cardAccountStateQuery);
    assert.deepEqual([status.state, status.depositsSettled], ['FROZEN', 1]);

    // Closed, the account stays closed: the documented start (UseExisting, RejectDuplicate)
    // answers the closed run, and an update-with-start is refused; no second run.
    const handle = life.client.workflow.getHandle(workflowId);
    assert.equal((await handle.executeUpdate(closeUpdate)).outcome, 'CLOSED');
    const closedRun = (await handle.describe()).runId;
    await handle.result();
    const cli = requireTemporalBinary('cli');
    const server = ['--address', env.address, '--namespace', 'default'];
    const startAgain = documentedCommands().find((c) => c.type === 'cardAccount' && c.args[1] === 'start');
    const args = substitute(startAgain?.args ?? [], replacements);
    const again = await run(cli, [...args, '--output', 'json', ...server]);
    assert.equal((JSON.parse(again.stdout) as { runId?: string }).runId, closedRun, again.stdout);
    const withStart = ['workflow', 'execute-update-with-start', ...args.slice(2)];
    await assert.rejects(
      run(cli, [
        ...withStart,
        '--update-name',
        'deposit',
        '--update-input',
        '{"depositRef":"dep-late","amount":"20"}',
        ...server,
      ]),
      (e: { stderr?: string }) =>
        /already finished.*reject duplicate/i.test(e.stderr ?? '') || assert.fail(String(e.stderr)),
    );
    const runs = [];
    for await (const info of life.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(info.status.name);
    assert.deepEqual(runs, ['COMPLETED'], 'one account workflow, closed');
  });
});
