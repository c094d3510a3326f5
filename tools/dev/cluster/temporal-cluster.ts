// A real Temporal cluster on this machine, no containers: PostgreSQL in the cluster's own data
// folder, both schemas created or migrated by the compose file's own script
// (deploy/temporal/setup-schema.sh), the Temporal services as separate processes on loopback
// (two history hosts sharing the shards, matching, frontend, worker), the compose file's dynamic
// config, then the namespace and the search attributes by the compose file's other script
// (deploy/temporal/setup-namespace.sh). Stops in reverse order.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../../src/config/project-root';
import { ConfigError } from '../../../src/config/env';
import { assertPortsFree, freePort, handOut, isPortFree, type PortClaim } from '../ports';
import { clusterServerConfig, HISTORY_SHARDS, type ServicePorts, type ServiceProcessSpec } from './config';
import { PostgresServer } from './postgres';
import type { TemporalServerInstall } from './server-binaries';
import { TemporalServiceProcess } from './service-process';
import { countByOwner, parseShardRows, SHARDS_QUERY, type ShardRow } from './shards';

export interface ClusterPorts {
  postgres: number;
  frontend: ServicePorts & { http: number };
  history: [ServicePorts, ServicePorts];
  matching: ServicePorts;
  worker: ServicePorts;
}

/** The frontend on `frontendPort`; every other Temporal port in a block of ten from `base`. */
export function clusterPorts(postgres: number, frontendPort: number, base: number): ClusterPorts {
  return {
    postgres,
    frontend: { grpc: frontendPort, membership: base, http: base + 1 },
    history: [
      { grpc: base + 2, membership: base + 3 },
      { grpc: base + 4, membership: base + 5 },
    ],
    matching: { grpc: base + 6, membership: base + 7 },
    worker: { grpc: base + 8, membership: base + 9 },
  };
}

export interface TemporalClusterOptions {
  /** The cluster's folder: postgres/ (data), config/, secrets/. Kept across restarts. */
  dir: string;
  logDir: string;
  host: string;
  ports: ClusterPorts;
  namespace: string;
  /** Retention of closed workflows in a namespace created here (default 30d, as compose). */
  retention?: string;
  install: TemporalServerInstall;
  postgresBinDir: string;
  /** The `temporal` CLI (namespace and search attributes; cluster describe). */
  temporalCli: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Names of settings that move each port, for the "port in use" message. */
  portSettings?: { postgres?: string; frontend?: string; base?: string };
  onProgress?: (line: string) => void;
}

export interface MemberRow {
  role: 'frontend' | 'history' | 'matching' | 'worker' | string;
  address: string;
  /** Seconds since its last heartbeat. */
  heartbeatAgeS: number;
}

