/**
 * Coded errors of the domain. Every failure a caller can act on has a code from
 * the closed {@link ErrorCode} union; the API maps codes to HTTP statuses in one
 * exhaustive table, and docs/errors.md lists every code (a test keeps them in sync).
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'ROUTE_NOT_FOUND',
  'TASK_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'DEPENDENCY_NOT_FOUND',
  'DEPENDENCY_CYCLE',
  'TASK_INVALID_TRANSITION',
  'AGENT_INVALID_TRANSITION',
  'VERSION_CONFLICT',
  'ALREADY_EXISTS',
  'NO_AVAILABLE_AGENT',
  'AGENT_NOT_ELIGIBLE',
  'STALE_LEASE',
  'IDEMPOTENCY_KEY_REUSED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of every error Switchboard throws on purpose: a code, a human message, optional details. */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SwitchboardError';
    this.code = code;
    this.details = details;
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(kind: 'task' | 'agent', id: string) {
    super(kind === 'task' ? 'TASK_NOT_FOUND' : 'AGENT_NOT_FOUND', `${kind === 'task' ? 'Task' : 'Agent'} not found: ${id}`, {
      [kind === 'task' ? 'taskId' : 'agentId']: id,
    });
  }
}

export class InvalidTransitionError extends SwitchboardError {
  constructor(taskId: string, from: string, action: string, why?: string) {
    super('TASK_INVALID_TRANSITION', `Cannot ${action} task ${taskId} while it is ${from}${why ? `: ${why}` : ''}`, {
      taskId,
      status: from,
      action,
    });
  }
}

/**
 * A report from someone who does not hold the task: an agent that never held it or was
 * superseded, or a fencing token from an earlier lease. The holder and the current
 * token are in the details so a runner can tell "give up" from "refresh and retry".
 */
export class StaleLeaseError extends SwitchboardError {
  constructor(task: { id: string; agent: string | null; leaseToken: number }, presented: { agentId: string } | { leaseToken: number }) {
    const message =
      'agentId' in presented
        ? `Task ${task.id} is not held by agent ${presented.agentId}${task.agent === null ? ' (nobody holds it)' : ''}`
        : `Task ${task.id} is no longer held under lease ${presented.leaseToken} (lease superseded)`;
    super('STALE_LEASE', message, { taskId: task.id, holder: task.agent, leaseToken: task.leaseToken });
  }
}

/** A guarded write found another writer got there first (status or version changed). */
export class VersionConflictError extends SwitchboardError {
  constructor(entity: string, id: string) {
    super('VERSION_CONFLICT', `${entity} ${id} was changed concurrently; reload and try again`, { entity, id });
  }
}

/** A unique key (task id, agent id, idempotency key) is already taken. */
export class ConflictError extends SwitchboardError {
  constructor(message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super('ALREADY_EXISTS', message, details, options);
  }
}

export class ValidationError extends SwitchboardError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('VALIDATION_FAILED', message, details);
  }
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
