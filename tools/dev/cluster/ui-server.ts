// The Temporal Web UI for `cardflow cluster --ui`: the UI server (github.com/temporalio/ui-server)
// built from the Go module proxy at the version pinned in package.json ("cardflow".temporalUiServer)
// and cached like the Temporal server, then served against the cluster's frontend with the engine's
// codec server. One folder holds it:
//
//   <dir>/bin/temporal-ui-server   github.com/temporalio/ui-server/v2/cmd/server
//   <dir>/config/docker.yaml       the module's config template, which reads its settings from the
//                                  environment (TEMPORAL_ADDRESS, TEMPORAL_UI_PORT, ...)
//
// Looked for in .tools/temporal-ui-server/v<version>, then the machine cache
// ${XDG_CACHE_HOME:-~/.cache}/cardflow/temporal-ui-server/v<version>; built into the cache.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../../src/config/project-root';
import { stopOnExit } from './on-exit';
import { ClusterPrerequisiteError, findGo, makeWritable, run, temporalServerPins } from './server-binaries';
import { portOpen } from './service-process';

const MODULE = 'github.com/temporalio/ui-server/v2';

export interface UiServerInstall {
  dir: string;
  server: string;
  version: string;
}

export function uiServerVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    cardflow: { temporalUiServer: string };
  };
  return manifest.cardflow.temporalUiServer;
}

function uiServerDirs(version: string, env: NodeJS.ProcessEnv): string[] {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return [
    join(projectRoot(), '.tools', 'temporal-ui-server', `v${version}`),
    join(cacheHome, 'cardflow', 'temporal-ui-server', `v${version}`),
  ];
}

function readUiInstall(dir: string, version: string): UiServerInstall | undefined {
  const server = join(dir, 'bin', 'temporal-ui-server');
  return existsSync(server) && existsSync(join(dir, 'config', 'docker.yaml'))
    ? { dir, server, version }
    : undefined;
}

/** The pinned UI server: a complete install, or a build from the Go module proxy (~30 s cold). */
export async function ensureUiServer(
  options: { env?: NodeJS.ProcessEnv; onProgress?: (line: string) => void } = {},
): Promise<UiServerInstall> {
  const env = options.env ?? process.env;
  const version = uiServerVersion();
  const dirs = uiServerDirs(version, env);
  for (const dir of dirs) {
    const found = readUiInstall(dir, version);
    if (found) return found;
  }
  const progress = options.onProgress ?? (() => undefined);
  findGo(env);
  const dir = dirs[dirs.length - 1] as string;
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'bin'), { recursive: true });
  // The same toolchain as the Temporal server's build, so one download serves both.
  const goEnv: NodeJS.ProcessEnv = {
    ...env,
    GOTOOLCHAIN: temporalServerPins().goToolchain,
    GOBIN: join(staging, 'bin'),
    GOFLAGS: [env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' '),
  };
  const started = Date.now();
  progress(`temporal ui server: building ${MODULE}@v${version} into ${dir}`);
  try {
    await run('go', ['install', `${MODULE}/cmd/server@v${version}`], goEnv, (line) =>
      progress(`  go: ${line}`),
    );
    renameSync(join(staging, 'bin', 'server'), join(staging, 'bin', 'temporal-ui-server'));
    const modCache = (await run('go', ['env', 'GOMODCACHE'], goEnv, () => undefined)).trim();
    mkdirSync(join(staging, 'config'));
    cpSync(
      join(modCache, `${MODULE}@v${version}`, 'config', 'docker.yaml'),
      join(staging, 'config', 'docker.yaml'),
    );
    makeWritable(join(staging, 'config'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '..'), { recursive: true });
    renameSync(staging, dir);
    progress(`temporal ui server: built in ${((Date.now() - started) / 1000).toFixed(0)} s (${dir})`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new ClusterPrerequisiteError(
      `building the Temporal UI server failed: ${(error as Error).message}\n` +
        'The build needs the Go module proxy (GOPROXY, default https://proxy.golang.org) to be reachable.',
    );
  }
  const installed = readUiInstall(dir, version);
  if (!installed) throw new ClusterPrerequisiteError(`the UI server build in ${dir} is incomplete`);
  return installed;
}

export interface RunningUiServer {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * The UI's single sign-on (OIDC authorization code flow). With it the UI passes the signed-in
 * operator's access token to the codec server as its bearer token, which the codec server
 * verifies (CARDFLOW_CODEC_OIDC_*; docs/security.md).
 */
export interface UiSignOn {
  /** The issuer's URL (discovery at <providerUrl>/.well-known/openid-configuration). */
  providerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes asked for, e.g. openid, profile, email and the codec server's scope. */
  scopes: readonly string[];
}

/** The UI server's settings for sign-on (the names its config/docker.yaml reads). */
export function uiSignOnEnv(signOn: UiSignOn, uiUrl: string): Record<string, string> {
  return {
    TEMPORAL_AUTH_ENABLED: 'true',
    TEMPORAL_AUTH_REDIRECT_TO_PROVIDER: 'true',
    TEMPORAL_AUTH_PROVIDER_URL: signOn.providerUrl,
    TEMPORAL_AUTH_CLIENT_ID: signOn.clientId,
    TEMPORAL_AUTH_CLIENT_SECRET: signOn.clientSecret,
    TEMPORAL_AUTH_CALLBACK_URL: `${uiUrl}/auth/sso/callback`,
    TEMPORAL_AUTH_SCOPES: signOn.scopes.join(','),
    TEMPORAL_CODEC_PASS_ACCESS_TOKEN: 'true',
  };
}

export async function startUiServer(options: {
  install: UiServerInstall;
  host: string;
  port: number;
  /** host:port of the cluster's frontend. */
  temporalAddress: string;
  namespace: string;
  /** The engine's codec server, which the browser calls to decode payloads. */
  codecEndpoint: string;
  logFile: string;
  /** Sign-on, and the operator's access token passed to the codec server. */
  signOn?: UiSignOn;
}): Promise<RunningUiServer> {
  const url = `http://${options.host}:${options.port}`;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.install.server, ['--root', options.install.dir, '--env', 'docker', 'start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_UI_PORT: String(options.port),
      TEMPORAL_DEFAULT_NAMESPACE: options.namespace,
      TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint,
      // No news feed fetched from the internet (there may be none).
      TEMPORAL_DISABLE_NEWS_FETCH: 'true',
      ...(options.signOn ? uiSignOnEnv(options.signOn, url) : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  stopOnExit(child, 'SIGTERM');
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise((done) => log.end(done));
  };
  const deadline = Date.now() + 30_000;
  while (!(await portOpen(options.host, options.port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the Temporal UI server did not listen on ${options.host}:${options.port} (see ${options.logFile})`,
      );
    }
    await sleep(150);
  }
  return { url, pid: child.pid, stop };
}
