import { can, type Permission, type Role } from '../../src/core/access.js';

/**
 * The one expectation the REST, Socket.io and MCP role matrices share: what a caller must be
 * answered for an operation, read off `can()` in src/core/access.ts, so the three cannot
 * drift from the table or from each other.
 */
export interface MatrixCaller {
  /** The role the credential proves; null when it proves none (no token with anonymous off, malformed, unknown, revoked). */
  role: Role | null;
  /** Came without a token: a missing permission then asks for one (401) instead of refusing (403). */
  anonymous: boolean;
}

export type Expected = 'allowed' | 'UNAUTHENTICATED' | 'FORBIDDEN';

export function expectedFor(caller: MatrixCaller, permission: Permission | 'public'): Expected {
  if (permission === 'public') return 'allowed';
  if (caller.role === null) return 'UNAUTHENTICATED';
  if (can(caller.role, permission)) return 'allowed';
  return caller.anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

/** The HTTP status REST answers each refusal with. */
export const STATUS_OF: Record<Exclude<Expected, 'allowed'>, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };
