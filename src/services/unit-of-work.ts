import type { Agent } from '../core/agent.js';
import type { Clock } from '../core/clock.js';
import { AgentNotEligibleError, ConflictError, NotFoundError, SwitchboardError } from '../core/errors.js';
import type { EventDraft, StoredEvent } from '../core/events.js';
import type { Policy } from '../core/policy.js';
import type { Store, StoreTx } from '../core/ports.js';
import { transition, type TaskAction } from '../core/state-machine.js';
import type { Task } from '../core/task.js';
import type { EventBus } from './event-bus.js';
import { loadAgentState } from './agent-state.js';
import type { IdempotencyClaim } from './types.js';

/**
 * The transactional outbox (src/notifications/outbox.ts): told of every appended event inside
 * its transaction, it writes the deliveries the event causes there too, so a notification
 * exists exactly when its event does. `committed` runs after the commit of a transaction that wrote some.
 */
export interface OutboxHook {
  /** Writes the deliveries `event` causes; returns how many. `task`: the task as this transaction left it, if known. */
  enqueue(tx: StoreTx, event: StoredEvent, task: Task | undefined, now: number): Promise<number>;
  committed(): void;
}

/** A guarded write lost a race this many times in a row: give up and report the conflict. */
export const CONFLICT_RETRIES_MAX = 3;

/**
 * One transaction's worth of work: the transaction, the time it runs at, who asked,
 * and the events it appended (published after the commit, never before).
 */
export class Work {
  readonly events: StoredEvent[] = [];
  readonly tasks = new Map<string, Task>();
  /** Deliveries the outbox wrote in this transaction: the dispatcher is woken after the commit. */
  notified = 0;

  constructor(
    readonly tx: StoreTx,
    readonly now: number,
    readonly actor: string,
    private readonly policy: Policy,
    private readonly outbox: OutboxHook | null = null,
  ) {}

  /** `notify: false` keeps the event off every channel (a failure about a failure notice, which could loop). */
  async append(draft: EventDraft, opts: { notify?: boolean } = {}): Promise<StoredEvent> {
    const stored = await this.tx.events.append({ draft, at: this.now, actor: this.actor });
    this.events.push(stored);
    if (this.outbox !== null && opts.notify !== false) {
      const task = stored.taskId === null ? undefined : this.tasks.get(stored.taskId);
      this.notified += await this.outbox.enqueue(this.tx, stored, task, this.now);
    }
    return stored;
  }

  /**
   * Applies one transition: the guarded task update, the agent's slot change and the
   * event, all in this transaction. A slot the agent cannot give (full, paused) aborts it.
   */
  async apply(task: Task, action: TaskAction, opts: { force?: boolean } = {}): Promise<{ task: Task; agent: Agent | null }> {
    const result = transition(task, action, { now: this.now, policy: this.policy });
    await this.tx.tasks.update({ next: result.task, expected: { status: task.status, version: task.version } });
    this.tasks.set(result.task.id, result.task);
    let agent: Agent | null = null;
    if (result.slot !== null) {
      agent = await this.tx.agents.adjustLoad({ ...result.slot, force: opts.force ?? false, now: this.now });
      if (agent === null && result.slot.delta === 1) {
        throw new AgentNotEligibleError(result.slot.agentId, task.id, 'it is full, paused, offline or unknown');
      }
    }
    if (result.event !== null) await this.append(result.event);
    if (agent !== null && result.slot?.delta === 1 && agent.overloaded && agent.load - 1 <= agent.maxConcurrentTasks) {
      await this.append({
        type: 'agent.overloaded',
        taskId: task.id,
        agentId: agent.id,
        payload: { load: agent.load, maxConcurrentTasks: agent.maxConcurrentTasks },
      });
    }
    return { task: result.task, agent };
  }

  /**
   * Records that this transaction answers the create under `claim`; a key already used
   * (by a retry, or a racing node) aborts it with ALREADY_EXISTS so the caller replays.
   */
  async claimIdempotency(claim: IdempotencyClaim | undefined, body: Record<string, string>): Promise<void> {
    if (claim === undefined) return;
    const taken = () => new ConflictError('idempotency key', claim.key, { idempotencyKey: claim.key });
    if ((await this.tx.idempotency.get({ key: claim.key })) !== null) throw taken();
    try {
      await this.tx.idempotency.put({ key: claim.key, requestHash: claim.requestHash, statusCode: 201, body, createdAt: this.now });
    } catch (err) {
      throw err instanceof SwitchboardError && err.code === 'ALREADY_EXISTS' ? taken() : err;
    }
  }

  /** Reads a task inside the transaction or fails with TASK_NOT_FOUND. */
  async task(id: string): Promise<Task> {
    const task = await this.tx.tasks.get({ id });
    if (task === null) throw new NotFoundError('task', id);
    return task;
  }

  async agent(id: string): Promise<Agent> {
    const agent = await this.tx.agents.get({ id });
    if (agent === null) throw new NotFoundError('agent', id);
    return agent;
  }
}

/**
 * Runs work in store transactions and publishes what committed. A VERSION_CONFLICT
 * (another node or request won a guarded write) re-runs the work on fresh state, since
 * every transition re-validates; after CONFLICT_RETRIES_MAX the conflict reaches the caller.
 */
export class WorkRunner {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: Policy,
    private readonly bus: EventBus,
    private readonly outbox: OutboxHook | null = null,
  ) {}

  async run<T>(actor: string, fn: (work: Work) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let work: Work | undefined;
      try {
        const value = await this.store.transaction(async (tx) => {
          work = new Work(tx, this.clock.now(), actor, this.policy, this.outbox);
          return fn(work);
        });
        if (work !== undefined && work.notified > 0) this.outbox?.committed();
        if (work !== undefined) await this.publish(work);
        return value;
      } catch (err) {
        if (!(err instanceof SwitchboardError && err.code === 'VERSION_CONFLICT') || attempt >= CONFLICT_RETRIES_MAX) throw err;
      }
    }
  }

  private async publish(work: Work): Promise<void> {
    for (const event of work.events) {
      const task = event.taskId !== null ? (work.tasks.get(event.taskId) ?? (await this.store.tasks.get({ id: event.taskId }))) : null;
      const agent = event.agentId !== null ? await loadAgentState(this.store, event.agentId) : null;
      this.bus.publish({ event, task, agent });
    }
  }
}
