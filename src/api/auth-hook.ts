import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../core/access.js';
import { InternalError } from '../core/errors.js';
import type { Principal } from '../services/auth.js';
import { bearerCredential, type AuthenticationService } from '../services/authentication.js';

/** What a route requires: a permission of src/core/access.ts, or `public` (health, API docs). */
export type RoutePermission = Permission | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every /api route declares this; buildApp refuses to start otherwise. */
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every route that is not public. */
    principal: Principal | null;
  }
}

const HOW_TO = 'send Authorization: Bearer <token>';

/**
 * Installs authentication and authorisation: every request to a route that declares a
 * permission is turned into a principal (bearer token, or the anonymous role) and
 * checked against core/access.ts before its body is even read. The principal
 * comes from the shared {@link AuthenticationService}, keyed by `request.ip` (which
 * follows `SWITCHBOARD_TRUST_PROXY` through Fastify's `trustProxy`).
 */
export function installAuth(app: FastifyInstance, authentication: AuthenticationService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const url = route.url;
    const isApi = url === '/api' || url.startsWith('/api/');
    const isDocs = url === '/api/docs' || url.startsWith('/api/docs/');
    if (isApi && !isDocs && route.config?.permission === undefined) {
      throw new Error(`Route ${String(route.method)} ${url} declares no permission`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    request.principal = await authentication.authorize(bearerCredential(request.headers.authorization), request.ip, HOW_TO, permission);
  });
}

/** The principal of a request that passed the auth hook; routes call it to get the actor. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new InternalError('Route reached without authentication');
  return request.principal;
}