export interface TemporalCluster {
  /** host:port of the frontend (TEMPORAL_ADDRESS). */
  address: string;
  namespace: string;
  postgres: PostgresServer;
  /** Every Temporal process, in start order. */
  services: TemporalServiceProcess[];
  service(id: string): TemporalServiceProcess;
  historyHosts: [TemporalServiceProcess, TemporalServiceProcess];
  /** The shards table: each shard and its owner. */
  shards(): Promise<ShardRow[]>;
  /** Waits until every shard is owned by one of `owners` (addresses); answers the rows. */
  waitForShardOwners(owners: readonly string[], timeoutMs?: number): Promise<ShardRow[]>;
  /** The membership table: hosts seen alive within `freshS` seconds. */
  members(freshS?: number): Promise<MemberRow[]>;
  /** `temporal operator cluster describe -o json`. */
  describe(): Promise<Record<string, unknown>>;
  /** Runs the `temporal` CLI against the cluster; answers stdout. */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const ROLES = ['all', 'frontend', 'history', 'matching', 'worker', 'internal-frontend'];

function runScript(script: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('sh', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${script} failed (exit ${code}):\n  ${tail.join('\n  ')}`)),
    );
  });
}

function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(cli, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) done(out);
      else fail(new Error(`temporal ${args.join(' ')}: exit ${code}: ${err.trim().slice(0, 500)}`));
    });
  });
}

/** The password of the cluster's `temporal` role: generated once, kept in <dir>/secrets. */
function postgresPassword(dir: string): { password: string; file: string } {
  const file = join(dir, 'secrets', 'postgres_password');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return { password: readFileSync(file, 'utf8').trim(), file };
}

/**
 * The server keeps each host's membership port in a SMALLINT column (cluster_membership.rpc_port):
 * a port above 32767 makes every service fail at start ("value out of range for type smallint").
 */
export const MAX_MEMBERSHIP_PORT = 32767;

/** A free loopback port at most `max` (the OS's own picks are above 32767 on Linux). */
export async function freePortAtMost(max: number, host = '127.0.0.1', min = 20000): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    if ((await isPortFree(host, port)) && handOut(port)) return port;
  }
  throw new Error(`no free port between ${min} and ${max} on ${host}`);
}

/** Free loopback ports for a whole cluster (tests, the benchmark and the chaos suite run beside others). */
export async function freeClusterPorts(host = '127.0.0.1'): Promise<ClusterPorts> {
  const free = () => freePort(host);
  // Membership ports at most 32767 (the server stores them as SMALLINT; the OS picks higher ones).
  const p = async () => ({ grpc: await free(), membership: await freePortAtMost(MAX_MEMBERSHIP_PORT, host) });
  return {
    postgres: await free(),
    frontend: { ...(await p()), http: await free() },
    history: [await p(), await p()],
    matching: await p(),
    worker: await p(),
  };
}

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const progress = options.onProgress ?? (() => undefined);
  const { host, ports, install, dir, logDir } = options;
  const tooHigh = [ports.frontend, ...ports.history, ports.matching, ports.worker].filter(
    (p) => p.membership > MAX_MEMBERSHIP_PORT,
  );
  if (tooHigh.length > 0)
    throw new ConfigError([
      `membership ports must be at most ${MAX_MEMBERSHIP_PORT} (the server stores them as SMALLINT): ` +
        `${tooHigh.map((p) => p.membership).join(', ')}${options.portSettings?.base ? `; choose another ${options.portSettings.base}` : ''}`,
    ]);
  const claim = (what: string, port: number, setting?: string): PortClaim => ({ what, host, port, setting });
  const base = options.portSettings?.base;
  await assertPortsFree([
    claim('PostgreSQL', ports.postgres, options.portSettings?.postgres),
    claim('Temporal frontend (gRPC)', ports.frontend.grpc, options.portSettings?.frontend),
    claim('Temporal frontend membership', ports.frontend.membership, base),
    claim('Temporal frontend HTTP', ports.frontend.http, base),
    ...ports.history.flatMap((p, i) => [
      claim(`Temporal history-${i + 1} (gRPC)`, p.grpc, base),
      claim(`Temporal history-${i + 1} membership`, p.membership, base),
    ]),
    claim('Temporal matching (gRPC)', ports.matching.grpc, base),
    claim('Temporal matching membership', ports.matching.membership, base),
    claim('Temporal worker (gRPC)', ports.worker.grpc, base),
    claim('Temporal worker membership', ports.worker.membership, base),
  ]);
  // The cluster folder stays searchable (PostgreSQL may run as another user); config/ and
  // secrets/ inside it hold the password and are ours alone.
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(dir, 'config'), { recursive: true, mode: 0o700 });
  mkdirSync(logDir, { recursive: true });

  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
        progress(`${name}: stopped`);
      } catch (error) {
        progress(`${name}: did not stop cleanly (${(error as Error).message})`);
      }
    }
    stops.length = 0;
  };

  try {
    const { password, file: passwordFile } = postgresPassword(dir);
    const user = 'temporal';
    const postgres = new PostgresServer({
      binDir: options.postgresBinDir,
      dataDir: join(dir, 'postgres'),
      host,
      port: ports.postgres,
      user,
      password,
      logFile: join(logDir, 'postgres.log'),
      onProgress: progress,
    });
    const pgStarted = Date.now();
    await postgres.start();
    stops.push({ name: 'postgres', stop: () => postgres.close() });
    progress(
      `postgres: ready on ${postgres.address} in ${Date.now() - pgStarted} ms (${join(dir, 'postgres')})`,
    );

    // The compose file's schema job, with this build's tool and schema files.
    const schemaStarted = Date.now();
    await runScript(
      join(projectRoot(), 'deploy', 'temporal', 'setup-schema.sh'),
      {
        PATH: process.env.PATH,
        POSTGRES_SEEDS: host,
        DB_PORT: String(ports.postgres),
        POSTGRES_USER: user,
        POSTGRES_PWD_FILE: passwordFile,
        TEMPORAL_SQL_TOOL: install.sqlTool,
        TEMPORAL_SCHEMA_DIR: install.schemaDir,
      },
      () => undefined,
    );
    const versions: string[] = [];
    for (const db of ['temporal', 'temporal_visibility'])
      versions.push(
        `${db} ${(await postgres.query(db, 'SELECT curr_version FROM schema_version'))[0]?.[0] ?? '?'}`,
      );
    progress(`schema: ${versions.join(', ')} (${Date.now() - schemaStarted} ms)`);

    const specs: ServiceProcessSpec[] = [
      { id: 'history-1', service: 'history', ports: ports.history[0] },
      { id: 'history-2', service: 'history', ports: ports.history[1] },
      { id: 'matching', service: 'matching', ports: ports.matching },
      { id: 'frontend', service: 'frontend', ports: ports.frontend },
      { id: 'worker', service: 'worker', ports: ports.worker },
    ];
    const dynamicConfigFile = join(projectRoot(), 'deploy', 'temporal', 'dynamicconfig.yaml');
    const services = specs.map((spec) => {
      const configFile = join(dir, 'config', `${spec.id}.yaml`);
      writeFileSync(
        configFile,
        clusterServerConfig({
          host,
          postgres: { host, port: ports.postgres, user, password },
          historyShards: HISTORY_SHARDS,
          frontend: ports.frontend,
          matching: ports.matching,
          worker: ports.worker,
          history: spec.service === 'history' ? spec.ports : ports.history[0],
          dynamicConfigFile,
          logLevel: options.logLevel ?? 'warn',
        }),
        { mode: 0o600 },
      );
      return new TemporalServiceProcess({
        spec,
        host,
        server: install.server,
        configFile,
        logFile: join(logDir, `temporal-${spec.id}.log`),
        onUnexpectedExit: (code, signal) =>
          progress(`temporal ${spec.id} exited on its own (code ${code}, signal ${signal}); see its log`),
      });
    });
    const servicesStarted = Date.now();
    for (const service of services) {
      stops.push({ name: `temporal ${service.id}`, stop: () => service.close() });
      await service.start();
      progress(`temporal ${service.id}: pid ${service.pid}, listening on ${service.address}`);
    }
    const historyHosts = [services[0], services[1]] as [TemporalServiceProcess, TemporalServiceProcess];

    const membershipPorts = new Map<number, string>(specs.map((s) => [s.ports.membership, s.id]));
    const shards = async () => parseShardRows(await postgres.query('temporal', SHARDS_QUERY));
    const members = async (freshS = 30): Promise<MemberRow[]> =>
      (
        await postgres.query(
          'temporal',
          `SELECT role, rpc_address, rpc_port, EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC' - last_heartbeat))::int ` +
            `FROM cluster_membership WHERE last_heartbeat > (now() AT TIME ZONE 'UTC') - interval '${freshS} seconds' ORDER BY role, rpc_port`,
        )
      ).map(([role, address, port, age]) => ({
        role: ROLES[Number(role)] ?? String(role),
        address: `${address}:${port}${membershipPorts.has(Number(port)) ? ` (${membershipPorts.get(Number(port))})` : ''}`,
        heartbeatAgeS: Number(age),
      }));
    const waitForShardOwners = async (owners: readonly string[], timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      let rows: ShardRow[] = [];
      for (;;) {
        const dead = services.find((s) => s.starts > 0 && !s.running && s.unexpectedExits > 0);
        if (dead)
          throw new Error(`temporal ${dead.id} exited (see ${dead.options.logFile}):\n${dead.logTail()}`);
        try {
          rows = await shards();
        } catch {
          rows = []; // PostgreSQL restarting
        }
        if (rows.length === HISTORY_SHARDS && rows.every((r) => r.owner && owners.includes(r.owner)))
          return rows;
        if (Date.now() > deadline)
          throw new Error(
            `the shards were not all owned by ${owners.join(' or ')} within ${timeoutMs} ms: ${JSON.stringify(countByOwner(rows))}`,
          );
        await sleep(500);
      }
    };
    const owned = await waitForShardOwners(historyHosts.map((h) => h.address));
    progress(
      `temporal: ${services.length} processes up in ${Date.now() - servicesStarted} ms; ` +
        `${HISTORY_SHARDS} shards: ${Object.entries(countByOwner(owned))
          .map(([o, n]) => `${n} on ${o}`)
          .join(', ')}`,
    );

