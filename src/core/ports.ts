import type { ApiToken } from './access.js';
import type { Agent } from './agent.js';
import type { EventDraft, EventType, StoredEvent } from './events.js';
import type { Channel, Delivery, DeliveryStatus } from './notification.js';
import type { Priority, Task, TaskStatus } from './task.js';
import type { LogLine, LogTail, StoredLogLine } from './task-log.js';
import type { TaskPosition, TaskSort } from './task-order.js';

/**
 * The storage port. One interface, two adapters (SQLite, PostgreSQL), held to one
 * conformance suite (src/storage/conformance). Domain types in, domain types out:
 * no row shapes leak. Times are epoch milliseconds.
 *
 * Writes happen only inside `transaction(fn)`: everything `fn` does commits together
 * or not at all. Guarded writes (`tasks.update`, `agents.update`, `agents.adjustLoad`)
 * check the expected state inside the transaction, so two nodes can never both win.
 */
export interface Store extends StoreReads {
  readonly capabilities: StoreCapabilities;
  /** Applies pending migrations; safe when several nodes start at once. */
  migrate(): Promise<void>;
  /**
   * Runs `fn` in one transaction. If `fn` throws, nothing it wrote is kept and the
   * error propagates unchanged (driver errors are translated to SwitchboardError).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` after every COMMIT with how many units of work (transaction calls) it
   * carried and how long the shared transaction took, from its BEGIN. Both stores group
   * concurrent units (group commit), so one COMMIT may report many.
   */
  onCommit(listener: CommitListener): void;
  close(): Promise<void>;
}

/** Told of each COMMIT: the units it carried and the seconds since its BEGIN. */
export type CommitListener = (units: number, seconds: number) => void;

/** Declared dialect differences; conformance tests are gated on these, never on sniffing. */
export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Other processes' commits can be announced (PostgreSQL LISTEN/NOTIFY). */
  readonly listenNotify: boolean;
  /** Several processes can write at once (PostgreSQL); SQLite serialises writers. */
  readonly concurrentWriters: boolean;
}

export interface StoreReads {
  readonly tasks: TaskReads;
  readonly agents: AgentReads;
  readonly events: EventReads;
  readonly idempotency: IdempotencyReads;
  readonly tokens: TokenReads;
  readonly logs: LogReads;
  readonly notifications: NotificationReads;
}

export interface StoreTx extends StoreReads {
  readonly tasks: TaskReads & TaskWrites;
  readonly agents: AgentReads & AgentWrites;
  readonly events: EventReads & EventWrites;
  readonly idempotency: IdempotencyReads & IdempotencyWrites;
  readonly tokens: TokenReads & TokenWrites;
  readonly logs: LogReads & LogWrites;
  readonly notifications: NotificationReads & NotificationWrites;
}

// ---------------------------------------------------------------- tasks

/** Which tasks a listing or a count covers. */
export interface TaskCriteria {
  status?: TaskStatus[];
  priority?: Priority[];
  /** Tasks whose `agent` is this id. */
  agent?: string;
  /** Tasks requiring this (normalised) capability. */
  capability?: string;
  label?: string;
  /** Case-insensitive substring of id, title or description. */
  text?: string;
}

/** One page of a listing: the criteria, the order, where the previous page ended, the size. */
export interface TaskFilter extends TaskCriteria {
  /** Default: creation order, ascending (DEFAULT_TASK_SORT). Ties break on `seq`, same direction. */
  sort?: TaskSort;
  /** Only tasks strictly after this position in `sort` order (keyset pagination). */
  after?: TaskPosition;
  /** 1..1000 */
  limit: number;
}

/** One group of {@link TaskReads.countQueue}: the pending tasks at one queue rank with one capability key. */
export interface QueueCount {
  /** The rank the queue sorts them at (0 = P0): their priority, raised by aging or an SLA violation. */
  queueRank: number;
  capabilityKey: string;
  count: number;
}

