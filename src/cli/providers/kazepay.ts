// `cardflow provider kazepay <apiCode> --body '<json>'`: one real, signed call with the configured
// credentials (KAZEPAY_* environment, see config.ts), printing the verified, decrypted answer.
// Card numbers, CVVs, PINs, activation codes and personal data are masked unless --reveal.
import { reportProviderError } from '../support';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { CliCommand, CliIO } from '../command';
import { UsageError } from '../command';
import { redactSensitive } from '../../logging/redaction';
import { parseProviderJson } from '../../providers/json';
import { KazepayClient, validationError } from '../../providers/kazepay/client';
import { kazepayClientOptionsFromEnv, loadKazepayEnv } from '../../providers/kazepay/config';
import { KAZEPAY_OPERATIONS, operationForApiCode } from '../../providers/kazepay/operations';

const USAGE =
  "cardflow provider kazepay <apiCode> [--body '<json>'] [--file <image>] [--base64-kyc] [--reveal]\n" +
  `             apiCodes: ${[...new Set(Object.values(KAZEPAY_OPERATIONS).map((o) => o.apiCode))].join(', ')}`;

export async function runKazepayProviderCommand(
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
      'base64-kyc': { type: 'boolean', default: false },
      reveal: { type: 'boolean', default: false },
    },
  });
  const [apiCode, ...extra] = positionals;
  if (!apiCode || extra.length > 0) throw new UsageError('exactly one apiCode expected');
  let body: Record<string, unknown>;
  try {
    const parsed = parseProviderJson(values.body);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    throw new UsageError('--body must be a JSON object');
  }

  const client = new KazepayClient(kazepayClientOptionsFromEnv(loadKazepayEnv(env)));
  const context = { provider: 'kazepay' as const, operation: apiCode };
  const known = operationForApiCode(apiCode);
  const name = known === 'setUcardKyc' && values['base64-kyc'] ? 'setUcardKycBase64' : known;
  let file: { fileName: string; content: Uint8Array } | undefined;
  if (values.file) file = { fileName: basename(values.file), content: readFileSync(values.file) };

  try {
    let request = body;
    let effect: 'read' | 'idempotent' | 'state-change' = 'state-change';
    if (name) {
      // Known operations are checked like any client call: bad input never leaves.
      const spec = KAZEPAY_OPERATIONS[name];
      const input = spec.multipart ? { ...body, file } : body;
      const checked = (spec.request as z.ZodType).safeParse(input);
      if (!checked.success) throw validationError(checked.error, input, context);
      request = checked.data as Record<string, unknown>;
      if (spec.multipart) delete request.file;
      effect = spec.effect;
    } else {
      io.err(`warning: ${apiCode} is not a documented U-Card operation; sending it unchecked`);
    }
    const result = await client.exchange(apiCode, request, effect, file);
    const shown = values.reveal ? result.business : redactSensitive(result.business);
    io.out(
      JSON.stringify(
        {
          head: {
            apiCode: result.head.apiCode,
            requestNo: result.requestNo,
            code: result.head.code,
            detail: result.head.detail,
          },
          body: shown,
        },
        null,
        2,
      ),
    );
    if (!values.reveal) io.err('(sensitive fields masked; --reveal shows them)');
    return 0;
  } catch (error) {
    return reportProviderError(io, error);
  }
}

export const kazepayProviderCommand: CliCommand = {
  summary: 'one signed KazePay U-Card call',
  usage: USAGE,
  run: (args, io) => runKazepayProviderCommand(args, io),
};
