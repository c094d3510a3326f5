// `cardflow provider wasabi <path> --body '<json>'`: one real, signed WasabiCard call with the
// configured credentials (WASABI_* environment, see config.ts), printing the verified answer.
// Sensitive values (cardNumber, cvv, expireDate, 3DS values, activateUrl) are decrypted with the
// merchant key and then masked, like every personal field, unless --reveal.
import { reportProviderError } from '../support';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { CliCommand, CliIO } from '../command';
import { luhnValid, maskCardNumber, redactSensitive } from '../../logging/redaction';
import { ProviderValidationError } from '../../providers/errors';
import { parseProviderJson } from '../../providers/json';
import { validateRequest } from '../../providers/wasabi/client';
import { loadWasabiConfig, wasabiClientOptions } from '../../providers/wasabi/config';
import { WASABI_PATHS } from '../../providers/wasabi/paths';
import * as req from '../../providers/wasabi/schemas/requests';
import { decryptSensitive } from '../../providers/wasabi/sensitive';
import { WasabiTransport } from '../../providers/wasabi/transport';

/** Request rules per documented path (paths without parameters send `{}`). */
const REQUEST_RULES: Record<string, z.ZodType | null> = {
  [WASABI_PATHS.cardTypesV2]: null,
  [WASABI_PATHS.cardTypesV1]: null,
  [WASABI_PATHS.openCard]: req.openCardRequest,
  [WASABI_PATHS.createCardV2]: req.createCardRequest,
  [WASABI_PATHS.cardInfo]: req.cardInfoRequest,
  [WASABI_PATHS.sensitive]: req.cardNoRequest,
  [WASABI_PATHS.balance]: req.cardNoRequest,
  [WASABI_PATHS.cardList]: req.cardListRequest,
  [WASABI_PATHS.freezeV1]: req.cardNoRequest,
  [WASABI_PATHS.unfreezeV1]: req.cardNoRequest,
  [WASABI_PATHS.freezeV2]: req.cardOrderRequest,
  [WASABI_PATHS.unfreezeV2]: req.cardOrderRequest,
  [WASABI_PATHS.deposit]: req.depositRequest,
  [WASABI_PATHS.withdraw]: req.withdrawRequest,
  [WASABI_PATHS.cancel]: req.cardOrderRequest,
  [WASABI_PATHS.activeCard]: req.activeCardRequest,
  [WASABI_PATHS.updatePin]: req.updatePinRequest,
  [WASABI_PATHS.transactionV1]: req.transactionQueryRequest,
  [WASABI_PATHS.transactionV2]: req.transactionQueryRequest,
  [WASABI_PATHS.authTransaction]: req.authTransactionQueryRequest,
  [WASABI_PATHS.authFeeTransaction]: req.authFeeTransactionQueryRequest,
  [WASABI_PATHS.third3dsTransaction]: req.authTransactionQueryRequest,
  [WASABI_PATHS.simulateAuth]: req.simulateAuthRequest,
  [WASABI_PATHS.holderOccupations]: null,
  [WASABI_PATHS.holderCreateV2]: req.holderCreateRequest,
  [WASABI_PATHS.holderUpdateV2]: req.holderUpdateRequest,
  [WASABI_PATHS.holderQuery]: req.holderQueryRequest,
  [WASABI_PATHS.holderUpdateEmail]: req.holderUpdateEmailRequest,
  [WASABI_PATHS.accountInfo]: null,
  [WASABI_PATHS.accountList]: req.accountListRequest,
  [WASABI_PATHS.accountQuery]: req.accountQueryRequest,
  [WASABI_PATHS.accountTransaction]: req.accountTransactionRequest,
  [WASABI_PATHS.accountCreate]: req.accountCreateRequest,
  [WASABI_PATHS.accountTransfer]: req.accountTransferRequest,
  [WASABI_PATHS.purchaseTransaction]: req.purchaseTransactionRequest,
  [WASABI_PATHS.regions]: null,
  [WASABI_PATHS.cities]: req.cityRequest,
  [WASABI_PATHS.mobileAreaCodes]: null,
};

/** Fields holding RSA-encrypted values (spec §1.1). */
const ENCRYPTED_KEYS = new Set([
  'cardNumber',
  'cvv',
  'expireDate',
  'validPeriod',
  'activateUrl',
  'activeUrl',
  'values',
]);
const MASK = '[REDACTED]';

