import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ApiToken, Role } from '../core/access.js';
import type { Clock } from '../core/clock.js';
import { NotFoundError } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import type { Authenticator, Principal } from './auth.js';
import type { TokenRevocations } from './token-revocations.js';

/** Secrets start with this prefix so a leaked one is easy to spot in logs and scanners. */
export const TOKEN_PREFIX = 'sbt_';
const SECRET_BYTES = 32;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new token's secret, shown once; only its hash is stored. */
export interface IssuedToken {
  token: ApiToken;
  secret: string;
}

/** Issues, lists and revokes API tokens; secrets are random and stored as SHA-256 hashes. */
export class TokenService implements Authenticator {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Hears each committed revocation, so open sockets of the token are cut (omitted: nobody listens). */
    private readonly revocations?: TokenRevocations,
  ) {}

  /**
   * Mints a token. An `agent` token must name a registered agent (AGENT_NOT_FOUND
   * otherwise): a token bound to no agent could never report, and would silently start
   * acting as whichever agent later registers under that id (a typo would become a
   * dormant credential).
   */
  async issue(params: { label: string; role: Role; agentId?: string | null }): Promise<IssuedToken> {
    const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const token: ApiToken = {
      id: randomUUID(),
      label: params.label,
      role: params.role,
      agentId: params.role === 'agent' ? (params.agentId ?? null) : null,
      secretHash: hashSecret(secret),
      createdAt: this.clock.now(),
      revokedAt: null,
    };
    await this.store.transaction(async (tx) => {
      if (token.agentId !== null && (await tx.agents.get({ id: token.agentId })) === null) throw new NotFoundError('agent', token.agentId);
      await tx.tokens.insert(token);
    });
    return { token, secret };
  }

  /**
   * First start: when no admin token exists, issues one and returns its secret so
   * main.ts can print it once. Later starts return null (the secret is not recoverable).
   */
  async bootstrapAdmin(): Promise<IssuedToken | null> {
    const tokens = await this.store.tokens.list();
    if (tokens.some((t) => t.role === 'admin' && t.revokedAt === null)) return null;
    return this.issue({ label: 'bootstrap admin', role: 'admin' });
  }

  list(): Promise<ApiToken[]> {
    return this.store.tokens.list();
  }

  /** Revokes the token; once committed, announces it so every node cuts the token's open sockets. */
  async revoke(id: string): Promise<boolean> {
    const revoked = await this.store.transaction((tx) => tx.tokens.revoke({ id, now: this.clock.now() }));
    if (revoked) this.revocations?.announce(id, 'local');
    return revoked;
  }

  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const token = await this.store.tokens.findByHash({ secretHash: hash });
    // The lookup is by hash already; the constant-time compare guards against a store that matches loosely.
    if (token === null || token.revokedAt !== null || !timingSafeEqual(Buffer.from(token.secretHash), Buffer.from(hash))) return null;
    return {
      subject: token.role === 'agent' && token.agentId !== null ? `agent:${token.agentId}` : `token:${token.id}`,
      role: token.role,
      agentId: token.agentId,
      tokenId: token.id,
    };
  }
}

/** The authenticator main.ts wires into the API and the realtime gateway. */
export function createTokenAuthenticator(store: Store, clock: Clock, revocations?: TokenRevocations): TokenService {
  return new TokenService(store, clock, revocations);
}
