import { normaliseCapabilities } from './capabilities.js';
import { InvalidTransitionError, StaleLeaseError, ValidationError, assertNever } from './errors.js';
import type { AttemptUsage, EventDraft, RequeueReason } from './events.js';
import { retryDelayMs, slaWarningAt, type Policy } from './policy.js';
import { HELD_STATUSES, isTerminal, priorityRank, type AssignmentDecision, type Task, type TaskPatch } from './task.js';

/** Who reports on a task: an agent must hold the task and present the current fencing token. */
export interface Reporter {
  agentId?: string;
  leaseToken?: number;
}

export type TaskAction =
  | { type: 'unblock' }
  | { type: 'backoff_over' }
  | { type: 'assign'; agentId: string; decision: AssignmentDecision }
  | { type: 'reject'; by: Reporter; reason: string }
  | { type: 'start'; by: Reporter }
  | { type: 'progress'; by: Reporter; progress: number }
  | { type: 'heartbeat'; by: Reporter }
  /** The holder appended log lines: proof of life, so a running task's lease is renewed like a heartbeat. */
  | { type: 'log'; by: Reporter }
  | { type: 'complete'; by: Reporter; result: unknown; usage?: AttemptUsage | null }
  | { type: 'fail'; by: Reporter; reason: string; usage?: AttemptUsage | null }
  /** `by` is set when the holder gives the task back itself (reason `released`); timers and removal have no reporter. */
  | { type: 'requeue'; reason: RequeueReason; by?: Reporter; note?: string | null; usage?: AttemptUsage | null }
  /** `dependency`: the task whose failure or cancellation this cancellation follows from. */
  | { type: 'cancel'; reason: string | null; dependency?: string }
  | { type: 'retry' }
  /** `dependenciesDone`: the use case read every task in `patch.dependsOn` and found it COMPLETED. */
  | { type: 'edit'; patch: TaskPatch; dependenciesDone?: boolean }
  | { type: 'sla_warn' }
  | { type: 'sla_violate' }
  | { type: 'promote' };

export type TaskActionType = TaskAction['type'];

/** How the agent's books change with a transition: a slot taken or given back, and the outcome learnt. */
export interface SlotChange {
  agentId: string;
  delta: 1 | -1;
  outcome: 'completed' | 'failed' | null;
}

export interface TransitionResult {
  task: Task;
  /** Null only for a lease renewal by heartbeat: bookkeeping, not news. */
  event: EventDraft | null;
  slot: SlotChange | null;
}

export interface TransitionContext {
  now: number;
  policy: Policy;
}

/**
 * The one function that owns every task transition. Pure: it returns the next
 * task, the event to append and the agent slot change; the store applies all three
 * in one transaction guarded by the task's current status and version.
 */
