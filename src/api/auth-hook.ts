import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { SwitchboardError } from '../core/errors.js';
import { can, type Authenticator, type Permission, type Principal, type Role } from '../services/auth.js';

/** What a route requires: a permission of src/services/auth.ts, or `public` (health, API docs). */
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

/** Failed authentications one IP may make in one window before it is refused outright. */
export const AUTH_FAILURES_MAX = 20;
/** Length of one rate-limit window; a blocked IP may try again when it ends. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/** Tracked IPs above which a failure first forgets expired windows, so a spray of addresses cannot grow the map between sweeps. */
export const AUTH_LIMITER_IPS_SWEEP_AT = 10_000;

/** The subject written to the event log for requests without a token. */
export const ANONYMOUS_SUBJECT = 'anonymous';

/**
 * Counts failed authentications per IP in a fixed window, so a token cannot be guessed
 * by brute force. In memory, per process: enough to make guessing impractical; a
 * shared limit across nodes would need the store.
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly max = AUTH_FAILURES_MAX,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
  ) {}

  /** Seconds until the IP may try again, or 0 when it is not blocked. */
  blockedFor(ip: string): number {
    const w = this.#windows.get(ip);
    const now = this.clock.now();
    if (w === undefined || w.resetAt <= now || w.count < this.max) return 0;
    return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  }

  recordFailure(ip: string): void {
    if (this.#windows.size >= AUTH_LIMITER_IPS_SWEEP_AT) this.sweep();
    const now = this.clock.now();
    const w = this.#windows.get(ip);
    if (w === undefined || w.resetAt <= now) this.#windows.set(ip, { count: 1, resetAt: now + this.windowMs });
    else w.count += 1;
  }

  /** Forgets expired windows so the map cannot grow without bound. */
  sweep(): void {
    const now = this.clock.now();
    for (const [ip, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(ip);
  }
}

/** What the auth hook needs; the clock makes rate-limit windows testable. */
export interface AuthHookOptions {
  authenticator: Authenticator;
  anonymousRole: Role | 'none';
  clock: Clock;
}

/**
 * Installs authentication and authorisation: every request to a route that declares a
 * permission is turned into a principal (bearer token, or the anonymous role) and
 * checked with `can(role, permission)` before its body is even read.
 */
export function installAuth(app: FastifyInstance, options: AuthHookOptions): void {
  const limiter = new AuthFailureLimiter(options.clock);
  const sweeper = setInterval(() => limiter.sweep(), AUTH_FAILURE_WINDOW_MS);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

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
    const principal = await authenticate(request, options, limiter);
    if (!can(principal.role, permission)) {
      if (principal.subject === ANONYMOUS_SUBJECT) throw unauthenticated('Authentication required: send Authorization: Bearer <token>');
      throw new SwitchboardError('FORBIDDEN', `Role ${principal.role} may not do this (needs ${permission})`, {
        permission,
        role: principal.role,
      });
    }
    request.principal = principal;
  });
}

async function authenticate(request: FastifyRequest, options: AuthHookOptions, limiter: AuthFailureLimiter): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    if (options.anonymousRole === 'none') throw unauthenticated('Authentication required: send Authorization: Bearer <token>');
    return { subject: ANONYMOUS_SUBJECT, role: options.anonymousRole, agentId: null };
  }
  const blocked = limiter.blockedFor(request.ip);
  if (blocked > 0) {
    throw new SwitchboardError('RATE_LIMITED', 'Too many failed authentications; try again later', { retryAfterSeconds: blocked });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const principal = match?.[1] !== undefined ? await options.authenticator.authenticate(match[1]) : null;
  if (principal === null) {
    limiter.recordFailure(request.ip);
    throw unauthenticated(match ? 'Invalid or revoked token' : 'Malformed Authorization header: expected "Bearer <token>"');
  }
  return principal;
}

function unauthenticated(message: string): SwitchboardError {
  return new SwitchboardError('UNAUTHENTICATED', message);
}

/** The principal of a request that passed the auth hook; routes call it to get the actor. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new SwitchboardError('INTERNAL', 'Route reached without authentication');
  return request.principal;
}

/** An `agent` principal may only act as its own agent id (heartbeat, claim). */
export function requireSelf(principal: Principal, agentId: string): void {
  if (principal.role === 'agent' && principal.agentId !== agentId) {
    throw new SwitchboardError('FORBIDDEN', `Token is bound to agent ${String(principal.agentId)} and may not act as ${agentId}`, {
      agentId,
    });
  }
}
