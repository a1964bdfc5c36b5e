import type { Role } from '../core/access.js';

export { ROLES, type Role } from '../core/access.js';

export interface Principal {
  /** Written to the event log as the actor: `token:<id>`, `agent:<id>` or `anonymous`. */
  subject: string;
  role: Role;
  /** Set for the `agent` role: the only agent this principal may act as. */
  agentId: string | null;
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

/** What each role may do; the API checks one of these per route. */
export type Permission = 'read' | 'tasks:write' | 'agents:write' | 'agents:admin' | 'agent:report' | 'admin';

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set<Permission>(['read', 'tasks:write', 'agents:write', 'agents:admin', 'agent:report', 'admin']),
  operator: new Set<Permission>(['read', 'tasks:write', 'agents:write', 'agent:report']),
  viewer: new Set<Permission>(['read']),
  agent: new Set<Permission>(['read', 'agent:report']),
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}
