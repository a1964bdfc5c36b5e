/**
 * Coded errors of the domain. Every failure a caller can act on has a code from the
 * closed {@link ErrorCode} union and exactly one constructor below, which words it, so
 * the same failure reads the same from every call site and on every store. The API maps
 * codes to HTTP statuses in one exhaustive table; docs/errors.md lists every code and
 * nothing else (test/docs.test.ts); src/architecture.test.ts keeps `new SwitchboardError`
 * out of every other file.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'ROUTE_NOT_FOUND',
  'TASK_NOT_FOUND',
  'AGENT_NOT_FOUND',
  'NOTIFICATION_NOT_FOUND',
  'DEPENDENCY_NOT_FOUND',
  'DEPENDENCY_CYCLE',
  'TASK_INVALID_TRANSITION',
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

/**
 * Input the domain cannot accept. The call site says what is wrong; `details.field` names
 * the field (a JSON pointer such as `/dependsOn`, or a header or parameter name).
 */
export class ValidationError extends SwitchboardError {
  constructor(message: string, details: { field: string } & Record<string, unknown>) {
    super('VALIDATION_FAILED', message, details);
  }
}

/** The body is not the JSON it claims to be. */
export class InvalidJsonError extends SwitchboardError {
  constructor(problem: 'malformed' | 'empty') {
    super(
      'INVALID_JSON',
      problem === 'empty' ? 'Request body is empty but content-type is application/json' : 'Request body is not valid JSON',
    );
  }
}

export class BodyTooLargeError extends SwitchboardError {
  constructor() {
    super('BODY_TOO_LARGE', 'Request body is too large (see SWITCHBOARD_BODY_LIMIT)');
  }
}

export class UnsupportedMediaTypeError extends SwitchboardError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type: send application/json');
  }
}

export class RouteNotFoundError extends SwitchboardError {
  constructor(method: string, path: string) {
    super('ROUTE_NOT_FOUND', `Route ${method} ${path} not found`, { method, path });
  }
}

export class NotFoundError extends SwitchboardError {
  constructor(kind: 'task' | 'agent', id: string) {
    super(kind === 'task' ? 'TASK_NOT_FOUND' : 'AGENT_NOT_FOUND', `${kind === 'task' ? 'Task' : 'Agent'} not found: ${id}`, {
      [kind === 'task' ? 'taskId' : 'agentId']: id,
    });
  }
}

/** A notification channel or delivery id that names nothing (it may have been deleted with its channel). */
export class NotificationNotFoundError extends SwitchboardError {
  constructor(kind: 'channel' | 'delivery', id: string) {
    super('NOTIFICATION_NOT_FOUND', `Notification ${kind} not found: ${id}`, { [kind === 'channel' ? 'channelId' : 'deliveryId']: id });
  }
}

export class DependencyNotFoundError extends SwitchboardError {
  constructor(missing: readonly string[]) {
    super('DEPENDENCY_NOT_FOUND', `Unknown dependencies: ${missing.join(', ')}`, { missing: [...missing], field: '/dependsOn' });
  }
}

export class DependencyCycleError extends SwitchboardError {
  constructor(taskId: string) {
    super('DEPENDENCY_CYCLE', `These dependencies would make a cycle: ${taskId} is among their own dependencies`, {
      taskId,
      field: '/dependsOn',
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

/** A guarded write found another writer got there first (status or version changed). */
export class VersionConflictError extends SwitchboardError {
  constructor(entity: string, id: string | null, options?: { cause?: unknown }) {
    super(
      'VERSION_CONFLICT',
      `${id === null ? `A ${entity}` : `${capitalise(entity)} ${id}`} was changed concurrently; reload and try again`,
      { entity, id },
      options,
    );
  }
}

/** What a unique key names, for the wording of {@link ConflictError}. */
export type UniqueEntity = 'task' | 'agent' | 'token' | 'idempotency key' | 'record';

/** A unique key (task id, agent id, idempotency key, token) is already taken. */
export class ConflictError extends SwitchboardError {
  constructor(entity: UniqueEntity, id: string | null, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(
      'ALREADY_EXISTS',
      `${capitalise(entity)}${id === null ? ' with this key' : ` ${id}`} already exists`,
      { entity, id, ...details },
      options,
    );
  }
}

export class NoAvailableAgentError extends SwitchboardError {
  constructor(task: { id: string; requiredCapabilities: readonly string[] }) {
    super('NO_AVAILABLE_AGENT', `No available agent for task ${task.id}`, {
      taskId: task.id,
      requiredCapabilities: [...task.requiredCapabilities],
    });
  }
}

export class AgentNotEligibleError extends SwitchboardError {
  constructor(agentId: string, taskId: string, why: string) {
    super('AGENT_NOT_ELIGIBLE', `Agent ${agentId} cannot take task ${taskId}: ${why}`, { agentId, taskId });
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

export class IdempotencyKeyReusedError extends SwitchboardError {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was already used with a different request`, { idempotencyKey: key });
  }
}

/** Why a request carries no usable identity. */
export type UnauthenticatedReason = 'missing' | 'malformed' | 'invalid';

const UNAUTHENTICATED_WORDS: Record<UnauthenticatedReason, string> = {
  missing: 'Authentication required',
  malformed: 'Malformed Authorization header: expected "Bearer <token>"',
  invalid: 'Invalid or revoked token',
};

export class UnauthenticatedError extends SwitchboardError {
  /** `howTo`: how the caller's transport expects a token (a header, `auth.token`), said when none came. */
  constructor(reason: UnauthenticatedReason, howTo?: string) {
    super('UNAUTHENTICATED', `${UNAUTHENTICATED_WORDS[reason]}${reason === 'missing' && howTo ? `: ${howTo}` : ''}`);
  }
}

/** The caller is known but may not do this: its role lacks the permission, or an agent token acts for another agent. */
export class ForbiddenError extends SwitchboardError {
  constructor(refusal: { role: string; permission: string } | { boundTo: string | null; actingAs: string }) {
    const message =
      'permission' in refusal
        ? `Role ${refusal.role} may not do this (needs ${refusal.permission})`
        : `Token is bound to agent ${String(refusal.boundTo)} and may not act as ${refusal.actingAs}`;
    super('FORBIDDEN', message, { ...refusal });
  }
}

export class RateLimitedError extends SwitchboardError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many failed authentications; try again later', { retryAfterSeconds });
  }
}

/** Why the store cannot answer now; the request may succeed if retried later. */
export type StoreUnavailableReason = 'closed' | 'locked' | 'unreachable';

const STORE_UNAVAILABLE_WORDS: Record<StoreUnavailableReason, string> = {
  closed: 'the store is shutting down',
  locked: 'the database is locked by another writer',
  unreachable: 'the database cannot be reached',
};

export class StoreUnavailableError extends SwitchboardError {
  constructor(reason: StoreUnavailableReason, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', `Store unavailable: ${STORE_UNAVAILABLE_WORDS[reason]}; try again`, { reason }, options);
  }
}

/**
 * A bug or a failure no caller can act on. `what` is for the server log only: the API
 * answers every INTERNAL with the same sentence and a request id, never this text.
 */
export class InternalError extends SwitchboardError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('INTERNAL', what, undefined, options);
  }
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
