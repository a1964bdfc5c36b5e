/**
 * Roles (DESIGN §8): `admin` everything; `operator` tasks, assignment and agents;
 * `viewer` read only; `agent` bound to one agent id, may claim, heartbeat and report
 * only on its own tasks.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Written to the event log as the actor: `token:<id>`, `agent:<id>` or `anonymous`. */
  subject: string;
  role: Role;
  /** Set for the `agent` role: the only agent this principal may act as. */
  agentId: string | null;
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
