// The real Temporal server for `cardflow cluster`: `temporal-server` and `temporal-sql-tool` built
// from the Go module proxy at the version pinned in package.json ("cardflow".temporalServer), with
// the PostgreSQL schema files of that same version beside them. One folder holds all of it:
//
//   <dir>/bin/temporal-server       go.temporal.io/server/cmd/server
//   <dir>/bin/temporal-sql-tool     go.temporal.io/server/cmd/tools/sql
//   <dir>/schema/postgresql/v12/    {temporal,visibility}/versioned, from the module
//   <dir>/config/development-postgres12.yaml   the module's sample the cluster config follows
//   <dir>/installed.json            what was built, with which toolchain, how long it took
//
// Looked for in CARDFLOW_TEMPORAL_SERVER_DIR (when set, the only place), then .tools/temporal-server
// /v<version>, then the machine cache ${XDG_CACHE_HOME:-~/.cache}/cardflow/temporal-server/v<version>
// (shared by every clone on the machine); built into the machine cache when none is complete.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../../src/config/project-root';

export interface TemporalServerPins {
  /** go.temporal.io/server version, e.g. 1.32.2. */
  version: string;
  /** The Go toolchain the build asks for (GOTOOLCHAIN), e.g. go1.27.3. */
  goToolchain: string;
}

export interface TemporalServerInstall {
  dir: string;
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 (holds temporal/ and visibility/). */
  schemaDir: string;
  version: string;
}

export class ClusterPrerequisiteError extends Error {
  override name = 'ClusterPrerequisiteError';
}

export const SERVER_DIR_VAR = 'CARDFLOW_TEMPORAL_SERVER_DIR';
const STAMP = 'installed.json';

export function temporalServerPins(): TemporalServerPins {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    cardflow: { temporalServer: string; temporalServerGoToolchain: string };
  };
  return {
    version: manifest.cardflow.temporalServer,
    goToolchain: manifest.cardflow.temporalServerGoToolchain,
  };
}

/** Where an install is looked for, in order (the last one is where a build goes by default). */
export function temporalServerDirs(
  pins: TemporalServerPins = temporalServerPins(),
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const explicit = env[SERVER_DIR_VAR];
  if (explicit) return [explicit];
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return [
    join(projectRoot(), '.tools', 'temporal-server', `v${pins.version}`),
    join(cacheHome, 'cardflow', 'temporal-server', `v${pins.version}`),
  ];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function layout(dir: string, version: string): TemporalServerInstall {
  return {
    dir,
    server: join(dir, 'bin', 'temporal-server'),
    sqlTool: join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
    version,
  };
}

/** The install in `dir` when it is complete and of the pinned version. */
export function readInstall(dir: string, pins: TemporalServerPins): TemporalServerInstall | undefined {
  const install = layout(dir, pins.version);
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8')) as { version?: string };
    if (stamp.version !== pins.version) return undefined;
  } catch {
    return undefined;
  }
  const complete =
    isExecutable(install.server) &&
    isExecutable(install.sqlTool) &&
    existsSync(join(install.schemaDir, 'temporal', 'versioned')) &&
    existsSync(join(install.schemaDir, 'visibility', 'versioned'));
  return complete ? install : undefined;
}

export function findTemporalServer(
  pins: TemporalServerPins = temporalServerPins(),
  env: NodeJS.ProcessEnv = process.env,
): TemporalServerInstall | undefined {
  for (const dir of temporalServerDirs(pins, env)) {
    const found = readInstall(dir, pins);
    if (found) return found;
  }
  return undefined;
}

interface GoInfo {
  go: string;
  version: string;
}

/** The `go` command, or a message naming the fix. */
export function findGo(env: NodeJS.ProcessEnv = process.env): GoInfo {
  const probe = spawnSync('go', ['version'], { env: { ...env, GOTOOLCHAIN: 'local' }, encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new ClusterPrerequisiteError(
      [
        'Go is needed once, to build the pinned Temporal server (go install from the Go module proxy),',
        'and `go` was not found on the PATH. Install it, then run `npm run temporal-server:install`:',
        '  Debian/Ubuntu: apt-get install golang-go   (any Go >= 1.21 fetches the pinned toolchain itself)',
        '  macOS: brew install go;  elsewhere: https://go.dev/dl/',
        `Or point ${SERVER_DIR_VAR} at a folder holding a complete build (bin/temporal-server,`,
        'bin/temporal-sql-tool, schema/postgresql/v12) made on another machine.',
      ].join('\n'),
    );
  }
  const version = /go(\d+\.\d+(\.\d+)?)/.exec(probe.stdout)?.[1] ?? '0.0';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 21)) {
    throw new ClusterPrerequisiteError(
      `Go ${version} is too old to fetch the pinned toolchain (GOTOOLCHAIN needs Go >= 1.21); upgrade Go (https://go.dev/dl/).`,
    );
  }
  return { go: 'go', version };
}

