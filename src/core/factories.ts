import { normaliseCapabilities } from './capabilities.js';
import type { Agent, NewAgentInput } from './agent.js';
import { slaWarningAt, type Policy } from './policy.js';
import { formatTaskId, priorityRank, type NewTaskInput, type Task } from './task.js';

export const MAX_ATTEMPTS_DEFAULT = 1;
export const MAX_CONCURRENT_TASKS_DEFAULT = 1;
export const RELIABILITY_DEFAULT = 0.9;

/**
 * Builds a new task. `blocked` says whether a dependency is still open (the caller
 * looked them up); the SLA deadline comes from the input or the priority's policy.
 */
export function newTask(input: NewTaskInput, ctx: { seq: number; now: number; policy: Policy; blocked: boolean }): Task {
  const { seq, now, policy } = ctx;
  const priority = input.priority ?? 'P2';
  const queueRank = priorityRank(priority);
  const slaDeadline = input.slaDeadline ?? now + policy.slaByPriorityMs[priority];
  return {
    id: formatTaskId(seq),
    seq,
    title: input.title,
    description: input.description ?? '',
    priority,
    queueRank,
    requiredCapabilities: normaliseCapabilities(input.requiredCapabilities ?? []),
    preferredCapabilities: normaliseCapabilities(input.preferredCapabilities ?? []),
    dependsOn: [...new Set(input.dependsOn ?? [])],
    labels: [...new Set(input.labels ?? [])],
    status: ctx.blocked ? 'BLOCKED' : 'PENDING',
    progress: 0,
    agent: null,
    eta: input.eta ?? null,
    slaDeadline,
    slaWarningAt: slaWarningAt(policy, now, slaDeadline),
    slaWarned: false,
    slaViolated: false,
    maxAttempts: input.maxAttempts ?? MAX_ATTEMPTS_DEFAULT,
    attempts: 0,
    retryAt: null,
    promoteAt: !ctx.blocked && policy.agingStepMs > 0 && queueRank > 0 ? now + policy.agingStepMs : null,
    offerExpiresAt: null,
    leaseExpiresAt: null,
    leaseToken: 0,
    excludedAgents: [],
    assignment: null,
    result: null,
    failureReason: null,
    createdAt: now,
    updatedAt: now,
    assignedAt: null,
    startedAt: null,
    completedAt: null,
    failedAt: null,
    cancelledAt: null,
    version: 1,
  };
}

/** Builds a new agent; `id` is given or derived from the name by the caller. */
export function newAgent(input: NewAgentInput & { id: string }, now: number): Agent {
  return {
    id: input.id,
    name: input.name,
    kind: input.kind ?? 'ai',
    capabilities: normaliseCapabilities(input.capabilities ?? []),
    maxConcurrentTasks: input.maxConcurrentTasks ?? MAX_CONCURRENT_TASKS_DEFAULT,
    availability: input.availability ?? 'AVAILABLE',
    load: 0,
    declaredReliability: input.reliability ?? RELIABILITY_DEFAULT,
    completedCount: 0,
    failedCount: 0,
    costPerHour: input.costPerHour ?? null,
    lastHeartbeatAt: null,
    lastAssignedAt: null,
    overloaded: false,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

/** A readable agent id from a name ("GitHub Copilot" -> "github-copilot"). */
export function agentIdFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug.length > 0 ? slug.slice(0, 64) : 'agent';
}
