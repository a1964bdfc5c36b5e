import type { QueryClient } from '@tanstack/react-query';
import type { AgentView, EventView, LogLineView, Metrics, SocketPayloads, TaskView } from 'switchboard/sdk';
import { queryKeys, RECENT_EVENTS_LIMIT } from '../api/query-keys.js';
import { isTerminal } from '../api/vocabulary.js';
import { isNewer, upsertById, upsertTaskPages, type TaskPages } from '../lib/task-cache.js';
import { EMPTY_TASK_LOG, mergeLogLines, type TaskLog } from '../lib/task-log.js';

/** Socket messages are applied in batches: one cache write (and one render) per frame-ish. */
const FLUSH_DELAY_MS = 40;

/** The events that start or end an attempt: the task's attempts are read again after one. */
const ATTEMPT_EVENTS: ReadonlySet<EventView['type']> = new Set<EventView['type']>([
  'task.started',
  'task.completed',
  'task.failed',
  'task.requeued',
  'task.cancelled',
]);

/**
 * Writes server snapshots into the React Query caches in place. Every list under the
 * `tasks` key gets the task (inserted when unknown), the task's own query is updated,
 * agents are upserted; bursts of messages are coalesced into one write per flush.
 */
export class CacheSync {
  readonly #client: QueryClient;
  readonly #tasks = new Map<string, TaskView>();
  readonly #agents = new Map<string, AgentView>();
  readonly #removedAgents = new Set<string>();
  readonly #events: EventView[] = [];
  readonly #logLines = new Map<string, LogLineView[]>();
  readonly #taskWrites = new Map<string, number>();
  readonly #agentWrites = new Map<string, number>();
  readonly #eventListeners = new Set<(events: readonly EventView[]) => void>();
  #metricsWrite = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: QueryClient) {
    this.#client = client;
  }

  task(task: TaskView): void {
    const queued = this.#tasks.get(task.id);
    if (isNewer(task, queued)) this.#tasks.set(task.id, task);
    this.#taskWrites.set(task.id, performance.now());
    this.#schedule();
  }

  agent(agent: AgentView): void {
    const queued = this.#agents.get(agent.id);
    if (isNewer(agent, queued)) this.#agents.set(agent.id, agent);
    this.#removedAgents.delete(agent.id);
    this.#agentWrites.set(agent.id, performance.now());
    this.#schedule();
  }

  removeAgent(agentId: string): void {
    this.#agents.delete(agentId);
    this.#removedAgents.add(agentId);
    this.#agentWrites.set(agentId, performance.now());
    this.#schedule();
  }

  metrics(metrics: Metrics): void {
    this.#metricsWrite = performance.now();
    this.#client.setQueryData(queryKeys.metrics, metrics);
  }

  event(event: EventView): void {
    this.#events.push(event);
    this.#schedule();
  }

  /** Lines of a task's log; kept only for a log some view has asked for (a board of 1,000 running tasks holds none). */
  taskLog({ taskId, lines }: SocketPayloads['task:log']): void {
    if (this.#client.getQueryState(queryKeys.taskLog(taskId)) === undefined) return;
    const queued = this.#logLines.get(taskId);
    if (queued === undefined) this.#logLines.set(taskId, [...lines]);
    else queued.push(...lines);
    this.#schedule();
  }

  /**
   * Each flushed batch of events, for a view whose cache this class does not know (the
   * event log's filtered pages): it hears the same coalesced batches the feed gets.
   */
  onEvents(listener: (events: readonly EventView[]) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** When (performance.now) a snapshot of this task / agent / the metrics last arrived. */
  lastTaskWrite(id: string): number {
    return this.#taskWrites.get(id) ?? -Infinity;
  }

  lastAgentWrite(id: string): number {
    return this.#agentWrites.get(id) ?? -Infinity;
  }

  lastMetricsWrite(): number {
    return this.#metricsWrite;
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#tasks.size > 0) this.#flushTasks([...this.#tasks.values()]);
    this.#tasks.clear();
    if (this.#agents.size > 0 || this.#removedAgents.size > 0) this.#flushAgents();
    if (this.#events.length > 0) this.#flushEvents(this.#events.splice(0));
    for (const [taskId, lines] of this.#logLines) {
      // Also while the first read is in flight: that read merges with what is held when it lands.
      this.#client.setQueryData<TaskLog>(queryKeys.taskLog(taskId), (log) => mergeLogLines(log ?? EMPTY_TASK_LOG, lines));
    }
    this.#logLines.clear();
    if (this.#taskWrites.size > 20_000) this.#taskWrites.clear();
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  #flushTasks(tasks: TaskView[]): void {
    this.#client.setQueriesData<TaskPages>({ queryKey: queryKeys.taskLists }, (data) => upsertTaskPages(data, tasks));
    for (const task of tasks) {
      const key = queryKeys.task(task.id);
      const cached = this.#client.getQueryData<TaskView>(key);
      if (cached !== undefined && isNewer(task, cached)) this.#client.setQueryData(key, task);
      if (cached !== undefined) void this.#client.invalidateQueries({ queryKey: queryKeys.recommendations(task.id) });
      // A finished task's log is read once more: its last lines and the truncation flag are then certain.
      if (isTerminal(task.status) && this.#client.getQueryState(queryKeys.taskLog(task.id)) !== undefined)
        void this.#client.invalidateQueries({ queryKey: queryKeys.taskLog(task.id) });
    }
  }

  #flushAgents(): void {
    const agents = [...this.#agents.values()];
    const removed = new Set(this.#removedAgents);
    this.#agents.clear();
    this.#removedAgents.clear();
    this.#client.setQueryData<AgentView[]>(queryKeys.agents, (list) => {
      const next = upsertById(list, agents);
      return next === undefined || removed.size === 0 ? next : next.filter((a) => !removed.has(a.id));
    });
  }

  #flushEvents(events: EventView[]): void {
    this.#client.setQueryData<EventView[]>(queryKeys.recentEvents, (list) => {
      if (list === undefined) return list;
      const known = new Set(list.map((e) => e.id));
      const fresh = events.filter((e) => !known.has(e.id));
      if (fresh.length === 0) return list;
      return [...fresh, ...list].sort((a, b) => b.id - a.id).slice(0, RECENT_EVENTS_LIMIT);
    });
    const byTask = new Map<string, EventView[]>();
    for (const e of events) if (e.taskId !== null) byTask.set(e.taskId, [...(byTask.get(e.taskId) ?? []), e]);
    for (const [taskId, taskEvents] of byTask) {
      if (taskEvents.some((e) => ATTEMPT_EVENTS.has(e.type)))
        void this.#client.invalidateQueries({ queryKey: queryKeys.taskAttempts(taskId) });
      this.#client.setQueryData<EventView[]>(queryKeys.taskEvents(taskId), (list) => {
        if (list === undefined) return list;
        const known = new Set(list.map((e) => e.id));
        const fresh = taskEvents.filter((e) => !known.has(e.id));
        return fresh.length === 0 ? list : [...list, ...fresh].sort((a, b) => a.id - b.id);
      });
    }
    for (const listener of this.#eventListeners) listener(events);
  }
}
