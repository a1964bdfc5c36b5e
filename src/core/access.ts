import type { AgentStatus } from './agent.js';
import { ForbiddenError } from './errors.js';
import type { Reporter } from './state-machine.js';

/**
 * Who may do what to which task, decided once here, below every transport: REST routes,
 * the Socket.io handshake and the MCP tools (which call REST) ask these functions and
 * nothing else, so a rule changed here holds on every door. Pure, and loadable by the
 * dashboard (it re-exports {@link ROLES}).
 *
 * Roles (DESIGN §8): `admin` everything; `operator` tasks, assignment and agents;
 * `viewer` read only; `agent` bound to one agent id, may claim, heartbeat and report
 * only on its own tasks.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** What a route or a stream requires; each HTTP route declares one (OpenAPI `x-permission`). */
export const PERMISSIONS = ['read', 'tasks:write', 'agents:write', 'agents:admin', 'agent:report', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role holds: the table README.md (Security) and DESIGN §8 describe. */
export const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['read', 'tasks:write', 'agents:write', 'agents:admin', 'agent:report', 'admin'],
  operator: ['read', 'tasks:write', 'agents:write', 'agent:report'],
  viewer: ['read'],
  agent: ['read', 'agent:report'],
};

/** Reading the live streams (domain events, task:log) needs what reading the REST lists needs. */
export const STREAM_PERMISSION: Permission = 'read';

/** What the rules need to know of a caller, whichever transport proved it. */
export interface Caller {
  readonly role: Role;
  /** Set for the `agent` role: the only agent this caller may act as. */
  readonly agentId: string | null;
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Throws FORBIDDEN unless the caller's role holds `permission`. */
export function assertCan(caller: Caller, permission: Permission): void {
  if (!can(caller.role, permission)) throw new ForbiddenError({ role: caller.role, permission });
}

/** An `agent` caller may act only as its own agent id (heartbeat, claim, status); other roles as any. */
export function assertActsAs(caller: Caller, agentId: string): void {
  if (caller.role === 'agent' && caller.agentId !== agentId) throw new ForbiddenError({ boundTo: caller.agentId, actingAs: agentId });
}

/**
 * Setting an agent's availability: an `agent` caller only its own, and never OFFLINE, which
 * means "gone until its first heartbeat" and is for operators and the heartbeat timer to say.
 */
export function assertMaySetStatus(caller: Caller, agentId: string, status: AgentStatus): void {
  assertActsAs(caller, agentId);
  if (caller.role === 'agent' && status === 'OFFLINE')
    throw new ForbiddenError({ role: caller.role, permission: 'agents:write (an agent may not set itself OFFLINE)' });
}

/**
 * Who reports on a task. An `agent` caller reports as its agent, so the state machine
 * refuses reports on tasks it does not hold; anyone may add the lease's fencing token so a
 * superseded holder's late report is refused.
 */
export function reporterFor(caller: Caller, leaseToken: number | undefined): Reporter {
  const reporter: Reporter = {};
  if (caller.role === 'agent' && caller.agentId !== null) reporter.agentId = caller.agentId;
  if (leaseToken !== undefined) reporter.leaseToken = leaseToken;
  return reporter;
}

/** An API token as stored: only the SHA-256 of the secret is kept. */
export interface ApiToken {
  id: string;
  label: string;
  role: Role;
  /** Set for the `agent` role: the one agent this token may act as. */
  agentId: string | null;
  secretHash: string;
  createdAt: number;
  revokedAt: number | null;
}
