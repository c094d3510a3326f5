// `cardflow sandbox kazepay`: the KazePay sandbox standalone, until Ctrl-C / SIGTERM.
// Settings from flags or the environment (flags win). Without a merchant public key, a merchant
// key pair is generated in the data folder too, so the ops command works against it at once.
import { flagsOverEnv, stopRequested } from '../../../src/cli/support';
import { merchantPrivateKeyPath, sandboxMerchantKey } from '../common/merchant-key';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliCommand, CliIO } from '../../../src/cli/command';
import { UsageError } from '../../../src/cli/command';
import { envValue, parseEnv } from '../../../src/config/env';
import { createLogger, type Logger } from '../../../src/logging/logger';
import { type KazepaySandbox, startKazepaySandbox } from './server';

const USAGE =
  'cardflow sandbox kazepay [--port 8710] [--host 127.0.0.1] [--data-dir .data] [--merchant-public-key <PEM|base64>]\n' +
  '             [--sys-id <id>] [--time-scale 1] [--merchant-balance 100000.00]';

export const kazepaySandboxEnvSchema = z.object({
  KAZEPAY_SANDBOX_PORT: envValue.int(0, 65535).default(8710),
  KAZEPAY_SANDBOX_HOST: envValue.string().default('127.0.0.1'),
  CARDFLOW_DATA_DIR: envValue.string().default('.data'),
  /** The merchant's public key (PEM or base64 DER); also KAZEPAY_SANDBOX_MERCHANT_PUBLIC_KEY_FILE. */
  KAZEPAY_SANDBOX_MERCHANT_PUBLIC_KEY: envValue.string().optional(),
  KAZEPAY_SANDBOX_SYS_ID: envValue.string().default('202402271432298822660001'),
  KAZEPAY_SANDBOX_TIME_SCALE: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected a positive number such as 1 or 0.01')
    .transform(Number)
    .default(1),
  KAZEPAY_SANDBOX_MERCHANT_BALANCE: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/, 'expected an amount such as 100000.00')
    .default('100000.00'),
  CARDFLOW_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export async function runKazepaySandboxCommand(
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
      'sys-id': { type: 'string' },
      'time-scale': { type: 'string' },
      'merchant-balance': { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const flagEnv: Record<string, string | undefined> = {
    KAZEPAY_SANDBOX_PORT: values.port,
    KAZEPAY_SANDBOX_HOST: values.host,
    CARDFLOW_DATA_DIR: values['data-dir'],
    KAZEPAY_SANDBOX_MERCHANT_PUBLIC_KEY: values['merchant-public-key'],
    KAZEPAY_SANDBOX_SYS_ID: values['sys-id'],
    KAZEPAY_SANDBOX_TIME_SCALE: values['time-scale'],
    KAZEPAY_SANDBOX_MERCHANT_BALANCE: values['merchant-balance'],
  };
  const merged = flagsOverEnv(env, flagEnv);
  const { sandbox: settings } = parseEnv({ sandbox: kazepaySandboxEnvSchema }, merged);
  const logger = createLogger({ level: settings.CARDFLOW_LOG_LEVEL, name: 'kazepay-sandbox' });
  const { sandbox, keyDir, clientEnv } = await launchKazepaySandbox(settings, logger);

  io.out(`KazePay sandbox listening on ${sandbox.url}`);
  io.out(`gateway: POST ${sandbox.url}/  (any path outside /_sandbox/)`);
  io.out(`control: ${sandbox.url}/_sandbox/state`);
  io.out(`sysId: ${sandbox.sysId}`);
  io.out(`platform public key (also ${join(keyDir, 'platform.public.pem')}):`);
  io.out(sandbox.platformPublicKey.trimEnd());
  io.out('client settings:');
  for (const [name, value] of Object.entries(clientEnv)) io.out(`  ${name}=${value}`);

  await stopRequested(until);
  await sandbox.close();
  io.out('KazePay sandbox stopped');
  return 0;
}

export type KazepaySandboxSettings = z.output<typeof kazepaySandboxEnvSchema>;

export interface LaunchedKazepaySandbox {
  sandbox: KazepaySandbox;
  /** Where the platform keys and a generated merchant key live. */
  keyDir: string;
  /** The engine's KAZEPAY_* settings for this sandbox (key material by file, never inline). */
  clientEnv: Record<string, string>;
}

/**
 * Starts the sandbox with its keys kept in the data folder (so a restarted sandbox still matches
 * the engine's configuration) and says how to configure the engine for it.
 */
export async function launchKazepaySandbox(
  settings: KazepaySandboxSettings,
  logger: Logger,
): Promise<LaunchedKazepaySandbox> {
  const dataDir = resolve(settings.CARDFLOW_DATA_DIR);
  const keyDir = join(dataDir, 'kazepay-sandbox');
  const { merchantPublicKey, generated: generatedMerchant } = sandboxMerchantKey(
    keyDir,
    settings.KAZEPAY_SANDBOX_MERCHANT_PUBLIC_KEY,
  );
  const sandbox = await startKazepaySandbox({
    host: settings.KAZEPAY_SANDBOX_HOST,
    port: settings.KAZEPAY_SANDBOX_PORT,
    dataDir,
    merchantPublicKey,
    sysId: settings.KAZEPAY_SANDBOX_SYS_ID,
    timeScale: settings.KAZEPAY_SANDBOX_TIME_SCALE,
    merchantBalance: settings.KAZEPAY_SANDBOX_MERCHANT_BALANCE,
    // Its state starts empty each run, while an engine's flows outlive it: ids from the clock
    // (tenths of a second) never name a card of an earlier run.
    firstCardId: Math.floor(Date.now() / 100),
    logger,
  });
  const clientEnv: Record<string, string> = {
    KAZEPAY_BASE_URL: `${sandbox.url}/`,
    KAZEPAY_SYS_ID: sandbox.sysId,
    KAZEPAY_PLATFORM_PUBLIC_KEY_FILE: join(keyDir, 'platform.public.pem'),
  };
  if (generatedMerchant) clientEnv.KAZEPAY_MERCHANT_PRIVATE_KEY_FILE = merchantPrivateKeyPath(keyDir);
  return { sandbox, keyDir, clientEnv };
}

export const kazepaySandboxCommand: CliCommand = {
  summary: 'the KazePay U-Card sandbox',
  usage: USAGE,
  run: (args, io) => runKazepaySandboxCommand(args, io),
};
