// The deployment files checked against the code they deploy: docker-compose.yml (valid YAML, every
// engine service's variables known to the configuration schemas and accepted by the real loaders,
// every command a real `cardflow` command), the Dockerfile (stages, user, entry point, health
// check), the namespace setup script (the contract's search attributes), the generated secrets
// (accepted by the loaders), the one variable table in docs/deployment.md, and the Compose
// specification's JSON schema (what `docker compose config` validates against; no Docker needed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { apiEnvSchema, loadApiSettings } from '../../src/cli/api-command';
import { auditEnvSchema, openAuditStore } from '../../src/audit/audit-config';
import {
  API_SCOPES,
  credentialAuthenticator,
  parseCredentialLines,
} from '../../src/security/api-credentials';
import { commands } from '../../src/cli/commands';
import { commands as toolCommands } from '../../tools/cli/commands';
import { sandboxCommands } from '../../tools/cli/sandbox-command';
import { CARD_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { kazepayEnvSchema } from '../../src/providers/kazepay/config';
import { wasabiEnvSchema } from '../../src/providers/wasabi/config';
import { coreEnvSchema, workerEnvSchema } from '../../src/config/engine';
import { findCardflowArgs, healthTarget } from '../../src/runtime/healthcheck';
import { temporalTarget } from '../../src/config/temporal-connection';
import { loadWorkerSettings, workerProcessEnvSchema } from '../../src/runtime/worker';
import { workerDeploymentEnvSchema } from '../../src/config/worker-deployment';
import { runKazepaySandboxCommand, kazepaySandboxEnvSchema } from '../../tools/sandbox/kazepay/cli';
import { runWasabiSandboxCommand, wasabiSandboxEnvSchema } from '../../tools/sandbox/wasabi/cli';
import { codecKeysEnvSchema } from '../../src/security/codec-keys';
import { codecServerEnvSchema, loadCodecServerSetup } from '../../src/cli/codec-server-command';
import { secretStoreEnvSchema } from '../../src/security/secret-store-config';
import { documentRetentionEnvSchema } from '../../src/documents/retention-settings';
import { openDocumentStore } from '../../src/documents/open-document-store';
import { databaseEnvSchema, openDatabase } from '../../src/storage/database';
import { testOnlyKeyring } from '../helpers/test-data-converter';
import { startTestPostgres } from '../helpers/test-postgres';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  profiles?: string[];
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  secrets?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string; required?: boolean }>;
};
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const composeFile: unknown = parse(read('docker-compose.yml'), { merge: true });

/** Every string in the file interpolated (`${NAME:-default}`), as compose does before validating. */
function interpolateAll(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, vars)]));
  return value;
}

/** The Compose specification's JSON schema (test/fixtures/compose-spec: compose-go's, vendored). Strict, but
 * for strictTypes: the schema leaves `type` out beside `patternProperties` and uses union types. */
const validateCompose = new Ajv2020({ allErrors: true, strictTypes: false }).compile(
  JSON.parse(read('test/fixtures/compose-spec/compose-spec.json')) as object,
);
const composeSchemaErrors = (file: unknown) =>
  validateCompose(file)
    ? []
    : (validateCompose.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
const engineServices = Object.entries(services).filter(([, s]) => s.build === '.');
/** The provider sandboxes: built from the Dockerfile's sandbox stage (tools, not the product image). */
const sandboxServices = Object.entries(services).filter(
  ([, s]) => typeof s.build === 'object' && (s.build as { target?: string }).target === 'sandbox',
);

/** The variables envconfig reads (TEMPORAL_GRPC_META_<NAME> aside); never as <NAME>_FILE. */
const TEMPORAL_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_CODEC_ENDPOINT',
  'TEMPORAL_CODEC_AUTH',
];

