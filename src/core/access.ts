/**
 * Roles (DESIGN §8): `admin` everything; `operator` tasks, assignment and agents;
 * `viewer` read only; `agent` bound to one agent id, may claim, heartbeat and report
 * only on its own tasks.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export type Role = (typeof ROLES)[number];

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
