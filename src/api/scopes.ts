// What each route needs of a credential, checked in one place (the onRequest hook of http-app.ts)
// from the scope the route table declares.
import type { ApiCredential, ApiScope } from '../security/api-credentials';

/** A scope, or any accepted credential (the OpenAPI document). */
export type RouteScope = ApiScope | 'any';

/** The 403 body of a credential outside its scopes: the missing scope is named. */
export function missingScope(credential: ApiCredential, scope: RouteScope | undefined): ApiScope | undefined {
  if (!scope || scope === 'any') return undefined;
  return credential.scopes.includes(scope) ? undefined : scope;
}

export const forbiddenBody = (scope: ApiScope) => ({
  error: 'forbidden',
  message: `this credential lacks the scope ${scope}`,
  scope,
});
