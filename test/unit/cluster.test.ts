// `cardflow cluster`'s pure parts: the server configuration it writes, the shard owner it reads
// from PostgreSQL, its ports and settings, and the messages for a missing prerequisite.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { clusterCommand } from '../../tools/dev/cluster/command';
import { clusterServerConfig, HISTORY_SHARDS, toYaml } from '../../tools/dev/cluster/config';
import { findPostgresBinDir } from '../../tools/dev/cluster/postgres';
import {
  ClusterPrerequisiteError,
  findGo,
  readInstall,
  temporalServerDirs,
  temporalServerPins,
} from '../../tools/dev/cluster/server-binaries';
import { loadClusterSettings } from '../../tools/dev/cluster/settings';
import { countByOwner, ownerHost, parseShardRows, shardInfoOwner } from '../../tools/dev/cluster/shards';
import {
  clusterPorts,
  MAX_MEMBERSHIP_PORT,
  startTemporalCluster,
} from '../../tools/dev/cluster/temporal-cluster';
import { ConfigError } from '../../src/config/env';

const root = join(__dirname, '..', '..');

describe('the cluster server configuration', () => {
  const ports = clusterPorts(5433, 7233, 7240);
  const config = clusterServerConfig({
    host: '127.0.0.1',
    postgres: { host: '127.0.0.1', port: 5433, user: 'temporal', password: 'p"w' },
    historyShards: HISTORY_SHARDS,
    frontend: ports.frontend,
    matching: ports.matching,
    worker: ports.worker,
    history: ports.history[1],
    dynamicConfigFile: '/repo/deploy/temporal/dynamicconfig.yaml',
    logLevel: 'warn',
  });

  test('postgres12 for persistence and visibility, loopback only, the ports of this history host', () => {
    assert.equal((config.match(/pluginName: "postgres12"/g) ?? []).length, 2);
    assert.match(config, /databaseName: "temporal"\n/);
    assert.match(config, /databaseName: "temporal_visibility"/);
    assert.match(config, /connectAddr: "127\.0\.0\.1:5433"/);
    // Strings are JSON-quoted: a password with a quote stays one YAML scalar.
    assert.match(config, /password: "p\\"w"/);
    assert.equal((config.match(/bindOnIP: "127\.0\.0\.1"/g) ?? []).length, 4);
    assert.doesNotMatch(config, /0\.0\.0\.0/);
    assert.match(config, /history:\n {4}rpc:\n {6}grpcPort: 7244\n {6}membershipPort: 7245/);
    assert.match(
      config,
      /frontend:\n {4}rpc:\n {6}grpcPort: 7233\n {6}membershipPort: 7240\n.*\n {6}httpPort: 7241/,
    );
    assert.match(config, new RegExp(`numHistoryShards: ${HISTORY_SHARDS}`));
    assert.match(config, /rpcAddress: "127\.0\.0\.1:7233"/);
    assert.match(config, /filepath: "\/repo\/deploy\/temporal\/dynamicconfig\.yaml"/);
  });

  test('the YAML writer: nested mappings, lists, scalars', () => {
    assert.equal(toYaml({ a: { b: 1, c: 'x' }, d: [{ e: true }] }), 'a:\n  b: 1\n  c: "x"\nd:\n  - e: true');
  });

  test('ports: a block of ten from the base; membership ports fit the server’s SMALLINT column', async () => {
    assert.deepEqual(ports.history, [
      { grpc: 7242, membership: 7243 },
      { grpc: 7244, membership: 7245 },
    ]);
    const tooHigh = clusterPorts(5433, 7233, 40000);
    await assert.rejects(
      startTemporalCluster({
        dir: '/nonexistent',
        logDir: '/nonexistent',
        host: '127.0.0.1',
        ports: tooHigh,
        namespace: 'x',
        install: { dir: '', server: '', sqlTool: '', schemaDir: '', version: '' },
        postgresBinDir: '',
        temporalCli: '',
        portSettings: { base: 'CARDFLOW_CLUSTER_PORT_BASE' },
      }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`at most ${MAX_MEMBERSHIP_PORT}`) &&
        error.message.includes('CARDFLOW_CLUSTER_PORT_BASE'),
    );
  });
});

describe('shard owners from the shards table', () => {
  // ShardInfo: field 1 shard_id (varint), field 3 owner (string), field 2 range_id (varint).
  const owner = '127.0.0.1:7242-3-6f1c2a9e-0b1d-4c55-9a39-2f1e8a7b9c10';
  const message = Buffer.concat([
    Buffer.from([0x08, 0x05, 0x10, 0x96, 0x01, 0x1a, owner.length]),
    Buffer.from(owner),
    Buffer.from([0x25, 1, 2, 3, 4]),
  ]);

  test('the owner field of a ShardInfo message, and the host it names', () => {
    assert.equal(shardInfoOwner(message), owner);
    assert.equal(ownerHost(owner), '127.0.0.1:7242');
    assert.equal(shardInfoOwner(Buffer.from([0x08, 0x05])), undefined);
  });

  test('rows of the shards query, counted by owner', () => {
    const rows = parseShardRows([
      ['1', '7', message.toString('hex'), 'Proto3'],
      ['2', '3', message.toString('hex'), 'Proto3'],
    ]);
    assert.deepEqual(rows[0], { shardId: 1, rangeId: 7, owner: '127.0.0.1:7242', ownerId: owner });
    assert.deepEqual(countByOwner(rows), { '127.0.0.1:7242': 2 });
    assert.throws(() => parseShardRows([['1', '1', '', 'Json']]), /unexpected encoding/);
  });
});

describe('cluster settings and prerequisites', () => {
  test('defaults, and every problem named by variable', () => {
    const s = loadClusterSettings({});
    assert.deepEqual(
      [s.CARDFLOW_CLUSTER_POSTGRES_PORT, s.CARDFLOW_CLUSTER_FRONTEND_PORT, s.CARDFLOW_CLUSTER_PORT_BASE],
      [5433, 7233, 7240],
    );
    assert.equal(s.CARDFLOW_CLUSTER_NAMESPACE, 'cardflow');
    assert.equal(s.CARDFLOW_CLUSTER_WORKERS, 2);
    assert.throws(
      () => loadClusterSettings({ CARDFLOW_CLUSTER_PORT_BASE: '40000', CARDFLOW_CLUSTER_WORKERS: '0' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /CARDFLOW_CLUSTER_PORT_BASE/.test(error.message) &&
        /CARDFLOW_CLUSTER_WORKERS/.test(error.message),
    );
  });

  test('the pinned server version sits beside the CLI’s in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      cardflow: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.deepEqual(temporalServerPins(), {
      version: manifest.cardflow.temporalServer,
      goToolchain: manifest.cardflow.temporalServerGoToolchain,
    });
    assert.match(manifest.scripts.cluster ?? '', /cluster$/);
    assert.match(manifest.scripts['temporal-server:install'] ?? '', /cluster install$/);
  });

  test('an explicit server folder is the only place looked at; an incomplete one is not an install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardflow-server-dir-'));
    try {
      assert.deepEqual(temporalServerDirs(temporalServerPins(), { CARDFLOW_TEMPORAL_SERVER_DIR: dir }), [
        dir,
      ]);
      assert.equal(readInstall(dir, temporalServerPins()), undefined);
      const dirs = temporalServerDirs(temporalServerPins(), { HOME: '/home/x' });
      assert.deepEqual(dirs, [
        join(root, '.tools', 'temporal-server', `v${temporalServerPins().version}`),
        join('/home/x', '.cache', 'cardflow', 'temporal-server', `v${temporalServerPins().version}`),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no Go: the message names how to install it', () => {
    assert.throws(
      () => findGo({ PATH: '/nonexistent' }),
      (error: unknown) =>
        error instanceof ClusterPrerequisiteError &&
        /apt-get install golang-go/.test(error.message) &&
        /npm run temporal-server:install/.test(error.message),
    );
  });

  test('a PostgreSQL folder without the server binaries is named', () => {
    assert.throws(
      () => findPostgresBinDir({ CARDFLOW_POSTGRES_BIN_DIR: '/nonexistent' }),
      (error: unknown) =>
        error instanceof ClusterPrerequisiteError && /CARDFLOW_POSTGRES_BIN_DIR/.test(error.message),
    );
  });

  test('the compose schema script runs unchanged in the image and takes the cluster’s tool and schema', () => {
    const script = readFileSync(join(root, 'deploy', 'temporal', 'setup-schema.sh'), 'utf8');
    assert.match(script, /\$\{TEMPORAL_SCHEMA_DIR:-\/etc\/temporal\/schema\/postgresql\/v12\}/);
    assert.match(script, /"\$\{TEMPORAL_SQL_TOOL:-temporal-sql-tool\}" --plugin postgres12/);
  });
});

describe('cardflow cluster arguments', () => {
  test('only --ui (or install alone) is accepted; anything else is a usage error before anything starts', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (line: string) => err.push(line) };
    assert.equal(await clusterCommand.run(['--iu'], io), 2);
    assert.equal(await clusterCommand.run(['--ui', 'now'], io), 2);
    assert.equal(await clusterCommand.run(['install', '--ui'], io), 2);
    assert.match(err.join('\n'), /unexpected argument --iu/);
    assert.match(err.join('\n'), /unexpected argument now/);
    assert.match(err.join('\n'), /usage: cardflow cluster \[--ui\]/);
  });
});
