import { canTakeWork, type Agent } from '../core/agent.js';
import { holdsAll } from '../core/capabilities.js';
import type { Clock } from '../core/clock.js';
import type { EventType } from '../core/events.js';
import type { Task } from '../core/task.js';
import type { EventBus } from './event-bus.js';
import type { PublishedEvent } from './types.js';

/** Why a waiting claim was woken: a task it may take (and who was already handed it), or news about its own agent. */
export type Wake = { kind: 'task'; task: Task; tried: ReadonlySet<string> } | { kind: 'agent' } | { kind: 'timeout' };

/** One long-polling claim, as registered by {@link ClaimWaiters.register}. */
export interface Waiter {
  /** Resolves with the first wake after registration (at once if one came already), or `timeout` after `ms`. */
  next(ms: number): Promise<Wake>;
  /** Updates what this waiter can take, from the agent its last attempt read. */
  update(agent: Agent): void;
  /** Leaves the registry. A task wake it received but did not use (it claimed something else) goes to the next waiter. */
  cancel(claimed: Task | null): void;
}

/** Events after which a task's former holder has a free slot, or an agent's own state changed: its waiters look again. */
const AGENT_NEWS: ReadonlySet<EventType> = new Set<EventType>([
  'task.completed',
  'task.failed',
  'task.requeued',
  'task.rejected',
  'task.cancelled',
  'agent.updated',
  'agent.status_changed',
]);

interface Entry {
  agentId: string;
  capabilities: readonly string[];
  canTake: boolean;
  wake: Wake | null;
  resolve: ((wake: Wake) => void) | null;
}

/**
 * The long-polling claims waiting on this node, and who among them hears of new work.
 * One task that becomes claimable wakes ONE waiter that may take it (the one waiting
 * longest), not all of them: with 50 agents waiting, a wake-up per agent per event was
 * 48 claim transactions per task. An offer wakes the agent it was made to; a freed slot
 * or a change of state wakes that agent's own waiters. A waiter that was woken for a task
 * and could not take it hands the wake on to the next one that may, so no task is left
 * waiting for a timeout; a task in retry backoff wakes someone when its backoff ends.
 */
export class ClaimWaiters {
  /** Registration order: the first eligible entry is the longest waiting. */
  readonly #entries = new Set<Entry>();
  readonly #backoffTimers = new Map<string, () => void>();
  readonly #unsubscribe: () => void;

  constructor(
    bus: EventBus,
    private readonly clock: Clock,
  ) {
    this.#unsubscribe = bus.subscribe((published) => this.#onEvent(published));
  }

  /**
   * Registers a claim for `agent` before its attempt reads the store, so no news in between
   * is missed. It counts as able to take work until its attempt says otherwise (`update`).
   */
  register(agent: Agent): Waiter {
    const entry: Entry = { agentId: agent.id, capabilities: agent.capabilities, canTake: true, wake: null, resolve: null };
    this.#entries.add(entry);
    return {
      next: (ms) => {
        const ready = entry.wake;
        if (ready !== null) {
          entry.wake = null;
          return Promise.resolve(ready);
        }
        return new Promise<Wake>((resolve) => {
          const cancelTimer = this.clock.setTimer(ms, () => settle({ kind: 'timeout' }));
          const settle = (wake: Wake): void => {
            cancelTimer();
            entry.resolve = null;
            resolve(wake);
          };
          entry.resolve = settle;
        });
      },
      update: (next) => {
        entry.capabilities = next.capabilities;
        entry.canTake = canTakeWork(next);
      },
      cancel: (claimed) => {
        this.#entries.delete(entry);
        const unused = entry.wake;
        entry.wake = null;
        if (unused?.kind === 'task' && unused.task.id !== claimed?.id) this.handOn(unused.task, unused.tried, entry.agentId);
      },
    };
  }

  /** A waiter woken for `task` could not take it: the next waiter that may, and has not been handed it yet, is woken instead. */
  handOn(task: Task, tried: ReadonlySet<string>, by: string): void {
    this.#wakeOne(task, new Set([...tried, by]));
  }

  close(): void {
    this.#unsubscribe();
    for (const cancel of this.#backoffTimers.values()) cancel();
    this.#backoffTimers.clear();
  }

  #onEvent({ event, task }: PublishedEvent): void {
    if (task !== null && task.status === 'PENDING') this.#pending(task);
    if (task !== null && task.status === 'ASSIGNED' && event.type === 'task.assigned' && task.agent !== null) this.#wakeAgent(task.agent);
    if (event.agentId !== null && AGENT_NEWS.has(event.type)) this.#wakeAgent(event.agentId);
  }

  #pending(task: Task): void {
    this.#backoffTimers.get(task.id)?.();
    this.#backoffTimers.delete(task.id);
    const wait = task.retryAt === null ? 0 : task.retryAt - this.clock.now();
    if (wait <= 0) {
      this.#wakeOne(task, new Set());
      return;
    }
    const cancel = this.clock.setTimer(wait, () => {
      this.#backoffTimers.delete(task.id);
      this.#wakeOne(task, new Set());
    });
    this.#backoffTimers.set(task.id, cancel);
  }

  /** Wakes the longest-waiting claim that may take `task`; only when none is waiting, one busy with an attempt keeps it for later. */
  #wakeOne(task: Task, tried: ReadonlySet<string>): void {
    let busy: Entry | null = null;
    for (const entry of this.#entries) {
      if (entry.wake !== null || !entry.canTake || tried.has(entry.agentId)) continue;
      if (task.excludedAgents.includes(entry.agentId) || !holdsAll(entry.capabilities, task.requiredCapabilities)) continue;
      if (entry.resolve === null) {
        busy ??= entry;
        continue;
      }
      this.#deliver(entry, { kind: 'task', task, tried });
      return;
    }
    if (busy !== null) this.#deliver(busy, { kind: 'task', task, tried });
  }

  #wakeAgent(agentId: string): void {
    for (const entry of this.#entries) if (entry.agentId === agentId && entry.wake === null) this.#deliver(entry, { kind: 'agent' });
  }

  /**
   * A waiting entry is resolved at once and is then busy with its attempt; one already busy
   * keeps the wake for its next wait, so news that came during an attempt is never lost.
   */
  #deliver(entry: Entry, wake: Wake): void {
    if (entry.resolve !== null) entry.resolve(wake);
    else entry.wake = wake;
  }
}
