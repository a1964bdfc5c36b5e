import type { Agent, AgentPatch, NewAgentInput } from '../core/agent.js';
import type { AttemptUsage, StoredEvent } from '../core/events.js';
import type { EventFilter, IdempotentResponse, TaskCriteria } from '../core/ports.js';
import type { TaskSort } from '../core/task-order.js';
import type { Reporter } from '../core/state-machine.js';
import type { LogLine, NewLogLine } from '../core/task-log.js';
import type { NewTaskInput, Priority, ScoredCandidate, Task, TaskPatch, TaskStatus } from '../core/task.js';

/** An agent with the ids of the tasks it holds (the seed's `currentTasks`). */
export interface AgentState extends Agent {
  currentTasks: string[];
}

/** What the event bus publishes after a commit: the stored event and fresh snapshots. */
export interface PublishedEvent {
  event: StoredEvent;
  task: Task | null;
  agent: AgentState | null;
  /** Committed by another node and relayed here (see ClusterRelay); absent for this node's own. */
  remote?: true;
}

/** Log lines a task's holder appended, published after their commit (not domain events: see core/task-log.ts). */
export interface AppendedLogs {
  taskId: string;
  lines: LogLine[];
  /** Committed by another node and relayed here; absent for this node's own. */
  remote?: true;
}

/** What an append of log lines did (POST /api/tasks/:taskId/logs). */
export interface LogAppendResult {
  accepted: number;
  dropped: number;
  /** The task's log is truncated (it reached TASK_LOG_MAX_BYTES, now or before). */
  truncated: boolean;
}

/** One page of a task's log, oldest first. */
export interface TaskLogPage {
  lines: LogLine[];
  /** Seq of the last line of the page, or `after` when the page is empty: the next page's `after`. */
  lastSeq: number;
  hasMore: boolean;
  truncated: boolean;
}

/** One attempt of a task, read from its events: a `task.started` and what ended it. */
export interface Attempt {
  number: number;
  agentId: string | null;
  startedAt: number;
  endedAt: number | null;
  outcome: 'running' | 'completed' | 'failed' | 'released' | 'requeued' | 'cancelled';
  reason: string | null;
  usage: AttemptUsage | null;
}

/**
 * A create made with an `Idempotency-Key`: the key (scoped by the caller) and a hash of
 * the request. The key is stored in the same transaction as the created record, so a
 * retry after a crash or a race between nodes can never create twice.
 */
export interface IdempotencyClaim {
  key: string;
  requestHash: string;
}

/** Who asked: a token's subject, an agent id, or "system" for timers. Written to the event log. */
export type Actor = string;

/** The seed's agent statuses plus PAUSED; ACTIVE and IDLE both mean "available". */
export type AgentStatusRequest = 'ACTIVE' | 'IDLE' | 'PAUSED' | 'OFFLINE';

/** One page of a task listing, as asked for by REST (and later SDK, CLI, MCP). */
export interface TaskListRequest extends TaskCriteria {
  /** Default creation order, ascending. */
  sort?: TaskSort;
  /** The `nextCursor` of the previous page, made with the same sort (see task-cursor.ts). */
  cursor?: string;
  limit: number;
}

