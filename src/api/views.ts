import { agentStatus, learnedReliability } from '../core/agent.js';
import type { StoredEvent } from '../core/events.js';
import type { AssignmentDecision, Task } from '../core/task.js';
import type { AgentState } from '../services/types.js';

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

export function eventView(e: StoredEvent) {
  return {
    id: e.id,
    type: e.type,
    taskId: e.taskId,
    agentId: e.agentId,
    actor: e.actor,
    at: new Date(e.at).toISOString(),
    payload: e.payload,
  };
}

export type EventView = ReturnType<typeof eventView>;

function decisionView(d: AssignmentDecision) {
  return { ...d, decidedAt: new Date(d.decidedAt).toISOString() };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
