// The codec server's check of the Web UI's single sign-on: with `TEMPORAL_CODEC_PASS_ACCESS_TOKEN`
// the UI sends the signed-in operator's OIDC access token as `Authorization: Bearer <jwt>`. This
// verifies that JWT against the issuer's published keys (JWKS): signature (asymmetric algorithms
// only), issuer, audience, expiry, and optionally scopes and groups.
//
// Nothing of the token (not its subject, which may be an email) is logged or returned; a refusal
// says which check failed (jose's error code), for the operator's log.
import type { JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

/** What `authorize` answers: granted, refused (401), or a valid token without the rights (403). */
export type CodecAuthorization = boolean | 'forbidden';

export interface OidcAccessTokenOptions {
  /** The issuer exactly as in its tokens' `iss`, e.g. `https://login.example.com/realms/ops`. */
  issuer: string;
  /** Accepted `aud` values (one must match): the API identifier the IdP puts in access tokens. */
  audience: readonly string[];
  /** The issuer's JWKS; default: `jwks_uri` from `<issuer>/.well-known/openid-configuration`. */
  jwksUrl?: string;
  /** Every one of these scopes must be in the token's `scope` (or `scp`). */
  requiredScopes?: readonly string[];
  /** At least one of these groups must be in the token's groups claim. */
  requiredGroups?: readonly string[];
  /** The claim holding groups (default `groups`). */
  groupsClaim?: string;
  /** Allowed clock skew for `exp` and `nbf` in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** Told why a token was refused (never the token). */
  onRefused?: (reason: string) => void;
}

// Access tokens from an IdP are signed with its private key; a shared-secret (HS*) or unsigned
// token would let anyone who knows the secret, or nobody at all, mint one.
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const DISCOVERY_TIMEOUT_MS = 5_000;

/** Reads `jwks_uri` from the issuer's discovery document. */
export async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`OIDC discovery at ${url} answered HTTP ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer)
    throw new Error(`OIDC discovery at ${url} names issuer ${String(document.issuer)}, not ${issuer}`);
  if (typeof document.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
  return document.jwks_uri;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === 'string') return new Set(scope.split(' ').filter(Boolean));
  if (Array.isArray(scope)) return new Set(scope.filter((s): s is string => typeof s === 'string'));
  return new Set();
}

function groupsOf(payload: JWTPayload, claim: string): Set<string> {
  const groups = payload[claim];
  if (Array.isArray(groups)) return new Set(groups.filter((g): g is string => typeof g === 'string'));
  if (typeof groups === 'string') return new Set([groups]);
  return new Set();
}

/**
 * An `authorize` function for the codec server that accepts OIDC access tokens (JWTs) of one
 * issuer and audience. The JWKS is fetched on first use and cached (refetched when a token names
 * an unknown key, so the IdP can rotate keys).
 */
export function oidcAccessTokenAuthorizer(
  options: OidcAccessTokenOptions,
): (authorization: string | undefined) => Promise<CodecAuthorization> {
  if (options.audience.length === 0) throw new Error('an OIDC audience is required');
  const refused = options.onRefused ?? (() => undefined);
  const jose = import('jose');
  let keySet: Promise<ReturnType<Awaited<typeof jose>['createRemoteJWKSet']>> | undefined;
  const keys = () => {
    keySet ??= (async () => {
      const { createRemoteJWKSet } = await jose;
      const url = options.jwksUrl ?? (await discoverJwksUrl(options.issuer));
      return createRemoteJWKSet(new URL(url));
    })();
    // A failed discovery is tried again on the next request, not cached.
    keySet.catch(() => (keySet = undefined));
    return keySet;
  };
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(
      authorization?.trim() ?? '',
    );
    if (!match) {
      refused(authorization === undefined ? 'no bearer token' : 'not a JWT bearer token');
      return false;
    }
    let keySet: Awaited<ReturnType<typeof keys>>;
    try {
      keySet = await keys();
    } catch (error) {
      // The issuer's discovery document could not be read (down, or misconfigured).
      refused(`issuer keys unavailable: ${(error as Error).message}`);
      return false;
    }
    let payload: JWTPayload;
    try {
      const { jwtVerify } = await jose;
      ({ payload } = await jwtVerify(match[1] as string, keySet, {
        issuer: options.issuer,
        audience: [...options.audience],
        algorithms: ASYMMETRIC_ALGORITHMS,
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      const { code, claim } = error as { code?: string; claim?: string };
      refused(
        code ? `${code}${claim ? ` (${claim})` : ''}` : `verification failed: ${(error as Error).name}`,
      );
      return false;
    }
    const scopes = scopesOf(payload);
    const missing = (options.requiredScopes ?? []).filter((s) => !scopes.has(s));
    if (missing.length > 0) {
      refused(`missing scope ${missing.join(' ')}`);
      return 'forbidden';
    }
    if (options.requiredGroups && options.requiredGroups.length > 0) {
      const groups = groupsOf(payload, options.groupsClaim ?? 'groups');
      if (!options.requiredGroups.some((g) => groups.has(g))) {
        refused('in none of the required groups');
        return 'forbidden';
      }
    }
    return true;
  };
}
