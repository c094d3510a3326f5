// `cardflow sandbox wasabi`: the WasabiCard sandbox standalone, until Ctrl-C / SIGTERM.
// Settings from flags or the environment (flags win). The platform key pair and the api key are
// kept in the data folder so a restarted sandbox matches the engine's configuration; without a
// merchant public key, a merchant key pair is generated there too, so the ops command works at once.
import { flagsOverEnv, stopRequested } from '../../../src/cli/support';
import { merchantPrivateKeyPath, sandboxMerchantKey } from '../common/merchant-key';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type KeyObject, randomInt, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliCommand, CliIO } from '../../../src/cli/command';
// Key encoding only (bare base64 DER): a format helper, no assumption about WasabiCard.
import { toBase64Der } from '../../../src/providers/keys';
import { envValue, parseEnv } from '../../../src/config/env';
import { createLogger, type Logger } from '../../../src/logging/logger';
import { loadOrCreateRsaKeyPair } from '../common/keystore';
import { startWasabiSandbox, type WasabiSandbox } from './server';

const USAGE =
  'cardflow sandbox wasabi [--port 8720] [--host 127.0.0.1] [--data-dir .data] [--merchant-public-key <PEM|base64>]\n' +
  '             [--time-scale 1] [--webhook-url <url>] [--merchant-balance 100000]';

export const wasabiSandboxEnvSchema = z.object({
  WASABI_SANDBOX_PORT: envValue.int(0, 65535).default(8720),
  WASABI_SANDBOX_HOST: envValue.string().default('127.0.0.1'),
  CARDFLOW_DATA_DIR: envValue.string().default('.data'),
  /** The merchant's public key (PEM or base64 DER); also WASABI_SANDBOX_MERCHANT_PUBLIC_KEY_FILE. */
  WASABI_SANDBOX_MERCHANT_PUBLIC_KEY: envValue.string().optional(),
  WASABI_SANDBOX_TIME_SCALE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected a positive number such as 1 or 0.01')
    .transform(Number)
    .default(1),
  WASABI_SANDBOX_WEBHOOK_URL: envValue.url().optional(),
  WASABI_SANDBOX_MERCHANT_BALANCE: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/, 'expected an amount such as 100000')
    .default('100000'),
  CARDFLOW_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

/** A usage error: the problem and the usage, exit code 2 (as cli/main reports a UsageError). */
function usage(io: CliIO, message: string): number {
  io.err(`cardflow sandbox wasabi: ${message}\nusage: ${USAGE}`);
  return 2;
}

export async function runWasabiSandboxCommand(
  args: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
  until?: Promise<void>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'merchant-public-key': { type: 'string' },
      'time-scale': { type: 'string' },
      'webhook-url': { type: 'string' },
      'merchant-balance': { type: 'string' },
    },
  });
  if (positionals.length > 0) return usage(io, `unexpected argument ${positionals[0]}`);
  const flagEnv: Record<string, string | undefined> = {
    WASABI_SANDBOX_PORT: values.port,
    WASABI_SANDBOX_HOST: values.host,
    CARDFLOW_DATA_DIR: values['data-dir'],
    WASABI_SANDBOX_MERCHANT_PUBLIC_KEY: values['merchant-public-key'],
    WASABI_SANDBOX_TIME_SCALE: values['time-scale'],
    WASABI_SANDBOX_WEBHOOK_URL: values['webhook-url'],
    WASABI_SANDBOX_MERCHANT_BALANCE: values['merchant-balance'],
  };
  const merged = flagsOverEnv(env, flagEnv);
  const { sandbox: settings } = parseEnv({ sandbox: wasabiSandboxEnvSchema }, merged);
  const logger = createLogger({ level: settings.CARDFLOW_LOG_LEVEL, name: 'wasabi-sandbox' });
  const { sandbox, keyDir, clientEnv, platformPublicKey } = await launchWasabiSandbox(settings, logger);

  io.out(`WasabiCard sandbox listening on ${sandbox.url}`);
  io.out(`api:     POST ${sandbox.url}/merchant/core/mcb/...`);
  io.out(`control: ${sandbox.url}/_sandbox/state (see docs/providers/wasabi.md)`);
  io.out(`api key: ${sandbox.apiKey}`);
  io.out(`platform public key (wsb-public-key, base64 DER; PEM in ${join(keyDir, 'platform.public.pem')}):`);
  io.out(toBase64Der(platformPublicKey));
  io.out('client settings:');
  for (const [name, value] of Object.entries(clientEnv)) io.out(`  ${name}=${value}`);
  if (!settings.WASABI_SANDBOX_WEBHOOK_URL)
    io.out('webhooks: none sent until a URL is set (--webhook-url or POST /_sandbox/webhook-url)');

  await stopRequested(until);
  await sandbox.close();
  io.out('WasabiCard sandbox stopped');
  return 0;
}

