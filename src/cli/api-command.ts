// `cardflow api`: runs the HTTP API from configuration until SIGINT/SIGTERM.
//
//   CARDFLOW_API_BIND_ADDRESS        host:port (default 127.0.0.1:8080)
//   CARDFLOW_API_CREDENTIALS         named credentials with scopes, JSON lines of
//                                    {"name","scopes","sha256"} (`cardflow api credentials new`
//                                    makes one); required unless CARDFLOW_API_TOKENS or `--dev`
//   CARDFLOW_API_TOKENS              legacy: comma-separated bearer tokens, 32+ characters each,
//                                    each with every scope (a warning at start names it); `--dev`
//                                    generates one all-scopes credential into <CARDFLOW_DATA_DIR>/api-token
//   CARDFLOW_AUDIT_RETENTION         days the audit trail keeps (default 365d)
//   CARDFLOW_API_BODY_LIMIT          JSON body limit in bytes (default 1048576)
//   CARDFLOW_API_DOCUMENT_LIMIT      document upload limit in bytes (default 10485760)
//   CARDFLOW_API_WEBHOOK_JOURNAL     notifications kept in the webhook journal (default 1000)
//   CARDFLOW_DATABASE_URL            PostgreSQL shared with the workers: the document store and the
//                                    audit trail, on one pool (unset: files under CARDFLOW_DOCUMENTS_DIR
//                                    and <CARDFLOW_DATA_DIR>/audit)
//   CARDFLOW_DOCUMENTS_DIR           document store folder without a database (default
//                                    <CARDFLOW_DATA_DIR>/documents; the worker must read the same folder)
//   WASABI_*, KAZEPAY_*              a provider's client settings: support reads and its webhook
//                                    (a provider with none of its variables set is off)
//   CARDFLOW_SECRET_STORE ...        secret store (redis when the worker runs in another process)
//   CARDFLOW_CODEC_KEYS ...          payload codec keys (the same as the workers')
//   TEMPORAL_*                       Temporal connection (envconfig)
// Every variable may be given as <NAME>_FILE. Values are never logged.
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CliCommand } from './command';
import { apiCredentialsCommand } from './api-credentials-command';
import { stopRequested } from './support';
import { openDocumentStore } from '../documents/open-document-store';
import { databaseEnvSchema, openDatabase } from '../storage/database';
import { KazepayClient } from '../providers/kazepay/client';
import {
  kazepayClientOptionsFromEnv,
  kazepayEnvSchema,
  kazepayWebhookEventsFromEnv,
} from '../providers/kazepay/config';
import { WasabiClient } from '../providers/wasabi/client';
import { wasabiClientOptions, wasabiEnvSchema, wasabiWebhookSettings } from '../providers/wasabi/config';
import { coreEnvSchema } from '../config/engine';
import {
  ConfigError,
  ConfigProblems,
  envValue,
  parseEnv,
  parseOptionalSection,
  splitHostPort,
} from '../config/env';
import { loadOrCreateDevToken } from '../config/dev-token';
import { auditEnvSchema, openAuditLog, scheduleAuditRetention } from '../audit/audit-config';
import {
  allScopesCredential,
  type ApiCredential,
  MIN_TOKEN_LENGTH,
  parseCredentialLines,
} from '../security/api-credentials';
import { createLogger, type Logger } from '../logging/logger';
import { connectClient, temporalTarget } from '../config/temporal-connection';
import { loadCodecKeyring } from '../security/codec-keys';
import { createDataConverter } from '../security/data-converter';
import type { SecretStore } from '../security/secret-store';
import { createSecretStore, loadSecretStoreConfig } from '../security/secret-store-config';
import type { AuditLog } from '../audit/audit-log';
import { buildApi, DEFAULT_API_BODY_LIMIT, DEFAULT_DOCUMENT_LIMIT } from '../api/server';

export const API_DEV_TOKEN_FILE = 'api-token';