/** Runs a command; answers its stdout, or fails with the tail of its output. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let out = '';
    const take = (chunk: Buffer, keep: boolean) => {
      const text = chunk.toString();
      if (keep) out += text;
      for (const line of text.split('\n').filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', (c: Buffer) => take(c, true));
    child.stderr.on('data', (c: Buffer) => take(c, false));
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n  ${tail.join('\n  ')}`)),
    );
  });
}

/** Copies out of Go's read-only module cache are made writable (and removable). */
export function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

export interface InstallOptions {
  env?: NodeJS.ProcessEnv;
  /** Build into this folder instead of the default. */
  dir?: string;
  /** Progress lines for a person watching (the Go build prints what it downloads). */
  onProgress?: (line: string) => void;
}

/**
 * The pinned server and sql tool: an existing complete install, or a build from the Go module
 * proxy (about 7 minutes on 2 cores from nothing; seconds to a minute with Go's caches warm).
 */
export async function ensureTemporalServer(options: InstallOptions = {}): Promise<TemporalServerInstall> {
  const env = options.env ?? process.env;
  const pins = temporalServerPins();
  const found = options.dir ? readInstall(options.dir, pins) : findTemporalServer(pins, env);
  if (found) return found;
  const progress = options.onProgress ?? (() => undefined);
  const dirs = temporalServerDirs(pins, env);
  const dir = options.dir ?? (dirs[dirs.length - 1] as string);
  findGo(env);

  const started = Date.now();
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'bin'), { recursive: true });
  const goEnv: NodeJS.ProcessEnv = {
    ...env,
    GOTOOLCHAIN: pins.goToolchain,
    GOBIN: join(staging, 'bin'),
    GOFLAGS: [env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' '),
  };
  const module = `go.temporal.io/server@v${pins.version}`;
  progress(
    `temporal server: building ${module} (server, sql tool) with ${pins.goToolchain} into ${dir}; ` +
      'about 7 minutes on 2 cores the first time',
  );
  try {
    await run(
      'go',
      [
        'install',
        `go.temporal.io/server/cmd/server@v${pins.version}`,
        `go.temporal.io/server/cmd/tools/sql@v${pins.version}`,
      ],
      goEnv,
      (line) => progress(`  go: ${line}`),
    );
    renameSync(join(staging, 'bin', 'server'), join(staging, 'bin', 'temporal-server'));
    renameSync(join(staging, 'bin', 'sql'), join(staging, 'bin', 'temporal-sql-tool'));
    const modCache = (await run('go', ['env', 'GOMODCACHE'], goEnv, () => undefined)).trim();
    const moduleDir = join(modCache, module);
    cpSync(join(moduleDir, 'schema', 'postgresql', 'v12'), join(staging, 'schema', 'postgresql', 'v12'), {
      recursive: true,
    });
    mkdirSync(join(staging, 'config'));
    cpSync(
      join(moduleDir, 'config', 'development-postgres12.yaml'),
      join(staging, 'config', 'development-postgres12.yaml'),
    );
    // The module cache is read-only; the copies need not be.
    makeWritable(join(staging, 'schema'));
    makeWritable(join(staging, 'config'));
    const builtIn = Date.now() - started;
    writeFileSync(
      join(staging, STAMP),
      `${JSON.stringify({ version: pins.version, goToolchain: pins.goToolchain, builtAt: new Date().toISOString(), buildMs: builtIn }, null, 2)}\n`,
    );
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    renameSync(staging, dir);
    progress(`temporal server: built in ${(builtIn / 1000).toFixed(0)} s (${dir})`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new ClusterPrerequisiteError(
      `building the Temporal server failed: ${(error as Error).message}\n` +
        'The build needs the Go module proxy (GOPROXY, default https://proxy.golang.org) to be reachable.',
    );
  }
  const installed = readInstall(dir, pins);
  if (!installed) throw new ClusterPrerequisiteError(`the build in ${dir} is incomplete`);
  return installed;
}
