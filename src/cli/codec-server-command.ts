// `cardflow codec-server`: runs the codec server from configuration until SIGINT/SIGTERM.
//
//   CARDFLOW_CODEC_SERVER_BIND_ADDRESS   host:port (default 127.0.0.1:8234)
//   CARDFLOW_CODEC_SERVER_TOKENS         comma-separated bearer tokens, 32+ characters each
//   CARDFLOW_CODEC_SERVER_CORS_ORIGINS   comma-separated Web UI origins
//                                        (default http://localhost:8233,http://127.0.0.1:8233)
//   CARDFLOW_CODEC_SERVER_NAMESPACES     optional comma-separated namespaces to serve
//   CARDFLOW_CODEC_SERVER_BODY_LIMIT     bytes (default 4194304)
//   CARDFLOW_CODEC_OIDC_ISSUER           the Web UI's sign-on issuer: accept its access tokens
//   CARDFLOW_CODEC_OIDC_AUDIENCE         comma-separated accepted audiences (required with it)
//   CARDFLOW_CODEC_OIDC_JWKS_URL         optional (default: the issuer's discovery document)
//   CARDFLOW_CODEC_OIDC_REQUIRED_SCOPES  optional, comma-separated, all required
//   CARDFLOW_CODEC_OIDC_REQUIRED_GROUPS  optional, comma-separated, one required
//   CARDFLOW_CODEC_OIDC_GROUPS_CLAIM     optional (default groups)
//   CARDFLOW_CODEC_SERVER_TLS_CERT, _KEY PEM (usually as _FILE): serve HTTPS, which the Web UI
//                                        requires before it passes its users' access tokens
//   plus the codec keys (codec-keys.ts) and CARDFLOW_DATA_DIR. Any may be given as <NAME>_FILE.
//
// `--dev` (local development only) uses the generated development keyring and, when no token
// is configured, a development token generated into <CARDFLOW_DATA_DIR>/codec-server-token.
// `--new-key` prints a new `keyId:base64Key` entry for CARDFLOW_CODEC_KEYS; `--new-token` a
// new random token. Neither is ever logged.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CliCommand } from './command';
import { coreEnvSchema } from '../config/engine';
import { ConfigError, envValue, parseEnv, splitHostPort } from '../config/env';
import { loadOrCreateDevToken } from '../config/dev-token';
import { createLogger } from '../logging/logger';
import { formatKeyEntry, generateCodecKey, loadCodecKeyring } from '../security/codec-keys';
import {
  bearerTokenAuthorizer,
  DEFAULT_CODEC_SERVER_BODY_LIMIT,
  type StartCodecServerOptions,
  startCodecServer,
} from '../security/codec-server';
import { type OidcAccessTokenOptions, oidcAccessTokenAuthorizer } from '../security/codec-oidc';
import { EncryptionCodec } from '../security/payload-codec';

export const DEV_TOKEN_FILE = 'codec-server-token';
const MIN_TOKEN_LENGTH = 32;

