import { assertCan, can, type Permission, type Role } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import { RateLimitedError, UnauthenticatedError } from '../core/errors.js';
import type { Authenticator, Principal } from './auth.js';

/** Failed authentications one address may make in one window before its further failures are refused outright. */
export const AUTH_FAILURES_MAX = 20;
/** Length of one rate-limit window; a blocked address is forgiven when it ends. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Tracked addresses above which a failure first forgets expired windows, so a spray of addresses cannot grow the map between sweeps. */
export const AUTH_LIMITER_IPS_SWEEP_AT = 10_000;

/** The subject written to the event log for requests without a token. */
export const ANONYMOUS_SUBJECT = 'anonymous';

/**
 * Counts failed authentications per address in a fixed window. In memory, per node
 * (README, Security): a cluster of N nodes lets an address fail N times as often, which
 * is still no help against 256-bit secrets and keeps the store off the failure path.
 */
export class AuthFailureLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  #nextSweepAt = 0;

  constructor(
    private readonly clock: Clock,
    private readonly max = AUTH_FAILURES_MAX,
    private readonly windowMs = AUTH_FAILURE_WINDOW_MS,
  ) {}

  /** Seconds until the address's failures are forgiven, or 0 when it is not blocked. */
  blockedFor(address: string): number {
    const w = this.#windows.get(address);
    const now = this.clock.now();
    if (w === undefined || w.resetAt <= now || w.count < this.max) return 0;
    return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  }

  recordFailure(address: string): void {
    const now = this.clock.now();
    // Sweeping here, at most once per window, bounds the map without a timer to own and stop.
    if (this.#windows.size >= AUTH_LIMITER_IPS_SWEEP_AT || now >= this.#nextSweepAt) this.sweep();
    const w = this.#windows.get(address);
    if (w === undefined || w.resetAt <= now) this.#windows.set(address, { count: 1, resetAt: now + this.windowMs });
    else w.count += 1;
  }

  /** Forgets expired windows so the map cannot grow without bound. */
  sweep(): void {
    const now = this.clock.now();
    this.#nextSweepAt = now + this.windowMs;
    for (const [address, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(address);
  }
}

/** What a transport found in a request or handshake. */
export type Credential = { kind: 'none' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** The credential an `Authorization` header carries (HTTP, and Node clients' handshakes); anything but `Bearer <token>` is malformed. */
export function bearerCredential(header: string | undefined): Credential {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] !== undefined ? { kind: 'token', token: match[1] } : { kind: 'malformed' };
}

/** What {@link AuthenticationService} is built from; main.ts builds one and every transport shares it. */
export interface AuthenticationOptions {
  authenticator: Authenticator;
  /** Role of a caller without a token; `none` refuses them. */
  anonymousRole: Role | 'none';
  clock: Clock;
}

/**
 * Turns a transport's credential into a principal, for HTTP, Socket.io and (later) MCP
 * alike, with one failure limiter between them, so failures count the same whichever
 * door they knock on. A valid token is never refused by the limiter: the token is
 * checked first (a hash and one indexed read) and only a *failed* attempt from a
 * blocked address is answered RATE_LIMITED. Guessing stays hopeless (256-bit secrets);
 * what the limiter stops is one address hammering the store and the logs, and behind a
 * shared proxy that address no longer locks out everyone else's valid tokens.
 */
export class AuthenticationService {
  readonly limiter: AuthFailureLimiter;

  constructor(private readonly options: AuthenticationOptions) {
    this.limiter = new AuthFailureLimiter(options.clock);
  }

  /**
   * The principal for `credential` presented from `address`. Throws UNAUTHENTICATED
   * (no credential where one is required, malformed, unknown or revoked), or
   * RATE_LIMITED with `retryAfterSeconds` for a failure from a blocked address.
   * `howTo` tells a caller without a token how this transport expects one.
   */
  async resolve(credential: Credential, address: string, howTo: string): Promise<Principal> {
    if (credential.kind === 'none') {
      if (this.options.anonymousRole === 'none') throw new UnauthenticatedError('missing', howTo);
      return { subject: ANONYMOUS_SUBJECT, role: this.options.anonymousRole, agentId: null, tokenId: null };
    }
    const principal = credential.kind === 'token' ? await this.options.authenticator.authenticate(credential.token) : null;
    if (principal !== null) return principal;
    const blocked = this.limiter.blockedFor(address);
    if (blocked > 0) {
      throw new RateLimitedError(blocked);
    }
    this.limiter.recordFailure(address);
    throw new UnauthenticatedError(credential.kind === 'malformed' ? 'malformed' : 'invalid');
  }

  /**
   * {@link resolve}, then `permission` by core/access.ts: a caller without a token whose
   * anonymous role lacks it is asked for one (UNAUTHENTICATED), anyone else is FORBIDDEN.
   * Every transport's door (HTTP routes, Socket.io handshakes) asks this one question.
   */
  async authorize(credential: Credential, address: string, howTo: string, permission: Permission): Promise<Principal> {
    const principal = await this.resolve(credential, address, howTo);
    if (credential.kind === 'none' && !can(principal.role, permission)) throw new UnauthenticatedError('missing', howTo);
    assertCan(principal, permission);
    return principal;
  }
}