export interface TaskPage {
  tasks: Task[];
  /** How many tasks match the criteria, whatever the cursor and limit. */
  total: number;
  /** Pass as `cursor` (with the same sort) for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface Metrics {
  totalTasks: number;
  completedTasks: number;
  failedTasks: number;
  activeAgents: number;
  byStatus: Record<TaskStatus, number>;
  byPriority: Record<Priority, number>;
  agents: number;
  slaAtRisk: number;
  slaViolated: number;
}

/** The seed's delegation report, fields kept, plus the `assigned`/`blocked`/`cancelled` buckets it lacked. */
export interface DelegationReport {
  summary: {
    totalTasks: number;
    completed: number;
    inProgress: number;
    pending: number;
    failed: number;
    assigned: number;
    blocked: number;
    cancelled: number;
  };
  tasksByPriority: Record<Priority, number>;
  agents: { id: string; name: string; status: string; currentLoad: string; reliability: string }[];
  recentActivity: { id: string; name: string; status: TaskStatus; agent: string | null; timestamp: number; event: string }[];
}

export interface Recommendation {
  taskId: string;
  candidates: ScoredCandidate[];
  /** Why nothing can take the task, when candidates is empty. */
  blockedBy: string | null;
}

/**
 * The use cases the API, the realtime gateway, the MCP server and the CLI call.
 * Every method that changes state runs one store transaction guarded by the expected
 * status and version, appends its events in the same transaction and publishes them
 * on the bus after the commit.
 */
export interface OrchestratorApi {
  /** With a claim whose key is already stored, throws ALREADY_EXISTS with `details.idempotencyKey`: look it up with `idempotentResult`. */
  createTask(input: NewTaskInput, actor: Actor, claim?: IdempotencyClaim): Promise<Task>;
  /** What a create stored under an idempotency key: `body` is `{ taskId }` or `{ agentId }`. */
  idempotentResult(key: string): Promise<IdempotentResponse | null>;
  getTask(id: string): Promise<Task>;
  /** Throws VALIDATION_FAILED (`details.field = '/cursor'`) for a cursor that is malformed or made by another sort. */
  listTasks(request: TaskListRequest): Promise<TaskPage>;
  updateTask(id: string, patch: TaskPatch, actor: Actor): Promise<Task>;
  /**
   * Manual assignment. With no agentId the best eligible agent is chosen; with one, that
   * agent (must be eligible unless `force`). A task that already has an agent is returned
   * unchanged with `changed: false` (the seed's behaviour).
   */
  assignTask(
    id: string,
    opts: { agentId?: string; force?: boolean },
    actor: Actor,
  ): Promise<{ task: Task; agent: AgentState; changed: boolean }>;
  /** Assigns the best assignable task in queue order, skipping tasks no agent can take; null when none. */
  processNext(actor: Actor): Promise<{ task: Task; agent: AgentState } | null>;
  startTask(id: string, by: Reporter, actor: Actor): Promise<Task>;
  /** The seed's PUT progress: progress >= 100 or status COMPLETED completes the task. */
  reportProgress(id: string, params: { progress: number; status?: 'IN_PROGRESS' | 'COMPLETED' }, by: Reporter, actor: Actor): Promise<Task>;
  /** `usage`: what the attempt cost, kept in the event's payload. */
  completeTask(id: string, result: unknown, by: Reporter, actor: Actor, usage?: AttemptUsage | null): Promise<Task>;
  failTask(id: string, reason: string, by: Reporter, actor: Actor, usage?: AttemptUsage | null): Promise<Task>;
  /** The holder gives an ASSIGNED or IN_PROGRESS task back: PENDING again, the attempt not spent, the agent not excluded. */
  releaseTask(id: string, params: { note: string | null; usage: AttemptUsage | null }, by: Reporter, actor: Actor): Promise<Task>;
  rejectTask(id: string, reason: string, by: Reporter, actor: Actor): Promise<Task>;
  cancelTask(id: string, reason: string | null, actor: Actor): Promise<Task>;
  retryTask(id: string, actor: Actor): Promise<Task>;
  recommend(id: string): Promise<Recommendation>;
  /**
   * Appends the holder's log lines to the task (ASSIGNED or IN_PROGRESS), renewing a running
   * task's lease; lines past the per-task cap are dropped (see planLogAppend).
   */
  appendLogs(id: string, lines: NewLogLine[], by: Reporter, actor: Actor): Promise<LogAppendResult>;
  /** A page of the task's log: lines with seq > `after`, oldest first. */
  taskLogs(id: string, page: { after: number; limit: number }): Promise<TaskLogPage>;
  /** The task's attempts, derived from its events, oldest first. */
  taskAttempts(id: string): Promise<Attempt[]>;

  registerAgent(input: NewAgentInput, actor: Actor, claim?: IdempotencyClaim): Promise<AgentState>;
  getAgent(id: string): Promise<AgentState>;
  listAgents(): Promise<AgentState[]>;
  updateAgent(id: string, patch: AgentPatch, actor: Actor): Promise<AgentState>;
  setAgentStatus(id: string, status: AgentStatusRequest, actor: Actor): Promise<AgentState>;
  /** Removes the agent; the tasks it held go back to the queue. */
  removeAgent(id: string, actor: Actor): Promise<{ requeued: string[] }>;
  agentTasks(id: string): Promise<Task[]>;
  /** Renews the leases of the agent's running tasks and marks it seen (OFFLINE -> available). */
  heartbeat(agentId: string, actor: Actor): Promise<AgentState>;
  /** Pull mode: the best task this agent can take, assigned and started; waits up to `waitMs` for one. */
  claim(agentId: string, opts: { waitMs: number }, actor: Actor): Promise<Task | null>;

  listEvents(filter: EventFilter): Promise<StoredEvent[]>;
  metrics(): Promise<Metrics>;
  delegationReport(): Promise<DelegationReport>;
}