export function transition(task: Task, action: TaskAction, ctx: TransitionContext): TransitionResult {
  const { now, policy } = ctx;
  const refuse = (why?: string): never => {
    throw new InvalidTransitionError(task.id, task.status, action.type, why);
  };
  const base = { ...task, updatedAt: now, version: task.version + 1 };
  const release = (outcome: SlotChange['outcome']): SlotChange | null =>
    task.agent !== null && HELD_STATUSES.has(task.status) ? { agentId: task.agent, delta: -1, outcome } : null;
  const event = <E extends EventDraft>(e: Omit<E, 'taskId'>): EventDraft => ({ ...e, taskId: task.id }) as EventDraft;
  // Who may report is checked before what the state allows, in every state: an agent that
  // does not hold the task learns nothing about it and changes nothing (a waiting task too).
  if ('by' in action && action.by !== undefined) checkReporter(task, action.by);

  switch (action.type) {
    case 'unblock': {
      if (task.status !== 'BLOCKED') refuse();
      return {
        task: { ...base, status: 'PENDING', promoteAt: agingDue(policy, now, task.queueRank) },
        event: event({ type: 'task.unblocked', agentId: null, payload: { reason: 'dependencies_done' } }),
        slot: null,
      };
    }
    case 'backoff_over': {
      if (task.status !== 'PENDING' || task.retryAt === null) refuse('no retry backoff is in force');
      return {
        task: { ...base, retryAt: null },
        event: event({ type: 'task.unblocked', agentId: null, payload: { reason: 'backoff_over' } }),
        slot: null,
      };
    }
    case 'assign': {
      if (task.status !== 'PENDING') refuse();
      if (task.retryAt !== null && task.retryAt > now) refuse('it is waiting for its retry backoff');
      return {
        task: {
          ...base,
          status: 'ASSIGNED',
          agent: action.agentId,
          assignedAt: now,
          assignment: action.decision,
          offerExpiresAt: policy.offerTimeoutMs > 0 ? now + policy.offerTimeoutMs : null,
          leaseToken: task.leaseToken + 1,
          retryAt: null,
          promoteAt: null,
        },
        event: event({ type: 'task.assigned', agentId: action.agentId, payload: { agentId: action.agentId, decision: action.decision } }),
        slot: { agentId: action.agentId, delta: 1, outcome: null },
      };
    }
    case 'reject': {
      if (task.status !== 'ASSIGNED') refuse();
      const agentId = task.agent as string;
      return {
        task: backToQueue(base, policy, now, [...task.excludedAgents, agentId]),
        event: event({ type: 'task.rejected', agentId, payload: { agentId, reason: action.reason } }),
        slot: release(null),
      };
    }
    case 'start': {
      if (task.status !== 'ASSIGNED') refuse();
      return {
        task: started(base, policy, now),
        event: event({ type: 'task.started', agentId: task.agent, payload: { agentId: task.agent } }),
        slot: null,
      };
    }
    case 'progress': {
      if (task.status !== 'ASSIGNED' && task.status !== 'IN_PROGRESS') refuse();
      if (!Number.isFinite(action.progress)) throw new ValidationError('progress must be a number from 0 to 100', { field: 'progress' });
      const running = task.status === 'ASSIGNED' ? started(base, policy, now) : renewLease(base, policy, now);
      return {
        task: { ...running, progress: clampProgress(action.progress) },
        event: event({ type: 'task.progressed', agentId: task.agent, payload: { progress: clampProgress(action.progress) } }),
        slot: null,
      };
    }
    case 'heartbeat': {
      if (task.status !== 'IN_PROGRESS') refuse();
      return { task: renewLease(base, policy, now), event: null, slot: null };
    }
    case 'log': {
      if (!HELD_STATUSES.has(task.status)) refuse('only a held task takes log lines');
      // An offer has no lease to renew; its version still moves, so concurrent appends serialise on the guard.
      return { task: task.status === 'IN_PROGRESS' ? renewLease(base, policy, now) : base, event: null, slot: null };
    }
    case 'complete': {
      if (task.status !== 'ASSIGNED' && task.status !== 'IN_PROGRESS') refuse();
      return {
        task: {
          ...base,
          status: 'COMPLETED',
          progress: 100,
          result: action.result ?? null,
          startedAt: task.startedAt ?? now,
          attempts: endedAttempts(task),
          completedAt: now,
          offerExpiresAt: null,
          leaseExpiresAt: null,
        },
        event: event({
          type: 'task.completed',
          agentId: task.agent,
          payload: { agentId: task.agent, result: action.result ?? null, usage: action.usage ?? null },
        }),
        slot: release('completed'),
      };
    }
    case 'fail': {
      if (task.status !== 'PENDING' && task.status !== 'ASSIGNED' && task.status !== 'IN_PROGRESS') refuse();
      const attempts = endedAttempts(task);
      const final = attempts >= task.maxAttempts;
      const excluded = task.agent !== null ? [...task.excludedAgents, task.agent] : task.excludedAgents;
      const retryAt = final ? null : now + retryDelayMs(policy, attempts);
      const next: Task = final
        ? {
            ...base,
            status: 'FAILED',
            attempts,
            agent: null,
            failedAt: now,
            failureReason: action.reason,
            offerExpiresAt: null,
            leaseExpiresAt: null,
            retryAt: null,
            promoteAt: null,
            excludedAgents: unique(excluded),
          }
        : { ...backToQueue(base, policy, now, excluded), attempts, retryAt, failureReason: action.reason };
      return {
        task: next,
        event: event({
          type: 'task.failed',
          agentId: task.agent,
          payload: { agentId: task.agent, reason: action.reason, attempts, final, retryAt, usage: action.usage ?? null },
        }),
        slot: release('failed'),
      };
    }
    case 'requeue': {
      if (!HELD_STATUSES.has(task.status)) refuse();
      // A requeue is not the agent's failure: a started attempt is given back, not charged.
      const attempts = task.status === 'IN_PROGRESS' ? task.attempts - 1 : task.attempts;
      return {
        task: { ...backToQueue(base, policy, now, task.excludedAgents), attempts },
        event: event({
          type: 'task.requeued',
          agentId: task.agent,
          payload: { agentId: task.agent, reason: action.reason, note: action.note ?? null, usage: action.usage ?? null },
        }),
        slot: release(null),
      };
    }
    case 'cancel': {
      if (isTerminal(task.status)) refuse('it has already ended');
      return {
        task: {
          ...base,
          status: 'CANCELLED',
          cancelledAt: now,
          offerExpiresAt: null,
          leaseExpiresAt: null,
          retryAt: null,
          promoteAt: null,
        },
        event: event({
          type: 'task.cancelled',
          agentId: task.agent,
          payload: { reason: action.reason, dependency: action.dependency ?? null },
        }),
        slot: release(null),
      };
    }
    case 'retry': {
      if (task.status !== 'FAILED') refuse('only a FAILED task can be retried');
      return {
        task: { ...backToQueue(base, policy, now, []), attempts: 0, failureReason: null, failedAt: null, progress: 0 },
        event: event({ type: 'task.retried', agentId: null, payload: {} }),
        slot: null,
      };
    }
    case 'edit': {
      if (isTerminal(task.status)) refuse('it has already ended');
      return {
        task: applyPatch(base, action, task, policy),
        event: event({ type: 'task.updated', agentId: null, payload: { changes: Object.keys(action.patch) } }),
        slot: null,
      };
    }
    case 'sla_warn': {
      if (isTerminal(task.status) || task.slaWarned) refuse('no SLA warning is due');
      return {
        task: { ...base, slaWarned: true },
        event: event({ type: 'task.sla_warning', agentId: task.agent, payload: { deadline: task.slaDeadline } }),
        slot: null,
      };
    }
    case 'sla_violate': {
      if (isTerminal(task.status) || task.slaViolated) refuse('no SLA violation is due');
      // Escalation: a waiting task that has missed its deadline jumps to the front rank.
      const waiting = task.status === 'PENDING' || task.status === 'BLOCKED';
      return {
        task: {
          ...base,
          slaWarned: true,
          slaViolated: true,
          queueRank: waiting ? 0 : task.queueRank,
          promoteAt: waiting ? null : task.promoteAt,
        },
        event: event({ type: 'task.sla_violated', agentId: task.agent, payload: { deadline: task.slaDeadline } }),
        slot: null,
      };
    }
    case 'promote': {
      if (task.status !== 'PENDING' || task.queueRank === 0) refuse('only a waiting task below P0 rank ages');
      const queueRank = task.queueRank - 1;
      return {
        task: { ...base, queueRank, promoteAt: agingDue(policy, now, queueRank) },
        event: event({ type: 'task.promoted', agentId: null, payload: { queueRank } }),
        slot: null,
      };
    }
    default:
      return assertNever(action);
  }
}

