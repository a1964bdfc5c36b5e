/**
 * The JSON shapes of the API, taken from the server's own view functions and service
 * types (type-only imports: nothing of the server reaches the bundle). When the API
 * changes a field, the dashboard stops type-checking instead of silently breaking.
 */
import type { AgentView, EventView, TaskView } from '../../../src/api/views.js';
import type { AgentStatus, AgentKind } from '../../../src/core/agent.js';
import type { EventType } from '../../../src/core/events.js';
import type { Priority, ScoredCandidate, ScoreTerms, TaskStatus } from '../../../src/core/task.js';
import type { DelegationReport, Metrics, Recommendation } from '../../../src/services/types.js';

export type { AgentKind, AgentStatus, AgentView, DelegationReport, EventType, EventView, Metrics, Priority, Recommendation };
export type { ScoredCandidate, ScoreTerms, TaskStatus, TaskView };

export const PRIORITIES: readonly Priority[] = ['P0', 'P1', 'P2', 'P3'];
export const TASK_STATUSES: readonly TaskStatus[] = ['BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'];
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['COMPLETED', 'FAILED', 'CANCELLED']);
export const AGENT_KINDS: readonly AgentKind[] = ['ai', 'human', 'service'];

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

/** One page of `GET /api/tasks`. */
export interface TaskPage {
  tasks: TaskView[];
  /** Tasks on this page. */
  count: number;
  /** Tasks matching the filters, on every page. */
  total: number;
  /** Pass back as `cursor` with the same `sort`. */
  nextCursor: string | number | null;
}

/** GET /api/tasks `sort`: a key, reversed by a leading `-`. */
export type TaskSortParam = `${'' | '-'}${'created' | 'priority' | 'deadline' | 'updated'}`;

export interface TaskQuery {
  status?: string;
  priority?: string;
  agent?: string;
  capability?: string;
  label?: string;
  q?: string;
  sort?: TaskSortParam;
  limit?: number;
  cursor?: string | number | null;
}

export interface EventPage {
  events: EventView[];
  nextCursor: string | number | null;
}

export interface EventQuery {
  limit?: number;
  after?: number;
  before?: string | number;
  order?: 'asc' | 'desc';
  type?: readonly EventType[];
  taskId?: string;
  agentId?: string;
}

/** Body of `POST /api/tasks`. */
export interface NewTaskBody {
  title: string;
  description?: string;
  priority?: Priority;
  requiredCapabilities?: string[];
  preferredCapabilities?: string[];
  dependsOn?: string[];
  labels?: string[];
  slaDeadline?: string;
  maxAttempts?: number;
}

/** Body of `POST /api/agents`. */
export interface NewAgentBody {
  name: string;
  id?: string;
  kind?: AgentKind;
  capabilities?: string[];
  maxConcurrentTasks?: number;
  reliability?: number;
}

export type AgentStatusRequest = 'ACTIVE' | 'IDLE' | 'PAUSED' | 'OFFLINE';

export interface QueueNextResult {
  message: string;
  task: TaskView | null;
  agent?: AgentView;
}