const keys = (...schemas: Array<{ shape: object }>) => schemas.flatMap((s) => Object.keys(s.shape));
const shared = keys(
  coreEnvSchema,
  secretStoreEnvSchema,
  codecKeysEnvSchema,
  kazepayEnvSchema,
  wasabiEnvSchema,
);
/** Per role: the schema keys its loader reads (each also as <NAME>_FILE), besides TEMPORAL_*. */
const ROLE_KEYS: Record<string, string[]> = {
  worker: [
    ...shared,
    ...keys(
      workerEnvSchema,
      workerProcessEnvSchema,
      workerDeploymentEnvSchema,
      databaseEnvSchema,
      documentRetentionEnvSchema,
    ),
  ],
  api: [...shared, ...keys(apiEnvSchema, databaseEnvSchema, auditEnvSchema)],
  'codec-server': keys(coreEnvSchema, codecKeysEnvSchema, codecServerEnvSchema),
  'sandbox kazepay': keys(kazepaySandboxEnvSchema),
  'sandbox wasabi': keys(wasabiSandboxEnvSchema),
};
const roleOf = (service: Service) => {
  const [name, sub] = service.command ?? [];
  return name === 'sandbox' ? `sandbox ${sub}` : (name ?? '');
};

/** `${NAME:-default}` replaced by its default (the value with nothing set in .env or the shell). */
const interpolate = (value: string, vars: Record<string, string> = {}) =>
  value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_, name: string, fallback?: string) =>
    name in vars ? (vars[name] as string) : (fallback ?? ''),
  );

/** A service's environment as its process sees it, with container paths moved under `mounts`. */
function serviceEnv(
  service: Service,
  mounts: Record<string, string>,
  vars: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, raw] of Object.entries(service.environment ?? {})) {
    let value = interpolate(String(raw ?? ''), vars);
    for (const [from, to] of Object.entries(mounts))
      if (value.startsWith(from)) value = to + value.slice(from.length);
    env[name] = value;
  }
  return env;
}

