import type { Caller } from '../core/access.js';

// Role and ROLES were first exported here; importers of this module keep working.
export { ROLES, type Role } from '../core/access.js';

/** A caller as a transport proved it: the rules of core/access.ts see its role and agent binding. */
export interface Principal extends Caller {
  /** Written to the event log as the actor: `token:<id>`, `agent:<id>` or `anonymous`. */
  subject: string;
  /** The API token it was proven with (null for anonymous): revoking that token cuts what it opened, such as sockets. */
  tokenId: string | null;
}

/**
 * Turns a bearer token into a principal. Null means "no such token"; a request with
 * no token at all is given the configured anonymous role by the API, not here.
 */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
}
