import { canTakeWork } from '../core/agent.js';
import { SwitchboardError } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import type { EventBus, Logger } from './event-bus.js';
import { assignBest, tasksFor } from './matching.js';
import type { PublishedEvent } from './types.js';
import type { WorkRunner } from './unit-of-work.js';

/** Bounds one agent's refill loop: its free slots plus a margin for tasks won by better-scored agents. */
const REFILL_EXTRA_ROUNDS = 8;

/** Attempts to place one task when racing nodes keep taking the chosen agent's last slot. */
const SLOT_RACE_ROUNDS = 3;

/**
 * Automatic delegation, driven by committed events rather than a polling loop: a task
 * that becomes assignable is matched at once, and an agent that gains a free slot pulls
 * from the queue. Work is coalesced (one pass per task or agent at a time) and run one
 * item after another, so a burst of events never races itself; races with other nodes
 * are settled by the store's guarded writes.
 */
export class Dispatcher {
  readonly #tasks = new Set<string>();
  readonly #agents = new Set<string>();
  #draining: Promise<void> | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly runner: WorkRunner,
    private readonly logger: Logger,
  ) {}

  /** Starts reacting to the bus. */
  listen(bus: EventBus): void {
    this.#unsubscribe = bus.subscribe((published) => this.#onEvent(published));
  }

  taskReady(taskId: string): void {
    this.#tasks.add(taskId);
    this.#kick();
  }

  agentFree(agentId: string): void {
    this.#agents.add(agentId);
    this.#kick();
  }

  /** Resolves when every queued dispatch has run (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#tasks.clear();
    this.#agents.clear();
    await this.idle();
  }

  #onEvent({ event, task, remote }: PublishedEvent): void {
    // The node that committed a change dispatches for it; the others would only race it.
    if (remote === true) return;
    switch (event.type) {
      case 'task.created':
      case 'task.unblocked':
      case 'task.retried':
      case 'task.updated':
        if (task?.status === 'PENDING') this.taskReady(task.id);
        return;
      case 'task.requeued':
      case 'task.rejected':
      case 'task.failed':
        if (task?.status === 'PENDING' && task.retryAt === null) this.taskReady(task.id);
        if (event.agentId !== null) this.agentFree(event.agentId);
        return;
      case 'task.completed':
      case 'task.cancelled':
        if (event.agentId !== null) this.agentFree(event.agentId);
        return;
      case 'agent.registered':
      case 'agent.updated':
      case 'agent.status_changed':
        if (event.agentId !== null) this.agentFree(event.agentId);
        return;
      default:
        return;
    }
  }

  #kick(): void {
    if (this.#draining !== null) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      if (this.#tasks.size + this.#agents.size > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    for (;;) {
      const taskId = first(this.#tasks);
      const agentId = taskId === undefined ? first(this.#agents) : undefined;
      if (taskId === undefined && agentId === undefined) return;
      try {
        if (taskId !== undefined) {
          this.#tasks.delete(taskId);
          await this.#dispatchTask(taskId);
        } else if (agentId !== undefined) {
          this.#agents.delete(agentId);
          await this.#refillAgent(agentId);
        }
      } catch (err) {
        this.logger.error({ err, taskId, agentId }, 'automatic dispatch failed');
      }
    }
  }

  async #dispatchTask(taskId: string): Promise<void> {
    // The chosen agent's last slot can be taken by another node between scoring and the
    // guarded update; the next round scores again without it.
    for (let round = 0; round < SLOT_RACE_ROUNDS; round++) {
      try {
        await this.runner.run('system', async (work) => {
          const task = await work.tx.tasks.get({ id: taskId });
          if (task === null || task.status !== 'PENDING' || (task.retryAt !== null && task.retryAt > work.now)) return;
          await assignBest(work, task, 'auto');
        });
        return;
      } catch (err) {
        if (codeOf(err) === 'AGENT_NOT_ELIGIBLE') continue;
        if (lostRace(err)) return;
        throw err;
      }
    }
  }

  async #refillAgent(agentId: string): Promise<void> {
    const agent = await this.store.agents.get({ id: agentId });
    if (agent === null) return;
    for (let round = 0; round < agent.maxConcurrentTasks + REFILL_EXTRA_ROUNDS; round++) {
      const assigned = await this.#tolerant(() =>
        this.runner.run('system', async (work) => {
          const fresh = await work.tx.agents.get({ id: agentId });
          if (fresh === null || !canTakeWork(fresh)) return false;
          // The best task may go to a better-scored agent; either way the queue moved on.
          for (const task of await tasksFor(work.tx, fresh, work.now)) {
            const outcome = await assignBest(work, task, 'auto');
            if (outcome !== 'taken') return outcome !== 'no-agent';
          }
          return false;
        }),
      );
      if (assigned !== true) return;
    }
  }

  /** Another node or request won the race for this agent or task: not an error, just nothing to do. */
  async #tolerant<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (lostRace(err)) return undefined;
      throw err;
    }
  }
}

function codeOf(err: unknown): string | undefined {
  return err instanceof SwitchboardError ? err.code : undefined;
}

function lostRace(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'AGENT_NOT_ELIGIBLE' || code === 'VERSION_CONFLICT' || code === 'TASK_INVALID_TRANSITION';
}

function first(set: Set<string>): string | undefined {
  for (const x of set) return x;
  return undefined;
}
