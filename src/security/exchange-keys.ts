// The Nexus exchange keyring (exchange-codec.ts) from configuration: a keyring of its own, never
// one of the CARDFLOW_CODEC_KEYS, shared with the teams that call cardflow through Nexus.
//
//   CARDFLOW_NEXUS_EXCHANGE_KEYS             keyId:base64Key[,...] (32 random bytes each), or _FILE
//   CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID   the id new payloads use; required with several keys
//
// Unset: no exchange keyring (the worker serves no Nexus caller it could answer readably). The dev
// stack generates one into the dev data folder, as it does the codec keyring.
import { resolve } from 'node:path';
import { z } from 'zod';
import { envValue, parseOptionalSection } from '../config/env';
import {
  type CodecKeyring,
  createKeyring,
  KEY_ID_PATTERN,
  loadOrCreateDevKeyring,
  parseKeyList,
} from './codec-keys';

/** File name of the generated development exchange keyring inside the dev data folder. */
export const DEV_EXCHANGE_KEYRING_FILE = 'nexus-exchange-keys.json';

export const exchangeKeysEnvSchema = z
  .object({
    CARDFLOW_NEXUS_EXCHANGE_KEYS: envValue.string().transform((text, ctx) => parseKeyList(text, ctx)),
    CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID: envValue
      .string()
      .regex(KEY_ID_PATTERN, `expected a key id matching ${KEY_ID_PATTERN.source}`)
      .optional(),
  })
  .superRefine((value, ctx) => {
    const keys = value.CARDFLOW_NEXUS_EXCHANGE_KEYS;
    const current = value.CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID;
    if (current === undefined && keys.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID'],
        message: 'required when CARDFLOW_NEXUS_EXCHANGE_KEYS holds more than one key',
      });
    if (current !== undefined && !keys.some((k) => k.id === current))
      ctx.addIssue({
        code: 'custom',
        path: ['CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID'],
        message: `"${current}" is not one of the ids in CARDFLOW_NEXUS_EXCHANGE_KEYS`,
      });
  });

/** The exchange keyring when configured (a ConfigError names the variables), else undefined. */
export function loadExchangeKeyring(env: NodeJS.ProcessEnv = process.env): CodecKeyring | undefined {
  const section = parseOptionalSection(exchangeKeysEnvSchema, env);
  if (!section) return undefined;
  const keys = section.CARDFLOW_NEXUS_EXCHANGE_KEYS;
  const current = section.CARDFLOW_NEXUS_EXCHANGE_CURRENT_KEY_ID ?? (keys[0] as { id: string }).id;
  return createKeyring(keys, current);
}

/** The development exchange keyring in `dataDir`, generated (mode 0600) on first start. */
export function devExchangeKeyring(dataDir: string): CodecKeyring {
  return loadOrCreateDevKeyring(resolve(dataDir, DEV_EXCHANGE_KEYRING_FILE)).keyring;
}
