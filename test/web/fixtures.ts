import type { AgentView, EventView, TaskView } from 'switchboard/sdk';

/** A complete TaskView as the API renders it, with overrides. */
export function task(overrides: Partial<TaskView> & { id: string }): TaskView {
  return {
    name: overrides.title ?? overrides.id,
    title: overrides.id,
    description: '',
    priority: 'P2',
    status: 'PENDING',
    progress: 0,
    agent: null,
    eta: null,
    requiredCapabilities: [],
    preferredCapabilities: [],
    dependsOn: [],
    labels: [],
    sla: null,
    slaDeadline: null,
    slaWarningAt: null,
    slaWarned: false,
    slaViolated: false,
    queueRank: 2,
    maxAttempts: 3,
    attempts: 0,
    retryAt: null,
    excludedAgents: [],
    leaseToken: 0,
    offerExpiresAt: null,
    leaseExpiresAt: null,
    assignment: null,
    result: null,
    failureReason: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    assignedAt: null,
    startedAt: null,
    completedAt: null,
    failedAt: null,
    cancelledAt: null,
    version: 1,
    ...overrides,
  };
}

export function agent(overrides: Partial<AgentView> & { id: string }): AgentView {
  return {
    name: overrides.id,
    kind: 'ai',
    status: 'IDLE',
    availability: 'AVAILABLE',
    capabilities: [],
    currentTasks: [],
    load: 0,
    maxConcurrentTasks: 1,
    reliability: 0.9,
    declaredReliability: 0.9,
    completedCount: 0,
    failedCount: 0,
    costPerHour: null,
    overloaded: false,
    lastHeartbeatAt: null,
    lastAssignedAt: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

let nextEventId = 1;

/** An event of the log with the payload fields a test needs (an older build's rows lack some too). */
export function event<K extends EventView['type']>(
  type: K,
  taskId: string | null,
  at: number,
  // Only the fields a test looks at; those it gives are checked against the type's payload.
  payload: Partial<Extract<EventView, { type: K }>['payload']> = {},
  agentId: string | null = null,
): EventView {
  return { id: nextEventId++, type, taskId, agentId, actor: 'test', at: new Date(at).toISOString(), payload } as EventView;
}
