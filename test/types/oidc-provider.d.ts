// oidc-provider ships no type declarations (test/helpers/oidc-issuer.ts uses it): the little used.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string, done: () => void): Server;
  }
}