    const address = `${host}:${ports.frontend.grpc}`;
    // The CLI alone, pointed at the cluster: nothing from the caller's TEMPORAL_* settings.
    const cliEnv: NodeJS.ProcessEnv = {
      PATH: `${dirname(options.temporalCli)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: options.namespace,
    };
    const namespaceStarted = Date.now();
    await runScript(
      join(projectRoot(), 'deploy', 'temporal', 'setup-namespace.sh'),
      { ...cliEnv, CARDFLOW_NAMESPACE_RETENTION: options.retention ?? '30d', CARDFLOW_SETUP_ATTEMPTS: '60' },
      (line) => progress(`  ${line}`),
    );
    progress(`namespace ${options.namespace}: ready (${Date.now() - namespaceStarted} ms)`);

    const cli = (args: string[]) => runCli(options.temporalCli, args, cliEnv);
    return {
      address,
      namespace: options.namespace,
      postgres,
      services,
      service(id) {
        const found = services.find((s) => s.id === id);
        if (!found) throw new Error(`no temporal process ${id}`);
        return found;
      },
      historyHosts,
      shards,
      waitForShardOwners,
      members,
      cli,
      async describe() {
        return JSON.parse(await cli(['operator', 'cluster', 'describe', '--output', 'json'])) as Record<
          string,
          unknown
        >;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
