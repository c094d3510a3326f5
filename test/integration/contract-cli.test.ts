// The language-neutral contract works as documented: a flow started with the plain `temporal`
// CLI, using only the JSON example of docs/contract-cli.md, completes on a dev server with a
// worker running; its state is read with `temporal workflow query` and its result with
// `temporal workflow result`, as the page shows.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIds } from '../../src/contract';
import { requireTemporalBinary } from '../../src/runtime/temporal-binaries';
import { LifecycleEnv, uniqueRef } from '../helpers/lifecycle-env';
import { startDevServerEnv } from '../helpers/temporal-env';

const run = promisify(execFile);
const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'contract-cli.md'), 'utf8');

/** The JSON example the page marks with `<!-- example: <name> -->` just before its ```json block. */
function documentedExample(name: string): Record<string, unknown> {
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(DOC);
  assert.ok(match?.[1], `docs/contract-cli.md has no example ${name}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}

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
