import { agentStatus, learnedReliability } from '../core/agent.js';
import type { DomainEventMap, EventType, StoredEvent } from '../core/events.js';
import type { AssignmentDecision, Task } from '../core/task.js';
import type { LogLine } from '../core/task-log.js';
import type { AgentState, Attempt } from '../services/types.js';

/**
 * JSON shapes shared by REST and Socket.io. They keep the seed's field names
 * (`name`, `agent`, `eta`, `progress`, `sla`, `currentTasks`, `reliability`) next to
 * ours, and render every time as an ISO string.
 */
export function taskView(t: Task) {
  return {
    id: t.id,
    name: t.title,
    title: t.title,
    description: t.description,
    priority: t.priority,
    status: t.status,
    progress: t.progress,
    agent: t.agent,
    eta: t.eta,
    requiredCapabilities: t.requiredCapabilities,
    preferredCapabilities: t.preferredCapabilities,
    dependsOn: t.dependsOn,
    labels: t.labels,
    sla: iso(t.slaDeadline),
    slaDeadline: iso(t.slaDeadline),
    slaWarningAt: iso(t.slaWarningAt),
    slaWarned: t.slaWarned,
    slaViolated: t.slaViolated,
    queueRank: t.queueRank,
    maxAttempts: t.maxAttempts,
    attempts: t.attempts,
    retryAt: iso(t.retryAt),
    excludedAgents: t.excludedAgents,
    leaseToken: t.leaseToken,
    offerExpiresAt: iso(t.offerExpiresAt),
    leaseExpiresAt: iso(t.leaseExpiresAt),
    assignment: t.assignment === null ? null : decisionView(t.assignment),
    result: t.result,
    failureReason: t.failureReason,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    assignedAt: iso(t.assignedAt),
    startedAt: iso(t.startedAt),
    completedAt: iso(t.completedAt),
    failedAt: iso(t.failedAt),
    cancelledAt: iso(t.cancelledAt),
    version: t.version,
  };
}

export type TaskView = ReturnType<typeof taskView>;

export function agentView(a: AgentState) {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    status: agentStatus(a),
    availability: a.availability,
    capabilities: a.capabilities,
    currentTasks: a.currentTasks,
    load: a.load,
    maxConcurrentTasks: a.maxConcurrentTasks,
    reliability: round(learnedReliability(a)),
    declaredReliability: a.declaredReliability,
    completedCount: a.completedCount,
    failedCount: a.failedCount,
    costPerHour: a.costPerHour,
    overloaded: a.overloaded,
    lastHeartbeatAt: iso(a.lastHeartbeatAt),
    lastAssignedAt: iso(a.lastAssignedAt),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    version: a.version,
  };
}

export type AgentView = ReturnType<typeof agentView>;

/** Event payloads as the API sends them: every time an ISO string, as on tasks and agents. */
export type PayloadViews = {
  [K in EventType]: K extends 'task.assigned'
    ? Omit<DomainEventMap[K], 'decision'> & { decision: DecisionView }
    : K extends 'task.failed'
      ? Omit<DomainEventMap[K], 'retryAt'> & { retryAt: string | null }
      : K extends 'task.sla_warning' | 'task.sla_violated'
        ? { deadline: string }
        : DomainEventMap[K];
};

/** One event of the log as JSON; `type` decides the shape of `payload`. */
export type EventView = {
  [K in EventType]: {
    id: number;
    type: K;
    taskId: string | null;
    agentId: string | null;
    actor: string;
    at: string;
    payload: PayloadViews[K];
  };
}[EventType];

export function eventView(e: StoredEvent): EventView {
  const head = { id: e.id, taskId: e.taskId, agentId: e.agentId, actor: e.actor, at: new Date(e.at).toISOString() };
  switch (e.type) {
    // Payloads are read back from the log as written; a row from an older build may lack a field, so convert only what is there.
    case 'task.assigned':
      return { ...head, type: e.type, payload: { ...e.payload, decision: e.payload.decision && decisionView(e.payload.decision) } };
    case 'task.failed':
      return { ...head, type: e.type, payload: { ...e.payload, retryAt: iso(e.payload.retryAt ?? null) } };
    case 'task.sla_warning':
    case 'task.sla_violated':
      return { ...head, type: e.type, payload: { ...e.payload, deadline: iso(e.payload.deadline ?? null) as string } };
    default:
      // Every other payload holds no time; TypeScript cannot narrow the pairing through the default branch.
      return { ...head, type: e.type, payload: e.payload } as EventView;
  }
}

export function logLineView(l: LogLine) {
  return { seq: l.seq, attempt: l.attempt, stream: l.stream, text: l.text, at: new Date(l.at).toISOString() };
}

export type LogLineView = ReturnType<typeof logLineView>;

export function attemptView(a: Attempt) {
  return {
    number: a.number,
    agentId: a.agentId,
    startedAt: new Date(a.startedAt).toISOString(),
    endedAt: iso(a.endedAt),
    outcome: a.outcome,
    reason: a.reason,
    usage: a.usage,
  };
}

export type AttemptView = ReturnType<typeof attemptView>;

type DecisionView = Omit<AssignmentDecision, 'decidedAt'> & { decidedAt: string };

function decisionView(d: AssignmentDecision): DecisionView {
  return { ...d, decidedAt: new Date(d.decidedAt).toISOString() };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
