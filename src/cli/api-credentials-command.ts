// `cardflow api credentials new --name <name> --scopes <scope,...> [--file <path>]`: makes a
// credential. The token is printed once, here, and stored nowhere; what is configured (printed, or
// appended to --file for CARDFLOW_API_CREDENTIALS_FILE) is the line with its SHA-256 only.
import { appendFileSync } from 'node:fs';
import { API_SCOPES, type ApiScope, credentialNameSchema, newCredential } from '../security/api-credentials';
import type { CliCommand } from './command';

const USAGE = 'cardflow api credentials new --name <name> --scopes <scope,...> [--file <path>]';

function parseArgs(args: string[]): { name: string; scopes: ApiScope[]; file?: string } | string {
  if (args[0] !== 'new') return `expected "new"`;
  const values: Record<string, string> = {};
  for (let i = 1; i < args.length; i += 2) {
    const key = args[i] ?? '';
    const value = args[i + 1];
    if (!['--name', '--scopes', '--file'].includes(key)) return `unknown option ${key}`;
    if (value === undefined || value.startsWith('--')) return `${key} needs a value`;
    values[key] = value;
  }
  const name = credentialNameSchema.safeParse(values['--name']);
  if (!name.success) return `--name: ${name.error.issues[0]?.message ?? 'required'}`;
  const scopes = (values['--scopes'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) return `--scopes: expected one or more of ${API_SCOPES.join(', ')}`;
  const unknown = scopes.find((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (unknown !== undefined) return `--scopes: unknown scope ${unknown} (known: ${API_SCOPES.join(', ')})`;
  return {
    name: name.data,
    scopes: scopes as ApiScope[],
    ...(values['--file'] ? { file: values['--file'] } : {}),
  };
}

export const apiCredentialsCommand: CliCommand = {
  summary: 'make a named API credential with scopes (the token is shown once)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.err(`cardflow api credentials: ${parsed}\nusage: ${USAGE}`);
      return 2;
    }
    const { token, line } = newCredential(parsed.name, parsed.scopes);
    io.out(`token (shown once; give it to the caller, store it nowhere else): ${token}`);
    if (parsed.file) {
      appendFileSync(parsed.file, `${line}\n`, { mode: 0o600 });
      io.out(`credential ${parsed.name} appended to ${parsed.file} (its hash only)`);
    } else io.out(`add this line to CARDFLOW_API_CREDENTIALS (or its _FILE):\n${line}`);
    return 0;
  },
};
