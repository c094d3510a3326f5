// `cardflow api --dev` as a process: configured by the environment, listening, a development token
// generated into the data folder, stopped by SIGTERM with exit code 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServerEnv } from '../../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let dataDir: string;
let child: ChildProcess | undefined;
before(async () => {
  env = await startDevServerEnv();
  dataDir = mkdtempSync(join(tmpdir(), 'cardflow-api-cmd-'));
});
after(async () => {
  if (child && child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  await env?.teardown();
  rmSync(dataDir, { recursive: true, force: true });
});

test('cardflow api --dev listens, guards its routes with the generated token and stops on SIGTERM', async () => {
  const root = join(__dirname, '..', '..', '..');
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'api', '--dev'], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      CARDFLOW_DATA_DIR: dataDir,
      CARDFLOW_API_BIND_ADDRESS: '127.0.0.1:0',
      CARDFLOW_LOG_LEVEL: 'error',
      CARDFLOW_API_TOKENS: '',
      CARDFLOW_CODEC_KEYS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = child;
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no start line; stderr: ${stderr}`)), 30_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /cardflow API on (http:\/\/[^\s]+) /.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code}; stderr: ${stderr}`)));
  });
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  assert.equal((await fetch(`${url}/health`)).status, 200);
  assert.equal((await fetch(`${url}/openapi.json`)).status, 401);
  const doc = await fetch(`${url}/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(doc.status, 200);
  const bad = await fetch(`${url}/flows/deposit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'nope' }),
  });
  assert.equal(bad.status, 400);
  const listed = await fetch(`${url}/flows?provider=wasabi`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(listed.status, 200, await listed.clone().text());
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(!stderr.includes(token), 'the token is never logged');
});
