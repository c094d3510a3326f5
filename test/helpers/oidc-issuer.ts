// A real OpenID Connect issuer on loopback for sign-on tests: oidc-provider (the certified
// Node.js implementation) with its development login and consent pages (any user name and
// password sign in), one confidential client, and JWT access tokens for one resource server
// (the codec server's audience and scope), signed with a fresh RSA key.
import type { Server } from 'node:http';
import { freePort } from '../../tools/dev/ports';

export interface OidcIssuerOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
  /** `aud` of the access tokens, and the resource the client gets them for (an absolute URI). */
  audience: string;
  /** Scopes of that resource, granted on consent. */
  resourceScopes: readonly string[];
  /** Default 127.0.0.1; port 0 (a free one) unless given. */
  host?: string;
  port?: number;
}

export interface RunningOidcIssuer {
  /** The issuer (`iss`), also its discovery base URL. */
  url: string;
  close(): Promise<void>;
}

export async function startOidcIssuer(options: OidcIssuerOptions): Promise<RunningOidcIssuer> {
  const host = options.host ?? '127.0.0.1';
  const { generateKeyPair, exportJWK } = await import('jose');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-issuer-key', alg: 'RS256', use: 'sig' };
  // The issuer URL names its port, so the port is reserved first.
  const port = options.port ?? (await freePort(host));
  const url = `http://${host}:${port}`;
  const { default: Provider } = await import('oidc-provider');
  const resourceServer = {
    scope: options.resourceScopes.join(' '),
    audience: options.audience,
    accessTokenFormat: 'jwt',
    accessTokenTTL: 600,
    jwt: { sign: { alg: 'RS256' } },
  };
  const provider = new Provider(url, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')] },
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    async findAccount(_ctx: unknown, sub: string) {
      return {
        accountId: sub,
        claims: async () => ({ sub, name: `Operator ${sub}`, email: `${sub}@operators.test` }),
      };
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The UI asks for no resource: every token is for the codec server's audience.
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== options.audience) throw new Error(`unknown resource ${resource}`);
          return resourceServer;
        },
      },
    },
  });
  const server = await new Promise<Server>((done) => {
    const listening: Server = provider.listen(port, host, () => done(listening));
  });
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