/** Refuses a report from anyone but the current holder with the current fencing token. */
function checkReporter(task: Task, by: Reporter): void {
  if (by.agentId !== undefined && by.agentId !== task.agent) throw new StaleLeaseError(task, { agentId: by.agentId });
  if (by.leaseToken !== undefined && by.leaseToken !== task.leaseToken) throw new StaleLeaseError(task, { leaseToken: by.leaseToken });
}

/**
 * Attempts once this attempt has ended (completed or failed). A running one was counted
 * when it started; one that never started (an offer completed or failed, an operator
 * failing a waiting task) still spends one, or a task could never run out of attempts.
 */
function endedAttempts(task: Task): number {
  return task.status === 'IN_PROGRESS' ? task.attempts : task.attempts + 1;
}

/** `attempts` counts attempts started, so a running first attempt reads "1 of N". */
function started(task: Task, policy: Policy, now: number): Task {
  return { ...renewLease(task, policy, now), status: 'IN_PROGRESS', startedAt: now, offerExpiresAt: null, attempts: task.attempts + 1 };
}

function renewLease(task: Task, policy: Policy, now: number): Task {
  return { ...task, leaseExpiresAt: policy.leaseMs > 0 ? now + policy.leaseMs : null };
}

function backToQueue(task: Task, policy: Policy, now: number, excluded: string[]): Task {
  return {
    ...task,
    status: 'PENDING',
    agent: null,
    progress: 0,
    startedAt: null,
    assignedAt: null,
    offerExpiresAt: null,
    leaseExpiresAt: null,
    excludedAgents: unique(excluded),
    promoteAt: agingDue(policy, now, task.queueRank),
  };
}

