import type { QueryClient } from '@tanstack/react-query';
import type { AgentView, EventView, Metrics, TaskView } from 'switchboard/sdk';
import { queryKeys, RECENT_EVENTS_LIMIT } from '../api/query-keys.js';
import { isNewer, upsertById, upsertTaskPages, type TaskPages } from '../lib/task-cache.js';

/** Socket messages are applied in batches: one cache write (and one render) per frame-ish. */
const FLUSH_DELAY_MS = 40;

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
  readonly #taskWrites = new Map<string, number>();
  readonly #agentWrites = new Map<string, number>();
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
      this.#client.setQueryData<EventView[]>(queryKeys.taskEvents(taskId), (list) => {
        if (list === undefined) return list;
        const known = new Set(list.map((e) => e.id));
        const fresh = taskEvents.filter((e) => !known.has(e.id));
        return fresh.length === 0 ? list : [...list, ...fresh].sort((a, b) => a.id - b.id);
      });
    }
  }
}