export type WasabiSandboxSettings = z.output<typeof wasabiSandboxEnvSchema>;

export interface LaunchedWasabiSandbox {
  sandbox: WasabiSandbox;
  /** Where the platform keys, the api key and a generated merchant key live. */
  keyDir: string;
  /** The engine's WASABI_* settings for this sandbox (key material by file, never inline). */
  clientEnv: Record<string, string>;
  platformPublicKey: KeyObject;
}

/**
 * Starts the sandbox with its keys kept in the data folder (so a restarted sandbox still matches
 * the engine's configuration) and says how to configure the engine for it.
 */
export async function launchWasabiSandbox(
  settings: WasabiSandboxSettings,
  logger: Logger,
): Promise<LaunchedWasabiSandbox> {
  const keyDir = join(resolve(settings.CARDFLOW_DATA_DIR), 'wasabi-sandbox');
  mkdirSync(keyDir, { recursive: true });
  const platform = loadOrCreateRsaKeyPair(keyDir, 'platform', 2048);
  const apiKeyPath = join(keyDir, 'api-key');
  if (!existsSync(apiKeyPath)) writeFileSync(apiKeyPath, `${randomUUID()}-${randomUUID()}`, { mode: 0o600 });
  const { merchantPublicKey, generated: generatedMerchant } = sandboxMerchantKey(
    keyDir,
    settings.WASABI_SANDBOX_MERCHANT_PUBLIC_KEY,
  );
  const sandbox = await startWasabiSandbox({
    host: settings.WASABI_SANDBOX_HOST,
    port: settings.WASABI_SANDBOX_PORT,
    merchantPublicKey,
    platformPrivateKey: platform.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    apiKey: readFileSync(apiKeyPath, 'utf8').trim(),
    webhookUrl: settings.WASABI_SANDBOX_WEBHOOK_URL,
    timeScale: settings.WASABI_SANDBOX_TIME_SCALE,
    merchantBalance: settings.WASABI_SANDBOX_MERCHANT_BALANCE,
    // Its state starts empty each run, while an engine's flows outlive it: a fresh seed keeps
    // card numbers and ids of an earlier run from coming back.
    seed: randomInt(2 ** 31),
    onError: (error) => logger.error({ err: error }, 'wasabi sandbox error'),
  });
  const clientEnv = wasabiSandboxClientEnv(keyDir, sandbox.url, generatedMerchant);
  return { sandbox, keyDir, clientEnv, platformPublicKey: platform.publicKey };
}

/**
 * The engine's WASABI_* settings for a sandbox whose keys are in `keyDir`; the merchant key only
 * when the sandbox generated it (otherwise the merchant holds its own private key).
 */
export function wasabiSandboxClientEnv(
  keyDir: string,
  url: string,
  generatedMerchant: boolean,
): Record<string, string> {
  return {
    WASABI_BASE_URL: url,
    WASABI_API_KEY_FILE: join(keyDir, 'api-key'),
    WASABI_PLATFORM_PUBLIC_KEY_FILE: join(keyDir, 'platform.public.pem'),
    ...(generatedMerchant ? { WASABI_MERCHANT_PRIVATE_KEY_FILE: merchantPrivateKeyPath(keyDir) } : {}),
  };
}

export const wasabiSandboxCommand: CliCommand = {
  summary: 'the WasabiCard sandbox',
  usage: USAGE,
  run: (args, io) => runWasabiSandboxCommand(args, io),
};
