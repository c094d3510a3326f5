// PostgreSQL for `cardflow cluster`: the machine's own server binaries (initdb, postgres), a data
// folder of the cluster's own (initdb once, kept across restarts), listening on loopback only,
// password authentication (scram-sha-256) for the `temporal` role. PostgreSQL refuses to run as
// root: when cardflow runs as root the server runs as the `postgres` OS user (spawned with its
// uid/gid, so it is still our child process and stops with us).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopOnExit } from './on-exit';
import { ClusterPrerequisiteError } from './server-binaries';

export const POSTGRES_BIN_VAR = 'CARDFLOW_POSTGRES_BIN_DIR';

const isExecutable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const hasServer = (dir: string) =>
  ['initdb', 'postgres', 'pg_isready'].every((b) => isExecutable(join(dir, b)));

/** The folder holding initdb, postgres and pg_isready, or a message naming the fix. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[POSTGRES_BIN_VAR];
  if (explicit) {
    if (hasServer(explicit)) return explicit;
    throw new ClusterPrerequisiteError(
      `${POSTGRES_BIN_VAR}=${explicit} does not hold initdb, postgres and pg_isready.`,
    );
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && hasServer(dir)) return dir;
  // Debian and Ubuntu keep the server binaries off the PATH, one folder per major version.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (hasServer(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  }
  for (const dir of ['/usr/local/pgsql/bin', '/opt/homebrew/bin', '/usr/local/bin'])
    if (hasServer(dir)) return dir;
  throw new ClusterPrerequisiteError(
    [
      'The PostgreSQL server binaries (initdb, postgres, pg_isready) were not found',
      `(looked at ${POSTGRES_BIN_VAR}, the PATH, /usr/lib/postgresql/*/bin, /usr/local/pgsql/bin).`,
      'Install PostgreSQL 12 or newer, then run again:',
      '  Debian/Ubuntu: apt-get install postgresql   (the cluster starts its own server; the system one may stay off)',
      '  macOS: brew install postgresql@16',
      `or set ${POSTGRES_BIN_VAR} to the folder holding them.`,
    ].join('\n'),
  );
}

export interface RunAs {
  uid?: number;
  gid?: number;
  /** Who the server runs as, for messages. */
  user: string;
}

/** As ourselves, or as the `postgres` OS user when we are root. */
export function postgresRunAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { user: 'the current user' };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    throw new ClusterPrerequisiteError(
      'PostgreSQL refuses to run as root, and there is no `postgres` OS user to run it as. ' +
        "Run cardflow as a normal user, or create the user (Debian's postgresql package does: apt-get install postgresql).",
    );
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), user: 'postgres' };
}

export interface PostgresOptions {
  binDir: string;
  /** The data folder (created and initialised on first start). */
  dataDir: string;
  host: string;
  port: number;
  user: string;
  password: string;
  logFile: string;
  /** max_connections (every Temporal process keeps a pool). */
  maxConnections?: number;
  onProgress?: (line: string) => void;
}

export class PostgresServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly runAs: RunAs;
  private log: WriteStream | undefined;
  starts = 0;

  constructor(readonly options: PostgresOptions) {
    this.runAs = postgresRunAs();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** libpq-style URL without the password (for messages). */
  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private spawnOptions() {
    const { uid, gid } = this.runAs;
    return {
      ...(uid === undefined ? {} : { uid, gid }),
      env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
      cwd: this.options.dataDir,
    };
  }

  /** Creates the data folder with initdb when it holds no cluster yet. */
  initialise(): boolean {
    const { dataDir, binDir, user, password } = this.options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { uid, gid } = this.runAs;
    if (uid !== undefined && gid !== undefined) chownSync(dataDir, uid, gid);
    const probe = spawnSync('test', ['-w', dataDir, '-a', '-x', dataDir], this.spawnOptions());
    if (probe.status !== 0)
      throw new ClusterPrerequisiteError(
        `PostgreSQL runs as ${this.runAs.user}, who cannot use ${dataDir}: every folder above it must be ` +
          'searchable (chmod o+x) by that user. Choose another place with CARDFLOW_DATA_DIR.',
      );
    if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
    // initdb reads the password from a file the server's user can read; it is removed at once.
    const pwfile = `${dataDir}.initdb-password`;
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (uid !== undefined && gid !== undefined) chownSync(pwfile, uid, gid);
    try {
      const result = spawnSync(
        join(binDir, 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          user,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--no-locale',
        ],
        { ...this.spawnOptions(), encoding: 'utf8' },
      );
      if (result.status !== 0)
        throw new Error(`initdb failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
    this.options.onProgress?.(`postgres: initialised ${dataDir} (role ${user}, scram-sha-256)`);
    return true;
  }

  /** Starts the server (initialising the folder first when needed) and waits until it accepts connections. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.running) return;
    const { dataDir, binDir, host, port } = this.options;
    this.initialise();
    const stale = this.otherPostmaster();
    if (stale)
      throw new ClusterPrerequisiteError(
        `a PostgreSQL server from an earlier run still uses ${dataDir} (pid ${stale}); stop it with ` +
          `\`kill -INT ${stale}\` and run again.`,
      );
    this.log ??= createWriteStream(this.options.logFile, { flags: 'a' });
    const child = spawn(
      join(binDir, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        `listen_addresses=${host}`,
        '-c',
        `unix_socket_directories=${dataDir}`,
        '-c',
        `max_connections=${this.options.maxConnections ?? 200}`,
        '-c',
        'shared_buffers=128MB',
      ],
      { ...this.spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    stopOnExit(child, 'SIGINT');
    this.starts++;
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((done) => child.once('exit', () => done()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(`postgres exited during start-up; see ${this.options.logFile}:\n${this.logTail()}`);
      // Not spawnSync: the engine's parts may share this process, and a wait must not stall them.
      const ready = await new Promise<number | null>((done) => {
        const probe = spawn(join(binDir, 'pg_isready'), ['-h', host, '-p', String(port), '-t', '2'], {
          stdio: 'ignore',
        });
        probe.once('error', () => done(-1));
        probe.once('exit', (code) => done(code));
      });
      if (ready === 0) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`postgres did not accept connections on ${host}:${port} within ${timeoutMs} ms`);
      }
      await sleep(200);
    }
  }

  /** Fast shutdown (SIGINT: sessions are closed, nothing committed is lost); SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.running || !this.child) return;
    const child = this.child;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await sleep(downMs);
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.log) await new Promise<void>((done) => this.log?.end(done));
    this.log = undefined;
  }

  /** One statement through psql (without blocking this process); rows as arrays of fields. */
  query(database: string, sql: string): Promise<string[][]> {
    const { binDir, host, port, user, password } = this.options;
    const psql = isExecutable(join(binDir, 'psql')) ? join(binDir, 'psql') : 'psql';
    const args = ['-h', host, '-p', String(port), '-U', user, '-d', database, '-At', '-F', '\t'];
    return new Promise((done, fail) => {
      const child = spawn(psql, [...args, '-v', 'ON_ERROR_STOP=1', '-c', sql], {
        env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('error', fail);
      child.once('exit', (code) => {
        if (code !== 0) return fail(new Error(`psql: ${err.trim() || `exit ${code}`}`));
        done(
          out
            .split('\n')
            .filter((line) => line.length > 0)
            .map((line) => line.split('\t')),
        );
      });
    });
  }

  private otherPostmaster(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.options.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (!pid) return undefined;
      try {
        process.kill(pid, 0);
      } catch (error) {
        // EPERM: alive, owned by another user (the postgres user when we are not root).
        if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
      }
      return pid;
    } catch {
      return undefined;
    }
  }

  private logTail(): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '';
    }
  }
}
