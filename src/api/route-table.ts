// The API's route table: each route is declared once, for Fastify and for the OpenAPI document,
// with the scope it needs and, when it changes state, the action the audit trail records.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRoute } from './openapi';

export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export class RouteTable {
  /** In registration order: the OpenAPI document and the auth tests read them in this order. */
  readonly routes: ApiRoute[] = [];

  /** Registers the route on `scope` (a plugin scope may have its own body parsers) and lists it. */
  define(scope: FastifyInstance, route: ApiRoute, handler: RouteHandler): void {
    if (!route.public && !route.scope) throw new Error(`${route.method} ${route.path} declares no scope`);
    this.routes.push(route);
    scope.route({
      method: route.method,
      url: route.path,
      config: {
        public: route.public ?? false,
        ...(route.scope ? { scope: route.scope } : {}),
        ...(route.action ? { action: route.action } : {}),
        ...(route.actor ? { actor: route.actor } : {}),
      },
      handler,
    });
  }
}
