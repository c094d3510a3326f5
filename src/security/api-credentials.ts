// API credentials: a name, the scopes it may use and the SHA-256 of its bearer token. Only the hash
// is configured or stored; the token is shown once, when `cardflow api credentials new` makes it.
//
// A plain SHA-256 is enough here: a slow hash (bcrypt, scrypt, argon2) protects low-entropy
// passwords from guessing, but a token is 32 random bytes (256 bits), so a stolen hash leaves
// 2^256 candidates to try, however fast each try is. A fast hash also keeps every request cheap.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a credential may do; each route of the API needs one of these (docs/api.md). */
export const API_SCOPES = [
  'flows:read',
  'flows:write',
  'money:move',
  'outcomes:resolve',
  'providers:read',
  'audit:read',
  'metrics:read',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const MIN_TOKEN_LENGTH = 32;

export interface ApiCredential {
  name: string;
  scopes: readonly ApiScope[];
  /** Hex SHA-256 of the token. */
  sha256: string;
}

export const credentialNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');

const credentialSchema = z.strictObject({
  name: credentialNameSchema,
  scopes: z.array(z.enum(API_SCOPES)).min(1, 'expected at least one scope'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected the hex SHA-256 of the token'),
});

export const tokenSha256 = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Credentials from JSON lines (`{"name","scopes","sha256"}` each; blank lines and `#` comments
 * skipped). Throws an Error naming the line and the rule, never a value.
 */
export function parseCredentialLines(text: string): ApiCredential[] {
  const out: ApiCredential[] = [];
  const names = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${index + 1}: not JSON`);
    }
    const parsed = credentialSchema.safeParse(value);
    if (!parsed.success)
      throw new Error(
        `line ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'} ${i.message}`).join('; ')}`,
      );
    if (names.has(parsed.data.name))
      throw new Error(`line ${index + 1}: the name ${parsed.data.name} is used twice`);
    names.add(parsed.data.name);
    out.push({ ...parsed.data, scopes: [...new Set(parsed.data.scopes)] });
  });
  return out;
}

/** Every scope, for the legacy `CARDFLOW_API_TOKENS` and the dev stack's credential. */
export function allScopesCredential(name: string, token: string): ApiCredential {
  return { name, scopes: [...API_SCOPES], sha256: tokenSha256(token) };
}

/** A new credential: the token (shown once) and the line to configure (hash only). */
export function newCredential(name: string, scopes: readonly ApiScope[]): { token: string; line: string } {
  const token = `cf_${randomBytes(32).toString('base64url')}`;
  const credential: ApiCredential = { name, scopes: [...new Set(scopes)], sha256: tokenSha256(token) };
  return { token, line: JSON.stringify(credential) };
}

/**
 * The credential an `Authorization: Bearer <token>` header carries, or undefined. The token's hash
 * is compared with every configured hash in constant time, so timing tells nothing of them.
 */
export function credentialAuthenticator(
  credentials: readonly ApiCredential[],
): (authorization: string | undefined) => ApiCredential | undefined {
  const expected = credentials.map((c) => ({ credential: c, digest: Buffer.from(c.sha256, 'hex') }));
  return (authorization) => {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
    if (!match) return undefined;
    const candidate = createHash('sha256')
      .update(match[1] as string, 'utf8')
      .digest();
    let found: ApiCredential | undefined;
    for (const { credential, digest } of expected)
      if (timingSafeEqual(candidate, digest) && !found) found = credential;
    return found;
  };
}
