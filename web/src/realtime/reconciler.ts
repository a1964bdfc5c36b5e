import type { QueryClient } from '@tanstack/react-query';
import { SwitchboardApiError, SwitchboardClientError, type EventView, type SwitchboardClient } from 'switchboard/sdk';
import { queryKeys } from '../api/query-keys.js';
import type { CacheSync } from './cache-sync.js';

/** How long after an `event` message the matching snapshot message (task:*, agent:*, metrics:updated) may arrive. */
const SNAPSHOT_GRACE_MS = 1_200;
/** Above this many stale tasks, refetching the whole list is cheaper than one request per task. */
const FULL_REFETCH_THRESHOLD = 150;
const FETCH_CONCURRENCY = 6;
/** How long after a reconnect we wait for `replay:done` before treating the replay as over. */
const REPLAY_DONE_TIMEOUT_MS = 5_000;

interface Pending {
  taskId: string | null;
  agentId: string | null;
  arrived: number;
}

/**
 * Makes sure every logged event is reflected in the caches. Live, the gateway sends a
 * snapshot with each event and nothing is fetched (a bare event whose snapshot never
 * comes gets its task refetched). After a reconnect the server replays missed events as
 * bare `event` messages; once it says `replay:done`, only the tasks they name are
 * refetched (or the whole list when too many changed or the replay was cut), plus
 * agents and metrics.
 */
export class Reconciler {
  readonly #sync: CacheSync;
  readonly #api: SwitchboardClient;
  readonly #client: QueryClient;
  readonly #pending: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Tasks named by events replayed after a reconnect (between `connect` and `replay:done`). */
  #replayed: Set<string> | null = null;
  #replayTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(sync: CacheSync, api: SwitchboardClient, client: QueryClient) {
    this.#sync = sync;
    this.#api = api;
    this.#client = client;
  }

  onEvent(e: EventView): void {
    if (this.#replayed !== null) {
      if (e.taskId !== null) this.#replayed.add(e.taskId);
      return;
    }
    this.#pending.push({ taskId: e.taskId, agentId: e.agentId, arrived: performance.now() });
    this.#timer ??= setTimeout(() => this.#check(), SNAPSHOT_GRACE_MS);
  }

  /**
   * After a reconnect the server replays what we missed as bare `event` messages, then
   * sends `replay:done`: collect the tasks they name until then.
   */
  onResume(): void {
    this.#replayed = new Set();
    if (this.#replayTimer !== null) clearTimeout(this.#replayTimer);
    // A server that never says `replay:done` must not keep us collecting forever.
    this.#replayTimer = setTimeout(() => this.onReplayDone(false), REPLAY_DONE_TIMEOUT_MS);
  }

  /** The replay is over: refetch the tasks it named (or everything, when it was cut short) and the aggregates. */
  onReplayDone(truncated: boolean): void {
    // The first connection's (normally empty) replay: its events took the live path.
    if (this.#replayed === null && !truncated) return;
    const replayed = this.#replayed ?? new Set<string>();
    this.#replayed = null;
    if (this.#replayTimer !== null) clearTimeout(this.#replayTimer);
    this.#replayTimer = null;
    void this.#client.invalidateQueries({ queryKey: queryKeys.metrics });
    void this.#client.invalidateQueries({ queryKey: queryKeys.agents });
    void this.#client.invalidateQueries({ queryKey: queryKeys.recentEvents });
    // A cut replay left a hole in the event log's live pages (they only add what arrives): read them again.
    if (truncated) void this.#client.invalidateQueries({ queryKey: queryKeys.eventLogs });
    if (truncated || replayed.size > FULL_REFETCH_THRESHOLD) void this.#client.invalidateQueries({ queryKey: queryKeys.taskLists });
    else if (replayed.size > 0) void this.#refetchTasks([...replayed]);
  }

  /** Drops what is waiting; the reconciler can be used again afterwards (StrictMode remounts). */
  dispose(): void {
    this.#pending.length = 0;
    this.#replayed = null;
    if (this.#replayTimer !== null) clearTimeout(this.#replayTimer);
    this.#replayTimer = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #check(): void {
    this.#timer = null;
    const cutoff = performance.now() - SNAPSHOT_GRACE_MS;
    const due = this.#pending.filter((p) => p.arrived <= cutoff);
    const waiting = this.#pending.filter((p) => p.arrived > cutoff);
    this.#pending.splice(0, this.#pending.length, ...waiting);
    if (waiting.length > 0) this.#timer = setTimeout(() => this.#check(), SNAPSHOT_GRACE_MS);

    const staleTasks = new Set<string>();
    let staleAgents = false;
    let staleMetrics = false;
    for (const p of due) {
      const since = p.arrived - SNAPSHOT_GRACE_MS;
      if (p.taskId !== null && this.#sync.lastTaskWrite(p.taskId) < since) staleTasks.add(p.taskId);
      if (p.agentId !== null && this.#sync.lastAgentWrite(p.agentId) < since) staleAgents = true;
      if (this.#sync.lastMetricsWrite() < since) staleMetrics = true;
    }
    if (staleAgents) void this.#client.invalidateQueries({ queryKey: queryKeys.agents });
    if (staleMetrics) void this.#client.invalidateQueries({ queryKey: queryKeys.metrics });
    if (staleTasks.size > FULL_REFETCH_THRESHOLD) void this.#client.invalidateQueries({ queryKey: queryKeys.taskLists });
    else if (staleTasks.size > 0) void this.#refetchTasks([...staleTasks]);
  }

  async #refetchTasks(ids: string[]): Promise<void> {
    const queue = ids.slice();
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          this.#sync.task((await this.#api.tasks.get(id)).task);
        } catch (err) {
          // A task gone meanwhile, or a dropped connection the next reconnect repairs: skip it; anything else is a bug.
          if (!(err instanceof SwitchboardApiError || err instanceof SwitchboardClientError)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, ids.length) }, worker));
  }
}
