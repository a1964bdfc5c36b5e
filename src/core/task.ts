/** Task priorities, most urgent first. The numeric rank (0..3) is what queues sort by. */
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TASK_STATUSES = ['BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** Statuses in which a task occupies one slot of its agent's capacity. */
export const HELD_STATUSES: ReadonlySet<TaskStatus> = new Set(['ASSIGNED', 'IN_PROGRESS']);

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** One scored candidate of a delegation decision; every term is kept so "why this agent" is answerable. */
export interface ScoredCandidate {
  agentId: string;
  score: number;
  terms: ScoreTerms;
}

export interface ScoreTerms {
  /** Share of preferred capabilities the agent holds (1 when none are preferred). */
  capabilityFit: number;
  /** Learned success rate of the agent (Bayesian, prior = declared reliability). */
  reliability: number;
  /** Free share of the agent's slots before this assignment. */
  spareCapacity: number;
  /** 1 when the agent is predicted to finish before the SLA deadline, lower as it is predicted late. */
  deadlineFit: number;
  /** 1 for an agent that has not been given work for a while, lower for one just given work. */
  recency: number;
}

/** Stored with every assignment: the winner, the runners-up and how the choice was made. */
export interface AssignmentDecision {
  mode: 'auto' | 'manual' | 'queue' | 'claim' | 'forced';
  chosen: ScoredCandidate;
  runnersUp: ScoredCandidate[];
  consideredCount: number;
  decidedAt: number;
}

/**
 * A unit of work. Times are epoch milliseconds (the API renders ISO strings).
 * `queueRank` is the effective priority rank after aging (0 = P0); the queue sorts by it.
 */
export interface Task {
  id: string;
  seq: number;
  title: string;
  description: string;
  priority: Priority;
  queueRank: number;
  requiredCapabilities: string[];
  preferredCapabilities: string[];
  dependsOn: string[];
  labels: string[];
  status: TaskStatus;
  progress: number;
  agent: string | null;
  eta: string | null;
  slaDeadline: number;
  slaWarningAt: number | null;
  slaWarned: boolean;
  slaViolated: boolean;
  maxAttempts: number;
  /**
   * Attempts started and charged against `maxAttempts`: one when the task starts (or fails
   * or completes without a start); a requeue (lease lost, agent removed) gives it back.
   */
  attempts: number;
  retryAt: number | null;
  promoteAt: number | null;
  offerExpiresAt: number | null;
  leaseExpiresAt: number | null;
  /** Fencing token: bumped on every assignment, so a superseded holder's reports are refused. */
  leaseToken: number;
  excludedAgents: string[];
  assignment: AssignmentDecision | null;
  result: unknown;
  failureReason: string | null;
  createdAt: number;
  updatedAt: number;
  assignedAt: number | null;
  startedAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  cancelledAt: number | null;
  version: number;
}

/** What a caller supplies to create a task; everything else is derived. */
export interface NewTaskInput {
  title: string;
  description?: string;
  priority?: Priority;
  requiredCapabilities?: string[];
  preferredCapabilities?: string[];
  dependsOn?: string[];
  labels?: string[];
  eta?: string | null;
  slaDeadline?: number;
  maxAttempts?: number;
}

/** Fields an operator may change after creation (PATCH). */
export interface TaskPatch {
  title?: string;
  description?: string;
  priority?: Priority;
  requiredCapabilities?: string[];
  preferredCapabilities?: string[];
  labels?: string[];
  eta?: string | null;
  slaDeadline?: number;
  maxAttempts?: number;
  /** Only while the task waits; the use case checks existence and cycles and says whether it blocks. */
  dependsOn?: string[];
}

export function formatTaskId(seq: number): string {
  return `TASK-${String(seq).padStart(3, '0')}`;
}