export const apiEnvSchema = z.object({
  CARDFLOW_API_BIND_ADDRESS: envValue.hostPort().default('127.0.0.1:8080'),
  CARDFLOW_API_CREDENTIALS: envValue
    .string()
    .transform((text, ctx) => {
      try {
        return parseCredentialLines(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .refine((credentials) => credentials.length > 0, 'expected at least one credential')
    .optional(),
  CARDFLOW_API_TOKENS: envValue
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((tokens) => tokens.length > 0, 'expected at least one token')
    .refine(
      (tokens) => tokens.every((t) => t.length >= MIN_TOKEN_LENGTH && !/\s/.test(t)),
      `every token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`,
    )
    .optional(),
  CARDFLOW_API_BODY_LIMIT: envValue.int(1024, 64 * 1024 * 1024).default(DEFAULT_API_BODY_LIMIT),
  CARDFLOW_API_DOCUMENT_LIMIT: envValue.int(1024, 64 * 1024 * 1024).default(DEFAULT_DOCUMENT_LIMIT),
  CARDFLOW_API_WEBHOOK_JOURNAL: envValue.int(10, 1_000_000).default(1000),
  CARDFLOW_DOCUMENTS_DIR: envValue.string().optional(),
});

/** Every setting the API needs; one ConfigError lists every problem. */
export function loadApiSettings(env: NodeJS.ProcessEnv, dev: boolean) {
  const config = new ConfigProblems();
  const attempt = <T>(read: () => T) => config.attempt(read);
  const base = attempt(() =>
    parseEnv(
      { api: apiEnvSchema, core: coreEnvSchema, database: databaseEnvSchema, audit: auditEnvSchema },
      env,
    ),
  );
  const wasabi = attempt(() => parseOptionalSection(wasabiEnvSchema, env));
  const kazepay = attempt(() => parseOptionalSection(kazepayEnvSchema, env));
  const secretStore = attempt(() => loadSecretStoreConfig(env));
  const keys = attempt(() => loadCodecKeyring({ env, devKeys: dev ? 'generate' : 'forbid' }));
  let temporal;
  try {
    temporal = temporalTarget(env);
  } catch (error) {
    config.add(`TEMPORAL_*: ${(error as Error).message}`);
  }
  if (base && !base.api.CARDFLOW_API_CREDENTIALS && !base.api.CARDFLOW_API_TOKENS && !dev)
    config.add(
      'CARDFLOW_API_CREDENTIALS: required (JSON lines from `cardflow api credentials new`; or the legacy CARDFLOW_API_TOKENS), or use --dev locally',
    );
  if (base?.api.CARDFLOW_API_CREDENTIALS && base.api.CARDFLOW_API_TOKENS) {
    const names = new Set(base.api.CARDFLOW_API_CREDENTIALS.map((c) => c.name));
    const clash = base.api.CARDFLOW_API_TOKENS.map((_t, i) => legacyName(i)).find((n) => names.has(n));
    if (clash) config.add(`CARDFLOW_API_CREDENTIALS: the name ${clash} is taken by CARDFLOW_API_TOKENS`);
  }
  config.throwIfAny();
  if (!base || !secretStore || !keys || !temporal) throw new ConfigError(config.problems);
  return { ...base, wasabi, kazepay, secretStore, keys, temporal };
}

export type ApiSettings = ReturnType<typeof loadApiSettings>;

export const DEV_CREDENTIAL_NAME = 'dev';
/** The name each legacy token gets in the audit trail: its position in CARDFLOW_API_TOKENS. */
const legacyName = (index: number) => `token-${index + 1}`;

/**
 * The credentials the settings give: the named ones, then each legacy token with every scope
 * (with a warning naming the variable), or the dev stack's one all-scopes credential.
 */
export function apiCredentialsFrom(
  settings: Pick<ApiSettings, 'api' | 'core'>,
  logger: Logger,
): { credentials: ApiCredential[]; source: string } {
  const { api, core } = settings;
  const credentials: ApiCredential[] = [...(api.CARDFLOW_API_CREDENTIALS ?? [])];
  const sources: string[] = credentials.length ? ['CARDFLOW_API_CREDENTIALS'] : [];
  if (api.CARDFLOW_API_TOKENS) {
    logger.warn(
      { variable: 'CARDFLOW_API_TOKENS', tokens: api.CARDFLOW_API_TOKENS.length },
      'CARDFLOW_API_TOKENS is deprecated: each of its tokens has every scope; move to named, scoped credentials in CARDFLOW_API_CREDENTIALS (cardflow api credentials new)',
    );
    api.CARDFLOW_API_TOKENS.forEach((token, i) =>
      credentials.push(allScopesCredential(legacyName(i), token)),
    );
    sources.push('CARDFLOW_API_TOKENS');
  }
  if (credentials.length === 0) {
    const path = resolve(core.CARDFLOW_DATA_DIR, API_DEV_TOKEN_FILE);
    credentials.push(allScopesCredential(DEV_CREDENTIAL_NAME, loadOrCreateDevToken(path)));
    sources.push(path);
  }
  return { credentials, source: sources.join(', ') };
}

export interface RunningApi {
  url: string;
  app: FastifyInstance;
  /** Where the credentials came from (variable names or the dev token file), never a value. */
  tokenSource: string;
  /** The audit trail's store (the chaos scan and the tests read it). */
  audit: AuditLog;
  /** Stops listening, then releases the secret store (unless given) and the Temporal connection. */
  close(): Promise<void>;
}

/** Starts the API from its settings; the dev stack passes the secret store it shares with its worker. */
export async function startApiServer(
  settings: ApiSettings,
  deps: { logger: Logger; secrets?: SecretStore },
): Promise<RunningApi> {
  const { api, core } = settings;
  const { logger } = deps;
  const { credentials, source: tokenSource } = apiCredentialsFrom(settings, logger);
  if (!deps.secrets && settings.secretStore.CARDFLOW_SECRET_STORE === 'memory')
    logger.warn(
      'memory secret store: PIN handles made by this API can be redeemed only in this process; a separate worker needs CARDFLOW_SECRET_STORE=redis',
    );
  const { client, connection } = await connectClient(
    settings.temporal,
    createDataConverter(settings.keys.keyring),
  );
  // One pool for every store of this process on the shared database.
  const databaseUrl = settings.database.CARDFLOW_DATABASE_URL;
  const database = databaseUrl
    ? openDatabase(databaseUrl, {
        onIdleError: (error) => logger.warn({ err: error }, 'database: idle connection lost'),
      })
    : undefined;
  // The audit store before anything can act: a store that cannot be opened stops the start.
  let audit: AuditLog;
  try {
    audit = await openAuditLog(
      settings.audit,
      core.CARDFLOW_DATA_DIR,
      logger.child({ component: 'audit' }),
      database,
    );
  } catch (error) {
    await database?.end();
    await connection.close();
    throw error;
  }
  const secrets = deps.secrets ?? createSecretStore(settings.secretStore);
  let documents;
  try {
    documents = await openDocumentStore({
      keyring: settings.keys.keyring,
      ...(database ? { pool: database } : {}),
      ...(api.CARDFLOW_DOCUMENTS_DIR ? { documentsDir: api.CARDFLOW_DOCUMENTS_DIR } : {}),
      dataDir: core.CARDFLOW_DATA_DIR,
    });
  } catch (error) {
    await audit.close();
    await database?.end();
    await connection.close();
    if (!deps.secrets) await secrets.close();
    throw error;
  }
  const stopRetention = scheduleAuditRetention(audit.store, settings.audit.CARDFLOW_AUDIT_RETENTION, logger);
  const wasabi = settings.wasabi ? new WasabiClient(wasabiClientOptions(settings.wasabi)) : undefined;
  const kazepay = settings.kazepay
    ? new KazepayClient(kazepayClientOptionsFromEnv(settings.kazepay))
    : undefined;
  const app = buildApi({
    client,
    credentials,
    audit,
    logger,
    secrets,
    documents: documents.store,
    wasabi,
    kazepay,
    ...(settings.wasabi
      ? {
          wasabiWebhook: {
            platformPublicKey: settings.wasabi.WASABI_PLATFORM_PUBLIC_KEY,
            ...wasabiWebhookSettings(settings.wasabi),
          },
        }
      : {}),
    ...(kazepay && settings.kazepay
      ? { kazepayWebhook: { client: kazepay, events: kazepayWebhookEventsFromEnv(settings.kazepay) } }
      : {}),
    bodyLimitBytes: api.CARDFLOW_API_BODY_LIMIT,
    documentLimitBytes: api.CARDFLOW_API_DOCUMENT_LIMIT,
    webhookJournalSize: api.CARDFLOW_API_WEBHOOK_JOURNAL,
  });
  const [host, port] = splitHostPort(api.CARDFLOW_API_BIND_ADDRESS);
  await app.listen({ host, port });
  const address = app.server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  logger.info(
    {
      url,
      namespace: settings.temporal.namespace,
      credentials: { source: tokenSource, names: credentials.map((c) => c.name) },
      audit: audit.store.description,
      keys: settings.keys.path ?? settings.keys.source,
      providers: { wasabi: Boolean(wasabi), kazepay: Boolean(kazepay) },
      documents: documents.kind,
    },
    'api listening',
  );
  return {
    url,
    app,
    tokenSource,
    audit,
    async close() {
      await app.close();
      stopRetention();
      await audit.close();
      if (!deps.secrets) await secrets.close();
      await connection.close();
      await documents.close();
      // Last: the audit log drained its spool into the store on this pool.
      await database?.end();
      logger.info('api stopped');
    },
  };
}

export const apiCommand: CliCommand = {
  summary: 'run the HTTP API (flows, support reads, provider webhooks, /openapi.json)',
  usage:
    'cardflow api [--dev] | cardflow api credentials new --name <name> --scopes <scope,...> [--file <path>]',
  async run(args, io) {
    if (args[0] === 'credentials') return apiCredentialsCommand.run(args.slice(1), io);
    const unknown = args.find((a) => a !== '--dev');
    if (unknown !== undefined) {
      io.err(`cardflow api: unknown option ${unknown}\nusage: ${apiCommand.usage}`);
      return 2;
    }
    const dev = args.includes('--dev');
    let settings;
    try {
      settings = loadApiSettings(process.env, dev);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(error.message);
        return 2;
      }
      throw error;
    }
    const logger = createLogger({ level: settings.core.CARDFLOW_LOG_LEVEL, name: 'api' });
    const running = await startApiServer(settings, { logger });
    const { url } = running;
    io.out(`cardflow API on ${url} (OpenAPI: ${url}/openapi.json)`);
    await stopRequested();
    await running.close();
    return 0;
  },
};