/** Timer kinds a task can be due for; each maps to one nullable, indexed due time in the stores. */
export const TIMER_KINDS = ['offer', 'lease', 'sla_warning', 'sla_violation', 'retry', 'promote'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface TaskReads {
  get(params: { id: string }): Promise<Task | null>;
  getMany(params: { ids: readonly string[] }): Promise<Task[]>;
  /** The matching tasks in `sort` order (see task-order.ts), after `after`, at most `limit`. */
  list(params: TaskFilter): Promise<Task[]>;
  /** How many tasks match, whatever the page: the `total` beside a page (read apart from it). */
  count(params: TaskCriteria): Promise<number>;
  countByStatus(): Promise<Record<TaskStatus, number>>;
  countByPriority(): Promise<Record<Priority, number>>;
  /** Open (non-terminal) tasks warned but not yet violated (`atRisk`), and open tasks past their deadline (`violated`). */
  countSla(): Promise<{ atRisk: number; violated: number }>;
  /** Tasks the agent holds (ASSIGNED or IN_PROGRESS), oldest assignment first. */
  listHeldBy(params: { agentId: string }): Promise<Task[]>;
  /** BLOCKED tasks that list `taskId` in `dependsOn`. */
  listDependents(params: { taskId: string }): Promise<Task[]>;
  /**
   * The distinct capability keys (see `capabilityKey`) of PENDING tasks. Stores answer
   * with a loose index scan, so the cost grows with the number of keys, not of tasks.
   */
  pendingCapabilityKeys(): Promise<string[]>;
  /**
   * PENDING tasks with this capability key that are assignable at `now` (no retry
   * backoff in force), in queue order: queueRank, then slaDeadline, then seq.
   */
  peekQueue(params: { capabilityKey: string; now: number; limit: number }): Promise<Task[]>;
  /**
   * How many PENDING tasks (retry backoff included) there are per capability key and queue
   * rank; only non-empty groups. Both are the leading columns of the queue index, so the
   * stores count its entries without reading a task row: cheap enough for a metrics scrape
   * (which still caches it), though it grows with the pending tasks. By rank, not declared
   * priority, for that reason: priority is not in the index, and reading it costs one row
   * lookup per pending task (20x slower on SQLite).
   */
  countQueue(): Promise<QueueCount[]>;
  /** The earliest due time of any timer of any task, or null when none is armed. */
  nextDueAt(): Promise<number | null>;
  /** Tasks whose `kind` timer is due at `now`, earliest first. */
  listDue(params: { kind: TimerKind; now: number; limit: number }): Promise<Task[]>;
}

export interface TaskWrites {
  /**
   * The task, locked for the rest of this transaction, if it is PENDING and no other
   * transaction is claiming it; null otherwise. PostgreSQL uses `FOR UPDATE SKIP LOCKED`,
   * so concurrent claimers pass over each other's picks instead of queueing on one row
   * and losing the guarded update; SQLite has one writer at a time, so a plain read.
   */
  lockPending(params: { id: string }): Promise<Task | null>;
  /** Next value of the task sequence; ids are `formatTaskId(seq)`. */
  allocateSeq(): Promise<number>;
  /** Throws ConflictError if the id exists. */
  insert(task: Task): Promise<void>;
  /**
   * Replaces the task if it still has `expected.status` and `expected.version`;
   * throws VersionConflictError otherwise. `next.version` is above `expected.version` (one per transition applied).
   * `previous`, the task as read at `expected.version`, lets the store write only the
   * columns that changed (unchanged indexes are not rewritten; PostgreSQL can update HOT).
   */
  update(params: { next: Task; expected: { status: TaskStatus; version: number }; previous?: Task }): Promise<void>;
}

// ---------------------------------------------------------------- agents

export interface AgentReads {
  get(params: { id: string }): Promise<Agent | null>;
  /** Registration order. */
  list(): Promise<Agent[]>;
  /**
   * Agents that could take a task now: AVAILABLE, load below capacity, holding every
   * required capability, not in `excluded`; least recently assigned first, at most `limit`.
   */
  listCandidates(params: { requiredCapabilities: readonly string[]; excluded: readonly string[]; limit: number }): Promise<Agent[]>;
}

export interface AgentWrites {
  /** Throws ConflictError if the id exists. */
  insert(agent: Agent): Promise<void>;
  /**
   * Writes the descriptive fields (name, kind, capabilities, maxConcurrentTasks,
   * availability, declaredReliability, costPerHour, lastHeartbeatAt, overloaded) if the
   * version still matches; throws VersionConflictError otherwise. Never writes `load`
   * or the outcome counters: only `adjustLoad` does.
   */
  update(params: { next: Agent; expectedVersion: number }): Promise<void>;
  /**
   * Atomically takes (+1) or gives back (-1) one slot and counts the outcome. A +1 is
   * refused (returns null) unless the agent is AVAILABLE with load below capacity, or
   * `force` is set. Sets `lastAssignedAt = now` on +1 and `overloaded = load > capacity`.
   * Returns the agent after the change, or null when refused or unknown.
   */
  adjustLoad(params: {
    agentId: string;
    delta: 1 | -1;
    outcome: 'completed' | 'failed' | null;
    force: boolean;
    now: number;
  }): Promise<Agent | null>;
  delete(params: { id: string }): Promise<void>;
}

// ---------------------------------------------------------------- events

export interface EventFilter {
  taskId?: string;
  agentId?: string;
  types?: EventType[];
  /** Only events with id greater than this (resume / pagination forward). */
  afterId?: number;
  /** Only events with id lower than this (pagination backward). */
  beforeId?: number;
  /** 'desc' = newest first (the activity feed); 'asc' = replay order. */
  order: 'asc' | 'desc';
  limit: number;
}

export interface EventReads {
  list(params: EventFilter): Promise<StoredEvent[]>;
  /** Id of the newest event, 0 when the log is empty. */
  lastId(): Promise<number>;
}

export interface EventWrites {
  append(params: { draft: EventDraft; at: number; actor: string }): Promise<StoredEvent>;
}

// ---------------------------------------------------------------- idempotency

/** The stored answer to a create made with an `Idempotency-Key`. */
export interface IdempotentResponse {
  key: string;
  /** Hash of method, path and body: the same key with another request is refused. */
  requestHash: string;
  statusCode: number;
  body: unknown;
  createdAt: number;
}

export interface IdempotencyReads {
  get(params: { key: string }): Promise<IdempotentResponse | null>;
}

export interface IdempotencyWrites {
  /** Throws ConflictError if the key is already stored. */
  put(params: IdempotentResponse): Promise<void>;
}

// ---------------------------------------------------------------- tokens

export interface TokenReads {
  /** The token whose secret hashes to `secretHash`, revoked or not (the caller checks). */
  findByHash(params: { secretHash: string }): Promise<ApiToken | null>;
  /** Every token, oldest first. */
  list(): Promise<ApiToken[]>;
}

export interface TokenWrites {
  /** Throws ConflictError if the id or hash exists. */
  insert(token: ApiToken): Promise<void>;
  /** Sets `revokedAt`; false when the id is unknown or already revoked. */
  revoke(params: { id: string; now: number }): Promise<boolean>;
}

// ---------------------------------------------------------------- task logs

export interface LogReads {
  /** The task's lines with seq > `after`, oldest first, at most `limit`: a range of the (task, seq) key. */
  list(params: { taskId: string; after: number; limit: number }): Promise<LogLine[]>;
  /** Where the task's log stands, from its last line (one key seek); the empty tail for a task with none. */
  tail(params: { taskId: string }): Promise<LogTail>;
}

export interface LogWrites {
  /** Inserts the lines as given (seq, running size and marker planned by `planLogAppend`). */
  append(params: { taskId: string; lines: readonly StoredLogLine[] }): Promise<void>;
}

// ---------------------------------------------------------------- notifications

export interface DeliveryFilter {
  channelId?: string;
  status?: DeliveryStatus;
  /** Only deliveries strictly before this (createdAt, id) position: pages go newest first. */
  before?: { createdAt: number; id: string };
  limit: number;
}

export interface NotificationReads {
  /** Every channel, oldest first. Channels are few (a handful per deployment). */
  listChannels(): Promise<Channel[]>;
  getChannel(params: { id: string }): Promise<Channel | null>;
  getDelivery(params: { id: string }): Promise<Delivery | null>;
  /** Newest first (createdAt, then id, descending). */
  listDeliveries(params: DeliveryFilter): Promise<Delivery[]>;
  /** Counts of `failed` and `dead` deliveries, and the one that failed last (by updatedAt), for the dashboard's banner. */
  summary(): Promise<{ failing: number; dead: number; lastFailure: Delivery | null }>;
}

export interface NotificationWrites {
  /** Throws ConflictError if the id exists. */
  insertChannel(channel: Channel): Promise<void>;
  /** Replaces the channel; false when the id is unknown. */
  updateChannel(channel: Channel): Promise<boolean>;
  /** Deletes the channel and its deliveries; false when the id is unknown. */
  deleteChannel(params: { id: string }): Promise<boolean>;
  /**
   * Inserts the deliveries in one statement, skipping each whose channel already has a delivery
   * with its `dedupKey`; returns how many were inserted.
   */
  enqueue(deliveries: readonly Delivery[]): Promise<number>;
  /**
   * Leases up to `limit` due deliveries (pending or failed, nextAttemptAt <= now, no live lease)
   * to `owner` until `now + leaseMs`, earliest due first (then id), and returns them leased.
   * PostgreSQL picks with `FOR UPDATE SKIP LOCKED`: concurrent claimers on other nodes never get
   * the same row; SQLite has one writer at a time.
   */
  claimDue(params: { now: number; limit: number; owner: string; leaseMs: number }): Promise<Delivery[]>;
  /**
   * Records an attempt's outcome if `owner` still holds the lease: writes status, attempts,
   * nextAttemptAt, lastError, lastStatus, deliveredAt and updatedAt from `next`, and releases the
   * lease. False when the lease was lost (expired and taken by another claimer).
   */
  finishAttempt(params: { next: Delivery; owner: string }): Promise<boolean>;
  /** Makes the delivery due at `now` again (a manual retry or send-again), dropping any lease; null when unknown. */
  reschedule(params: { id: string; now: number }): Promise<Delivery | null>;
}