const tmp = mkdtempSync(join(tmpdir(), 'cardflow-deployment-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** deploy/init-secrets.sh run for real into a temp folder: the files compose mounts. */
function generatedSecrets(): string {
  const dir = join(tmp, 'secrets');
  const run = spawnSync('sh', [join(root, 'deploy', 'init-secrets.sh'), dir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return dir;
}

describe('docker-compose.yml', () => {
  test('has the cluster, the UI on the codec server, two workers, the API, the codec server, Redis and the sandbox profile', () => {
    for (const name of [
      'postgresql',
      'temporal-schema',
      'temporal',
      'temporal-namespace',
      'temporal-ui',
      'redis',
    ])
      assert.ok(services[name], `service ${name}`);
    assert.deepEqual(
      engineServices.map(([name, s]) => [name, roleOf(s)]),
      [
        ['worker', 'worker'],
        ['api', 'api'],
        ['codec-server', 'codec-server'],
      ],
    );
    assert.deepEqual(
      sandboxServices.map(([name, s]) => [name, roleOf(s)]),
      [
        ['kazepay-sandbox', 'sandbox kazepay'],
        ['wasabi-sandbox', 'sandbox wasabi'],
      ],
    );
    assert.equal(services.worker?.deploy?.replicas, 2);
    assert.deepEqual(services['kazepay-sandbox']?.profiles, ['sandbox']);
    assert.deepEqual(services['wasabi-sandbox']?.profiles, ['sandbox']);
    for (const name of ['worker', 'api', 'codec-server'])
      assert.equal(services[name]?.profiles, undefined, name);
    // The engine waits for the namespace job and only for the sandboxes when their profile is on.
    const worker = services.worker as Service;
    assert.equal(worker.depends_on?.['temporal-namespace']?.condition, 'service_completed_successfully');
    assert.equal(worker.depends_on?.['kazepay-sandbox']?.required, false);
    assert.equal(
      services.temporal?.depends_on?.['temporal-schema']?.condition,
      'service_completed_successfully',
    );
    const ui = services['temporal-ui']?.environment ?? {};
    assert.equal(interpolate(String(ui.TEMPORAL_CODEC_ENDPOINT)), 'http://localhost:8234');
    assert.equal(
      interpolate(String(services['codec-server']?.environment?.CARDFLOW_CODEC_SERVER_CORS_ORIGINS)),
      interpolate(String(ui.TEMPORAL_CORS_ORIGINS)),
      'the codec server answers the UI origin',
    );
  });

  test('the API and the workers share the documents through the cardflow database, not a volume', () => {
    assert.ok(!('documents' in (compose.volumes ?? {})), 'no documents volume');
    for (const name of ['worker', 'api']) {
      const s = services[name] as Service;
      assert.equal(s.environment?.CARDFLOW_DATABASE_URL_FILE, '/run/secrets/database_url', name);
      assert.ok(s.secrets?.includes('database_url'), `${name} mounts the database_url secret`);
      assert.equal(s.depends_on?.['cardflow-database']?.condition, 'service_completed_successfully', name);
      for (const volume of s.volumes ?? []) assert.doesNotMatch(volume, /documents/, `${name}: ${volume}`);
    }
    const setup = services['cardflow-database'] as Service;
    assert.equal(setup.depends_on?.postgresql?.condition, 'service_healthy');
  });

  test('the API reads named, scoped credentials from a secret file; deploy/init-secrets.sh writes their hashes, and the operator token only beside them', () => {
    const api = services.api as Service;
    assert.equal(api.environment?.CARDFLOW_API_CREDENTIALS_FILE, '/run/secrets/api_credentials');
    assert.ok(api.secrets?.includes('api_credentials'), 'the api mounts api_credentials');
    assert.equal(api.environment?.CARDFLOW_API_TOKENS_FILE, undefined, 'no legacy tokens');
    // The token itself is never mounted into a container: the API holds hashes only.
    for (const [name, secret] of Object.entries(compose.secrets))
      assert.doesNotMatch(secret.file, /api_operator_token|api_tokens/, `secret ${name}`);
    const secrets = generatedSecrets();
    const credentials = parseCredentialLines(readFileSync(join(secrets, 'api_credentials'), 'utf8'));
    assert.equal(credentials.length, 1);
    assert.deepEqual([...(credentials[0]?.scopes ?? [])].sort(), [...API_SCOPES].sort(), 'every scope');
    const token = readFileSync(join(secrets, 'api_operator_token'), 'utf8').trim();
    assert.ok(token.length >= 32, 'a long random token');
    assert.equal(credentialAuthenticator(credentials)(`Bearer ${token}`)?.name, 'operator');
    assert.ok(!readFileSync(join(secrets, 'api_credentials'), 'utf8').includes(token), 'hash only');
  });

  test('deploy/init-secrets.sh keeps the token of an earlier api_tokens file as the operator token, so callers keep working', () => {
    const dir = join(tmp, 'upgraded-secrets');
    mkdirSync(dir, { recursive: true });
    const earlier = 'an-earlier-token-of-forty-characters-xyz';
    writeFileSync(join(dir, 'api_tokens'), `${earlier}\n`);
    const run = spawnSync('sh', [join(root, 'deploy', 'init-secrets.sh'), dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const credentials = parseCredentialLines(readFileSync(join(dir, 'api_credentials'), 'utf8'));
    assert.equal(credentialAuthenticator(credentials)(`Bearer ${earlier}`)?.name, 'operator');
  });

  test('the cardflow database job creates its role and database on a real PostgreSQL, again harmlessly; the URL of deploy/init-secrets.sh opens the document store and the audit trail', async () => {
    const secrets = generatedSecrets();
    const postgres = await startTestPostgres();
    try {
      const { host, port, user, password } = postgres.server.connection;
      const adminPassword = join(tmp, 'admin-password');
      writeFileSync(adminPassword, password);
      const env = {
        ...process.env,
        PATH: `${process.env.PATH ?? ''}:${postgres.server.server.options.binDir}`,
        PGHOST: host,
        PGPORT: String(port),
        POSTGRES_USER: user,
        POSTGRES_PASSWORD_FILE: adminPassword,
        CARDFLOW_DB_PASSWORD_FILE: join(secrets, 'cardflow_db_password'),
      };
      for (let run = 1; run <= 2; run++) {
        const job = spawnSync('sh', [join(root, 'deploy', 'postgres', 'setup-cardflow-database.sh')], {
          env,
          encoding: 'utf8',
        });
        assert.equal(job.status, 0, `run ${run}: ${job.stderr}`);
      }
      const url = readFileSync(join(secrets, 'database_url'), 'utf8')
        .trim()
        .replace('@postgresql:5432/', `@${host}:${port}/`);
      assert.match(url, /^postgres:\/\/cardflow:[A-Za-z0-9_-]+@/);
      const pool = openDatabase(url, { max: 1 });
      try {
        const { store } = await openDocumentStore({ keyring: testOnlyKeyring(), pool, dataDir: tmp });
        const ref = await store.put({ bytes: Buffer.from('x'), contentType: 'image/png', fileName: 'a.png' });
        assert.deepEqual((await store.get(ref)).bytes, Buffer.from('x'));
        const { rows } = await pool.query<{ owner: string }>(
          "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'cardflow_documents'",
        );
        assert.equal(rows[0]?.owner, 'cardflow', 'the engine migrated its table as the cardflow role');
        // The API's audit trail: the same database, on the same pool, migrated the same way.
        const audit = await openAuditStore({ CARDFLOW_AUDIT_RETENTION: 365 }, tmp, { pool });
        assert.equal(audit.description, 'postgresql table cardflow_audit');
        const migrations = await pool.query<{ name: string }>('SELECT name FROM cardflow_schema_migrations');
        assert.ok(migrations.rows.some((r) => r.name === 'audit-1-table'));
        const auditOwner = await pool.query<{ owner: string }>(
          "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'cardflow_audit'",
        );
        assert.equal(auditOwner.rows[0]?.owner, 'cardflow');
      } finally {
        await pool.end();
      }
    } finally {
      await postgres.stop();
    }
  });

  test('images are pinned: Temporal server and admin tools on one release, the UI of that CLI release', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build === '.' || sandboxServices.some(([n]) => n === name)) continue;
      assert.match(String(s.image), /^[a-z0-9/._-]+:[0-9][\w.-]*$/, `${name}: ${s.image} has a version tag`);
    }
    assert.equal(services.temporal?.image, 'temporalio/server:1.32.0');
    assert.equal(services['temporal-schema']?.image, 'temporalio/admin-tools:1.32.0');
    assert.equal(services['temporal-namespace']?.image, 'temporalio/admin-tools:1.32.0');
    assert.equal(services['temporal-ui']?.image, 'temporalio/ui:2.54.1');
  });

  test('the sandboxes run from their own image: the product image has no sandbox command', () => {
    assert.deepEqual(sandboxServices.map(([name]) => name).sort(), ['kazepay-sandbox', 'wasabi-sandbox']);
    assert.equal(commands.sandbox, undefined);
    for (const [name, s] of sandboxServices) {
      const [command, sub] = s.command ?? [];
      assert.ok(
        command === 'sandbox' && toolCommands.sandbox,
        `${name}: cardflow ${command} exists in tools`,
      );
      assert.ok(sub && sandboxCommands[sub], `${name}: sandbox ${sub}`);
      assert.notEqual(s.image, services.worker?.image, `${name}: not the product image`);
    }
  });

  test("every engine service runs a real cardflow command and checks its own role's health", () => {
    for (const [name, s] of [...engineServices, ...sandboxServices]) {
      const [command] = s.command ?? [];
      const table = s.build === '.' ? commands : toolCommands;
      assert.ok(command && table[command], `${name}: cardflow ${command} exists`);
      assert.deepEqual(
        s.healthcheck?.test,
        ['CMD', 'node', 'bin/healthcheck.js', ...(s.command ?? [])],
        name,
      );
      const target = healthTarget(s.command ?? [], serviceEnv(s, {}));
      assert.match(String(target.url), /^http:\/\/127\.0\.0\.1:\d+\//, `${name}: ${target.url}`);
    }
  });

  test("every engine service's variables are read by its role's configuration schemas", () => {
    for (const [name, s] of engineServices) {
      const known = new Set(ROLE_KEYS[roleOf(s)]);
      for (const variable of Object.keys(s.environment ?? {})) {
        const base = variable.endsWith('_FILE') ? variable.slice(0, -'_FILE'.length) : variable;
        const ok = known.has(base) || (TEMPORAL_VARIABLES.includes(variable) && !name.includes('sandbox'));
        assert.ok(ok, `${name}: ${variable} is not read by cardflow ${roleOf(s)}`);
      }
    }
  });

  test('secrets come from files, never from values in the file or the image', () => {
    for (const [name, s] of engineServices)
      for (const [variable, value] of Object.entries(s.environment ?? {})) {
        if (!variable.endsWith('_FILE') && /KEY$|KEYS$|TOKENS$|CREDENTIALS$|PASSWORD/.test(variable))
          assert.fail(`${name}: ${variable} is set as a value (use ${variable}_FILE)`);
        if (variable.endsWith('_FILE') && value)
          assert.match(
            interpolate(String(value)),
            /^(\/run\/secrets\/|\/var\/lib\/cardflow\/sandbox\/|$)/,
            variable,
          );
      }
    for (const [name, secret] of Object.entries(compose.secrets))
      assert.match(secret.file, /^\.\/deploy\/secrets\//, `secret ${name} is a file in deploy/secrets`);
    assert.match(read('.dockerignore'), /^deploy\/secrets$/m);
    assert.match(read('deploy/secrets/.gitignore'), /^\*$/m);
  });

  test("the worker's, the API's and the codec server's environments load with the real loaders (secrets from deploy/init-secrets.sh)", () => {
    const secrets = generatedSecrets();
    const mounts = { '/run/secrets/': `${secrets}/` };
    const worker = loadWorkerSettings(serviceEnv(services.worker as Service, mounts));
    assert.equal(worker.secretStore.CARDFLOW_SECRET_STORE, 'redis');
    assert.equal(worker.temporal.address, 'temporal:7233');
    assert.equal(worker.temporal.namespace, 'cardflow');
    assert.equal(worker.process.CARDFLOW_WORKER_HEALTH_BIND_ADDRESS, '0.0.0.0:8089');
    assert.equal(worker.process.CARDFLOW_WORKFLOW_BUNDLE, 'prebuilt');
    assert.deepEqual([worker.kazepay, worker.wasabi], [undefined, undefined], 'no provider set: both off');
    const api = loadApiSettings(serviceEnv(services.api as Service, mounts), false);
    assert.deepEqual(
      api.api.CARDFLOW_API_CREDENTIALS?.map((c) => c.name),
      ['operator'],
      'named, scoped credentials',
    );
    assert.equal(api.api.CARDFLOW_API_TOKENS, undefined, 'no legacy all-scopes tokens');
    assert.match(
      worker.database.CARDFLOW_DATABASE_URL ?? '',
      /^postgres:\/\/cardflow:.+@postgresql:5432\/cardflow$/,
    );
    assert.equal(
      api.database.CARDFLOW_DATABASE_URL,
      worker.database.CARDFLOW_DATABASE_URL,
      'one document database',
    );
    assert.equal(worker.documents.CARDFLOW_DOCUMENT_RETENTION, '30d');
    assert.equal(api.keys.keyring.currentKeyId, worker.keyring.currentKeyId, 'one keyring');
    const codec = loadCodecServerSetup(serviceEnv(services['codec-server'] as Service, mounts), false);
    assert.deepEqual(codec.options.allowedOrigins, ['http://localhost:8233']);
    assert.deepEqual(codec.options.namespaces, ['cardflow']);
  });

  test('with deploy/sandbox.env the worker and the API reach both sandboxes with the keys the sandboxes wrote', async () => {
    const vars = Object.fromEntries(
      read('deploy/sandbox.env')
        .split('\n')
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.equal(vars.COMPOSE_PROFILES, 'sandbox');
    // The sandboxes write their keys into the shared volume on first start (as in their containers).
    const volume = join(tmp, 'sandbox-volume');
    mkdirSync(volume);
    const quiet = { out: () => undefined, err: () => undefined };
    for (const [service, run] of [
      ['kazepay-sandbox', runKazepaySandboxCommand],
      ['wasabi-sandbox', runWasabiSandboxCommand],
    ] as const) {
      const env = serviceEnv(services[service] as Service, { '/var/lib/cardflow/sandbox': volume }, vars);
      const code = await run(
        ['--port', '0', '--host', '127.0.0.1'],
        quiet,
        { ...env, CARDFLOW_LOG_LEVEL: 'silent' },
        Promise.resolve(),
      );
      assert.equal(code, 0, service);
    }
    const mounts = { '/run/secrets/': `${generatedSecrets()}/`, '/var/lib/cardflow/sandbox': volume };
    const worker = loadWorkerSettings(serviceEnv(services.worker as Service, mounts, vars));
    assert.equal(worker.kazepay?.KAZEPAY_BASE_URL, 'http://kazepay-sandbox:8710/api/gateway');
    assert.equal(worker.wasabi?.WASABI_BASE_URL, 'http://wasabi-sandbox:8720');
    assert.match(String(worker.kazepay?.KAZEPAY_MERCHANT_PRIVATE_KEY), /BEGIN PRIVATE KEY/);
    assert.match(String(worker.wasabi?.WASABI_PLATFORM_PUBLIC_KEY), /BEGIN PUBLIC KEY/);
    const api = loadApiSettings(serviceEnv(services.api as Service, mounts, vars), false);
    assert.ok(api.kazepay && api.wasabi);
  });

  test('the Compose specification (its JSON schema, as docker compose validates) accepts the file, with and without deploy/sandbox.env', () => {
    const vars = Object.fromEntries(
      read('deploy/sandbox.env')
        .split('\n')
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    for (const env of [{}, vars]) {
      const errors = composeSchemaErrors(interpolateAll(composeFile, env));
      assert.deepEqual(errors, [], `docker-compose.yml ${env === vars ? 'with deploy/sandbox.env' : ''}`);
    }
  });

  test('the schema check catches a broken file (negative control)', () => {
    const broken = structuredClone(composeFile) as { services: Record<string, Record<string, unknown>> };
    (broken.services.worker as Record<string, unknown>).depends_on = { temporal: { condition: 'whenever' } };
    (broken.services.api as Record<string, unknown>).restrat = 'always';
    const errors = composeSchemaErrors(interpolateAll(broken, {}));
    assert.ok(
      errors.some((e) => e.startsWith('/services/worker/depends_on')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('/services/api') && e.includes('restrat')),
      errors.join('\n'),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
  const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const stages = lines
    .map((l) => /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(l))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => ({ from: m[1], name: m[2] }));
  const runtime = lines.slice(lines.findIndex((l) => /^FROM .* AS runtime$/i.test(l)));

  test('stages on Debian Node 24 LTS (glibc): build, production dependencies, the sandboxes, the runtime last', () => {
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    assert.deepEqual(stages, [
      { from: '${NODE_IMAGE}', name: 'build' },
      { from: '${NODE_IMAGE}', name: 'deps' },
      { from: 'build', name: 'sandbox' },
      { from: '${NODE_IMAGE}', name: 'runtime' },
    ]);
    const build = lines.slice(
      1,
      lines.findIndex((l) => /AS deps$/.test(l)),
    );
    assert.ok(
      build.some((l) => /^RUN npm run build$/.test(l)),
      'the build stage builds (tsc + workflow bundle)',
    );
    assert.ok(
      build.some((l) => /^RUN npm ci\b/.test(l)),
      'the build stage installs exactly the lockfile',
    );
    assert.ok(
      lines.some((l) => /^RUN npm ci --omit=dev\b/.test(l)),
      'production dependencies only for the runtime',
    );
  });

  test('the runtime: compiled code and the pre-built bundle, a non-root user, cardflow as entry point, a health check', () => {
    assert.ok(runtime.includes('COPY --from=deps /app/node_modules ./node_modules'));
    assert.ok(runtime.includes('COPY --from=build /app/dist ./dist'));
    assert.ok(
      !runtime.some((l) => /^COPY\s+(src|workflows|activities|test|deploy)\b/.test(l)),
      'no sources, no secrets',
    );
    assert.match(dockerfile, /CARDFLOW_WORKFLOW_BUNDLE=prebuilt/);
    const user = runtime.filter((l) => /^USER\s/.test(l)).at(-1);
    assert.equal(user, 'USER cardflow:cardflow');
    assert.ok(runtime.some((l) => /useradd --system --uid 10001/.test(l)));
    assert.ok(runtime.includes('ENTRYPOINT ["node", "bin/cardflow.js"]'));
    assert.ok(runtime.some((l) => /^HEALTHCHECK .*CMD \["node", "bin\/healthcheck\.js"\]$/.test(l)));
    // bin/cardflow.js runs the compiled CLI when dist/ is there (as in the image).
    assert.match(read('bin/cardflow.js'), /dist', 'src', 'cli', 'main\.js'/);
    assert.match(read('bin/healthcheck.js'), /dist', 'src', 'runtime', 'healthcheck\.js'/);
    // What the build stage copies is what tsconfig.build.json compiles.
    const include = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    for (const dir of include) assert.ok(lines.includes(`COPY ${dir} ./${dir}`), `COPY ${dir}`);
    assert.ok(!include.includes('tools'), 'the build compiles the product only');
    const buildStage = lines.slice(
      0,
      lines.findIndex((l) => /AS deps$/.test(l)),
    );
    assert.ok(!buildStage.some((l) => /^COPY\s+tools\b/.test(l)), 'no tools in the product build');
  });
});

describe('the container health check', () => {
  test('finds the URL of each role from its bind address (a wildcard bind is checked on loopback)', () => {
    assert.equal(healthTarget(['worker'], {}).url, 'http://127.0.0.1:8089/health');
    assert.equal(
      healthTarget(['worker'], { CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: '0.0.0.0:9000' }).url,
      'http://127.0.0.1:9000/health',
    );
    assert.equal(
      healthTarget(['worker', '--dev'], { CARDFLOW_WORKER_HEALTH_BIND_ADDRESS: 'off' }).url,
      undefined,
    );
    assert.equal(healthTarget(['api'], {}).url, 'http://127.0.0.1:8080/health');
    assert.equal(
      healthTarget(['codec-server'], { CARDFLOW_CODEC_SERVER_BIND_ADDRESS: '10.0.0.5:8300' }).url,
      'http://10.0.0.5:8300/health',
    );
    assert.equal(healthTarget(['sandbox', 'wasabi'], {}).url, 'http://127.0.0.1:8720/_sandbox/state');
    assert.throws(() => healthTarget(['provider', 'wasabi'], {}), /no health check/);
  });

  test('finds the role among the processes when none is given (the image default)', () => {
    const proc = join(tmp, 'proc');
    const cmdline = (pid: string, argv: string[]) => {
      mkdirSync(join(proc, pid), { recursive: true });
      writeFileSync(join(proc, pid, 'cmdline'), `${argv.join('\0')}\0`);
    };
    cmdline('1', ['/sbin/docker-init', '--', 'node', 'bin/cardflow.js', 'api']);
    cmdline('7', ['node', 'bin/cardflow.js', 'api']);
    assert.deepEqual(findCardflowArgs(proc), ['api']);
    rmSync(proc, { recursive: true });
    cmdline('1', ['node', '/app/bin/cardflow.js', 'sandbox', 'kazepay']);
    assert.deepEqual(findCardflowArgs(proc), ['sandbox', 'kazepay']);
  });
});

test('the namespace setup registers exactly the contract search attributes, as Keyword', () => {
  const script = read('deploy/temporal/setup-namespace.sh');
  const names = /^SEARCH_ATTRIBUTES="([^"]+)"$/m.exec(script)?.[1]?.split(' ');
  assert.deepEqual(
    names,
    CARD_SEARCH_ATTRIBUTES.map((k) => k.name),
  );
  assert.match(script, /--type Keyword/);
});

test('an empty TEMPORAL_* variable is unset (compose gives ${NAME:-} as an empty string)', () => {
  const target = temporalTarget({
    TEMPORAL_ADDRESS: 'temporal:7233',
    TEMPORAL_CONFIG_FILE: '',
    TEMPORAL_PROFILE: '',
    HOME: tmp,
  });
  assert.equal(target.address, 'temporal:7233');
});

test('docs/deployment.md: one table lists every variable of every role', () => {
  const doc = read('docs/deployment.md');
  // The first cell of each row names one variable or several (`A`, `B`).
  const firstCells = [...doc.matchAll(/^\| (`[^|]+)\|/gm)].map((m) => m[1] as string);
  const listed = new Set(
    firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1])),
  );
  const every = new Set([...Object.values(ROLE_KEYS).flat(), ...TEMPORAL_VARIABLES]);
  const missing = [...every].filter((name) => !listed.has(name));
  assert.deepEqual(missing, [], `docs/deployment.md misses ${missing.join(', ')}`);
});