function agingDue(policy: Policy, now: number, queueRank: number): number | null {
  return policy.agingStepMs > 0 && queueRank > 0 ? now + policy.agingStepMs : null;
}

function applyPatch(next: Task, action: { patch: TaskPatch; dependenciesDone?: boolean }, prev: Task, policy: Policy): Task {
  const { patch } = action;
  const waiting = prev.status === 'PENDING' || prev.status === 'BLOCKED';
  const routing = patch.requiredCapabilities !== undefined || patch.preferredCapabilities !== undefined;
  if (routing && !waiting)
    throw new InvalidTransitionError(prev.id, prev.status, 'edit', 'capabilities can change only while the task waits');
  if (patch.dependsOn !== undefined && !waiting)
    throw new InvalidTransitionError(prev.id, prev.status, 'edit', 'dependencies can change only while the task waits');
  const out: Task = { ...next };
  if (patch.dependsOn !== undefined) {
    out.dependsOn = unique(patch.dependsOn);
    out.status = out.dependsOn.length > 0 && action.dependenciesDone !== true ? 'BLOCKED' : 'PENDING';
    if (out.status !== prev.status) out.promoteAt = out.status === 'PENDING' ? agingDue(policy, next.updatedAt, prev.queueRank) : null;
  }
  if (patch.title !== undefined) out.title = patch.title;
  if (patch.description !== undefined) out.description = patch.description;
  if (patch.labels !== undefined) out.labels = unique(patch.labels);
  if (patch.eta !== undefined) out.eta = patch.eta;
  if (patch.maxAttempts !== undefined) out.maxAttempts = patch.maxAttempts;
  if (patch.requiredCapabilities !== undefined) out.requiredCapabilities = normaliseCapabilities(patch.requiredCapabilities);
  if (patch.preferredCapabilities !== undefined) out.preferredCapabilities = normaliseCapabilities(patch.preferredCapabilities);
  if (patch.priority !== undefined) {
    out.priority = patch.priority;
    out.queueRank = Math.min(prev.queueRank, priorityRank(patch.priority));
    if (waiting) out.promoteAt = out.status === 'PENDING' ? agingDue(policy, next.updatedAt, out.queueRank) : null;
  }
  if (patch.slaDeadline !== undefined) {
    out.slaDeadline = patch.slaDeadline;
    out.slaWarningAt = slaWarningAt(policy, prev.createdAt, patch.slaDeadline);
    out.slaWarned = false;
    out.slaViolated = false;
  }
  return out;
}

function clampProgress(p: number): number {
  return Math.min(100, Math.max(0, Math.round(p)));
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
