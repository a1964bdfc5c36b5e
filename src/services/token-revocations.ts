import type { Logger } from './event-bus.js';

/** Where a revocation was decided: on this node, or on another one and relayed here. */
export type RevocationOrigin = 'local' | 'remote';

export type RevocationListener = (tokenId: string, origin: RevocationOrigin) => void;

/**
 * The `token.revoked` signal: TokenService announces a revocation once it has committed,
 * the realtime gateway disconnects that token's sockets, and the cluster relay carries
 * local announcements to the other nodes (which announce them as `remote`, so they are
 * not relayed back). Not a domain event: it changes no task or agent, and a socket must
 * be cut even when the event log is what the revoked token was reading.
 */
export class TokenRevocations {
  readonly #listeners = new Set<RevocationListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener; one that throws is logged and keeps neither the others nor the revoking request from going on. */
  announce(tokenId: string, origin: RevocationOrigin): void {
    for (const listener of this.#listeners) {
      try {
        listener(tokenId, origin);
      } catch (err) {
        this.logger.error({ err, tokenId }, 'token revocation listener failed');
      }
    }
  }
}