const list = () =>
  envValue.string().transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const codecServerEnvSchema = z.object({
  CARDFLOW_CODEC_SERVER_BIND_ADDRESS: envValue.hostPort().default('127.0.0.1:8234'),
  CARDFLOW_CODEC_SERVER_TOKENS: list()
    .refine((tokens) => tokens.length > 0, 'expected at least one token')
    .refine(
      (tokens) => tokens.every((t) => t.length >= MIN_TOKEN_LENGTH && !/\s/.test(t)),
      `every token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`,
    )
    .optional(),
  CARDFLOW_CODEC_SERVER_CORS_ORIGINS: list()
    .refine(
      (origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      'expected origins such as https://temporal-ui.example.com (scheme://host[:port], no path)',
    )
    .default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  CARDFLOW_CODEC_SERVER_NAMESPACES: list().optional(),
  CARDFLOW_CODEC_SERVER_BODY_LIMIT: envValue
    .int(1024, 64 * 1024 * 1024)
    .default(DEFAULT_CODEC_SERVER_BODY_LIMIT),
  CARDFLOW_CODEC_OIDC_ISSUER: envValue.url().optional(),
  CARDFLOW_CODEC_OIDC_AUDIENCE: list().optional(),
  CARDFLOW_CODEC_OIDC_JWKS_URL: envValue.url().optional(),
  CARDFLOW_CODEC_OIDC_REQUIRED_SCOPES: list().optional(),
  CARDFLOW_CODEC_OIDC_REQUIRED_GROUPS: list().optional(),
  CARDFLOW_CODEC_OIDC_GROUPS_CLAIM: envValue.string().optional(),
  CARDFLOW_CODEC_SERVER_TLS_CERT: envValue.string().optional(),
  CARDFLOW_CODEC_SERVER_TLS_KEY: envValue.string().optional(),
});

type CodecServerEnv = z.output<typeof codecServerEnvSchema>;

/** The sign-on settings, when an issuer is configured (one ConfigError for every problem). */
function oidcOptions(server: CodecServerEnv): Omit<OidcAccessTokenOptions, 'onRefused'> | undefined {
  const issuer = server.CARDFLOW_CODEC_OIDC_ISSUER;
  const others = Object.keys(server).filter(
    (name) => name.startsWith('CARDFLOW_CODEC_OIDC_') && server[name as keyof CodecServerEnv] !== undefined,
  );
  if (!issuer) {
    if (others.length > 0)
      throw new ConfigError(others.map((name) => `${name}: set without CARDFLOW_CODEC_OIDC_ISSUER`));
    return undefined;
  }
  const audience = server.CARDFLOW_CODEC_OIDC_AUDIENCE ?? [];
  if (audience.length === 0)
    throw new ConfigError([
      "CARDFLOW_CODEC_OIDC_AUDIENCE: required with CARDFLOW_CODEC_OIDC_ISSUER (the aud of the UI users' access tokens)",
    ]);
  return {
    issuer,
    audience,
    jwksUrl: server.CARDFLOW_CODEC_OIDC_JWKS_URL,
    requiredScopes: server.CARDFLOW_CODEC_OIDC_REQUIRED_SCOPES,
    requiredGroups: server.CARDFLOW_CODEC_OIDC_REQUIRED_GROUPS,
    groupsClaim: server.CARDFLOW_CODEC_OIDC_GROUPS_CLAIM,
  };
}

/** Static tokens, sign-on access tokens, or either: one `authorize` for the codec server. */
export function codecServerAuthorizer(
  tokens: readonly string[],
  oidc: OidcAccessTokenOptions | undefined,
): NonNullable<StartCodecServerOptions['authorize']> {
  const byToken = tokens.length > 0 ? bearerTokenAuthorizer(tokens) : () => false;
  const byOidc = oidc ? oidcAccessTokenAuthorizer(oidc) : undefined;
  return async (authorization) => byToken(authorization) || (byOidc ? byOidc(authorization) : false);
}

export interface CodecServerSetup {
  options: StartCodecServerOptions;
  /** The Web UI sign-on's access tokens accepted as well, when configured. */
  oidc?: Omit<OidcAccessTokenOptions, 'onRefused'>;
  /** Where the keys and the token came from, for the start-up line (never the values). */
  keySource: string;
  tokenSource: string;
}

/** Reads every codec server setting (one ConfigError for every problem). */
export function loadCodecServerSetup(env: NodeJS.ProcessEnv, dev: boolean): CodecServerSetup {
  const { server, core } = parseEnv(
    { server: codecServerEnvSchema, core: coreEnvSchema.pick({ CARDFLOW_DATA_DIR: true }) },
    env,
  );
  const keys = loadCodecKeyring({ env, devKeys: dev ? 'generate' : 'forbid' });
  const oidc = oidcOptions(server);
  let tokens = server.CARDFLOW_CODEC_SERVER_TOKENS;
  let tokenSource = 'CARDFLOW_CODEC_SERVER_TOKENS';
  if (!tokens && oidc) {
    tokens = [];
    tokenSource = `access tokens of ${oidc.issuer} only`;
  } else if (!tokens) {
    if (!dev)
      throw new ConfigError([
        'CARDFLOW_CODEC_SERVER_TOKENS: required (generate one with `cardflow codec-server --new-token`) unless CARDFLOW_CODEC_OIDC_ISSUER is set, or use --dev locally',
      ]);
    const path = resolve(core.CARDFLOW_DATA_DIR, DEV_TOKEN_FILE);
    tokens = [loadOrCreateDevToken(path)];
    tokenSource = path;
  }
  const cert = server.CARDFLOW_CODEC_SERVER_TLS_CERT;
  const key = server.CARDFLOW_CODEC_SERVER_TLS_KEY;
  if ((cert === undefined) !== (key === undefined))
    throw new ConfigError([
      'CARDFLOW_CODEC_SERVER_TLS_CERT and CARDFLOW_CODEC_SERVER_TLS_KEY: set both (or their _FILE forms) or neither',
    ]);
  const [host, port] = splitHostPort(server.CARDFLOW_CODEC_SERVER_BIND_ADDRESS);
  return {
    options: {
      codec: new EncryptionCodec(keys.keyring),
      tokens,
      ...(oidc ? { authorize: codecServerAuthorizer(tokens, oidc) } : {}),
      allowedOrigins: server.CARDFLOW_CODEC_SERVER_CORS_ORIGINS,
      namespaces: server.CARDFLOW_CODEC_SERVER_NAMESPACES,
      bodyLimitBytes: server.CARDFLOW_CODEC_SERVER_BODY_LIMIT,
      ...(cert && key ? { tls: { cert, key } } : {}),
      host,
      port,
    },
    ...(oidc ? { oidc } : {}),
    keySource: keys.path ?? keys.source,
    tokenSource,
  };
}

export const codecServerCommand: CliCommand = {
  summary: 'serve /encode and /decode for the Temporal Web UI and CLI',
  usage: 'cardflow codec-server [--dev] | --new-key [id-prefix] | --new-token',
  async run(args, io) {
    const flag = args[0];
    if (flag === '--new-key') {
      io.out(formatKeyEntry(generateCodecKey(args[1] ?? 'key')));
      return 0;
    }
    if (flag === '--new-token') {
      io.out(randomBytes(32).toString('base64url'));
      return 0;
    }
    if (flag !== undefined && flag !== '--dev') {
      io.err(`cardflow codec-server: unknown option ${flag}\nusage: ${codecServerCommand.usage}`);
      return 2;
    }
    const { core } = parseEnv({ core: coreEnvSchema.pick({ CARDFLOW_LOG_LEVEL: true }) });
    const logger = createLogger({ level: core.CARDFLOW_LOG_LEVEL, name: 'codec-server' });
    const setup = loadCodecServerSetup(process.env, flag === '--dev');
    // Refused sign-on tokens are logged with the failed check only, never the token or its subject.
    const authorize = setup.oidc
      ? codecServerAuthorizer(setup.options.tokens ?? [], {
          ...setup.oidc,
          onRefused: (reason) => logger.warn({ reason }, 'codec server: access token refused'),
        })
      : setup.options.authorize;
    const server = await startCodecServer({ ...setup.options, authorize, logger });
    logger.info(
      {
        url: server.url,
        origins: setup.options.allowedOrigins,
        keys: setup.keySource,
        tokens: setup.tokenSource,
        ...(setup.oidc ? { oidcIssuer: setup.oidc.issuer, oidcAudience: setup.oidc.audience } : {}),
      },
      'codec server listening',
    );
    io.out(
      `codec server on ${server.url}: temporal server start-dev --ui-codec-endpoint ${server.url}; ` +
        `temporal ... --codec-endpoint ${server.url} --codec-auth "Bearer <token>"`,
    );
    await new Promise<void>((resolveStop) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolveStop();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    logger.info('codec server stopped');
    return 0;
  },
};