const USAGE =
  "cardflow provider wasabi <path> [--body '<json>'] [--file <jpg|png|pdf> [--category card]] [--reveal]\n" +
  '             path e.g. /merchant/core/mcb/card/balanceInfo (every POST path under /merchant/core/mcb/)';

/** Decrypts every encrypted field it can (values that are not ciphertext, e.g. a v1 plain cardNumber, stay). */
function decryptDeep(value: unknown, decrypt: (v: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => decryptDeep(v, decrypt));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (ENCRYPTED_KEYS.has(k) && typeof v === 'string' && v.length >= 100) {
      try {
        out[k] = decrypt(v);
        continue;
      } catch {
        // not ours to decrypt: leave as received (it is masked below anyway)
      }
    }
    out[k] = decryptDeep(v, decrypt);
  }
  return out;
}

/**
 * Masks for display. Wasabi's `cardNo` is the provider's card id, not a PAN: it stays visible so
 * an operator can make the next call, unless it looks like a real card number (Luhn-valid 13–19 digits).
 */
export function maskWasabi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskWasabi);
  if (!value || typeof value !== 'object') return redactSensitive(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'cardNo' && typeof v === 'string')
      out[k] = /^\d{13,19}$/.test(v) && luhnValid(v) ? maskCardNumber(v) : v;
    else if (k === 'cardNumber' && typeof v === 'string') out[k] = maskCardNumber(v);
    else if (ENCRYPTED_KEYS.has(k)) out[k] = v === null || v === undefined ? v : MASK;
    else if (v && typeof v === 'object') out[k] = maskWasabi(v);
    else out[k] = (redactSensitive({ [k]: v }) as Record<string, unknown>)[k];
  }
  return out;
}

/** A usage error: the problem and the usage, exit code 2 (as cli/main reports a UsageError). */
function usage(io: CliIO, message: string): number {
  io.err(`cardflow provider wasabi: ${message}\nusage: ${USAGE}`);
  return 2;
}

export async function runWasabiProviderCommand(
  args: string[],
  io: CliIO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      body: { type: 'string', default: '{}' },
      file: { type: 'string' },
      category: { type: 'string' },
      reveal: { type: 'boolean', default: false },
    },
  });
  const [rawPath, ...extra] = positionals;
  if (!rawPath || extra.length > 0) return usage(io, 'exactly one path expected');
  const path = rawPath.startsWith('/merchant/')
    ? rawPath
    : `/merchant/core/mcb/${rawPath.replace(/^\/+/, '')}`;
  let body: Record<string, unknown>;
  try {
    const parsed = parseProviderJson(values.body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return usage(io, '--body must be a JSON object');
  }

  const transport = new WasabiTransport(wasabiClientOptions(loadWasabiConfig(env)));
  try {
    let result;
    if (path === WASABI_PATHS.fileUpload) {
      if (!values.file) return usage(io, '--file is required for the upload path');
      const types: Record<string, string> = {
        '.png': 'image/png',
        '.jpg': 'image/jpeg',
        '.jpeg': 'image/jpeg',
        '.pdf': 'application/pdf',
      };
      const contentType = types[extname(values.file).toLowerCase()];
      if (!contentType)
        throw new ProviderValidationError([{ field: 'file', rule: 'jpg, jpeg, png or pdf' }], {
          provider: 'wasabi',
          operation: path,
        });
      result = await transport.upload(
        path,
        { bytes: readFileSync(values.file), fileName: basename(values.file), contentType },
        values.category ? { category: values.category } : {},
      );
    } else {
      const rules = REQUEST_RULES[path];
      let params: Record<string, unknown> | undefined = body;
      if (rules === null) params = undefined;
      else if (rules) params = validateRequest(rules, body, path) as Record<string, unknown>;
      else io.err(`warning: ${path} is not a path this client knows; sending the body unchecked`);
      if (params && Object.keys(params).length === 0) params = undefined;
      result = await transport.call(path, params);
    }
    const decrypted = decryptDeep(result.envelope, (v) => decryptSensitive(v, transport.merchantPrivateKey));
    io.out(JSON.stringify(values.reveal ? decrypted : maskWasabi(decrypted), null, 2));
    if (!values.reveal)
      io.err('(signature verified; sensitive fields decrypted then masked; --reveal shows them)');
    return 0;
  } catch (error) {
    return reportProviderError(io, error);
  }
}

export const wasabiProviderCommand: CliCommand = {
  summary: 'one signed WasabiCard call',
  usage: USAGE,
  run: (args, io) => runWasabiProviderCommand(args, io),
};
