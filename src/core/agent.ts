export const AGENT_KINDS = ['ai', 'human', 'service'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/**
 * `availability` is what an operator or the lease timer set: `AVAILABLE`, `PAUSED`
 * (no new work) or `OFFLINE` (missed heartbeats or set by hand). The shown status
 * derives from it and the load, so it can never disagree with the agent's tasks.
 */
export const AGENT_AVAILABILITIES = ['AVAILABLE', 'PAUSED', 'OFFLINE'] as const;
export type AgentAvailability = (typeof AGENT_AVAILABILITIES)[number];

export const AGENT_STATUSES = ['IDLE', 'ACTIVE', 'PAUSED', 'OFFLINE'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/**
 * The availability a requested status sets (the seed's PUT status and its agent objects).
 * IDLE and ACTIVE both mean "available": whether the agent is working is its load, not a setting.
 */
export const AVAILABILITY_OF_STATUS: Readonly<Record<AgentStatus, AgentAvailability>> = Object.freeze({
  IDLE: 'AVAILABLE',
  ACTIVE: 'AVAILABLE',
  PAUSED: 'PAUSED',
  OFFLINE: 'OFFLINE',
});

export interface Agent {
  id: string;
  name: string;
  kind: AgentKind;
  capabilities: string[];
  maxConcurrentTasks: number;
  availability: AgentAvailability;
  /** Tasks the agent holds (ASSIGNED or IN_PROGRESS); kept in the same transaction as the tasks. */
  load: number;
  /** Declared reliability, 0..1: the prior of the learned estimate. */
  declaredReliability: number;
  completedCount: number;
  failedCount: number;
  costPerHour: number | null;
  lastHeartbeatAt: number | null;
  lastAssignedAt: number | null;
  /** True while load > capacity; flips back when it drops, so `agent.overloaded` fires once per crossing. */
  overloaded: boolean;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface NewAgentInput {
  id?: string;
  name: string;
  kind?: AgentKind;
  capabilities?: string[];
  maxConcurrentTasks?: number;
  reliability?: number;
  costPerHour?: number | null;
  /** The state it starts in; AVAILABLE when absent. */
  availability?: AgentAvailability;
}

export interface AgentPatch {
  name?: string;
  kind?: AgentKind;
  capabilities?: string[];
  maxConcurrentTasks?: number;
  reliability?: number;
  costPerHour?: number | null;
}

export function agentStatus(agent: Pick<Agent, 'availability' | 'load'>): AgentStatus {
  switch (agent.availability) {
    case 'PAUSED':
      return 'PAUSED';
    case 'OFFLINE':
      return 'OFFLINE';
    case 'AVAILABLE':
      return agent.load > 0 ? 'ACTIVE' : 'IDLE';
  }
}

/**
 * Learned reliability: a Beta posterior whose prior is the declared value worth
 * `PRIOR_WEIGHT` observations, updated with the agent's completed and failed attempts.
 */
export const RELIABILITY_PRIOR_WEIGHT = 10;

export function learnedReliability(agent: Pick<Agent, 'declaredReliability' | 'completedCount' | 'failedCount'>): number {
  const alpha = agent.declaredReliability * RELIABILITY_PRIOR_WEIGHT + agent.completedCount;
  const beta = (1 - agent.declaredReliability) * RELIABILITY_PRIOR_WEIGHT + agent.failedCount;
  return alpha / (alpha + beta);
}

export function canTakeWork(agent: Pick<Agent, 'availability' | 'load' | 'maxConcurrentTasks'>): boolean {
  return agent.availability === 'AVAILABLE' && agent.load < agent.maxConcurrentTasks;
}
