import type { Agent } from '../core/agent.js';
import type { Clock } from '../core/clock.js';
import { AgentNotEligibleError, ConflictError, InternalError, NotFoundError, SwitchboardError } from '../core/errors.js';
import type { EventDraft, StoredEvent } from '../core/events.js';
import type { Policy } from '../core/policy.js';
import type { Store, StoreTx } from '../core/ports.js';
import { transition, type SlotChange, type TaskAction } from '../core/state-machine.js';
import { HELD_STATUSES, type Task } from '../core/task.js';
import type { EventBus } from './event-bus.js';
import { loadAgentState } from './agent-state.js';
import type { AgentState, IdempotencyClaim, PublishedEvent } from './types.js';

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
  /** Every agent this unit wrote, as written (null: deleted), so publishing needs not read it back. */
  readonly agents = new Map<string, Agent | null>();
  readonly tx: StoreTx;
  /** Deliveries the outbox wrote in this transaction: the dispatcher is woken after the commit. */
  notified = 0;

  constructor(
    tx: StoreTx,
    readonly now: number,
    readonly actor: string,
    private readonly policy: Policy,
    private readonly outbox: OutboxHook | null = null,
  ) {
    this.tx = { ...tx, agents: recordingAgents(tx.agents, this.agents) };
  }

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
  apply(task: Task, action: TaskAction, opts: { force?: boolean } = {}): Promise<{ task: Task; agent: Agent | null }> {
    return this.applyAll(task, [action], opts);
  }

  /**
   * Applies transitions one after another (a claim's assign and start) with ONE guarded
   * update of the task: each transition still counts its version and appends its event, in
   * order, but the row and its indexes are written once. At most one may take or give a slot.
   */
  async applyAll(task: Task, actions: readonly TaskAction[], opts: { force?: boolean } = {}): Promise<{ task: Task; agent: Agent | null }> {
    let next = task;
    let slot: SlotChange | null = null;
    const drafts: EventDraft[] = [];
    for (const action of actions) {
      const result = transition(next, action, { now: this.now, policy: this.policy });
      next = result.task;
      if (result.slot !== null) {
        if (slot !== null) throw new InternalError('applyAll: more than one transition changes a slot');
        slot = result.slot;
      }
      if (result.event !== null) drafts.push(result.event);
    }
    await this.tx.tasks.update({ next, expected: { status: task.status, version: task.version }, previous: task });
    this.tasks.set(next.id, next);
    let agent: Agent | null = null;
    if (slot !== null) {
      agent = await this.tx.agents.adjustLoad({ ...slot, force: opts.force ?? false, now: this.now });
      if (agent === null && slot.delta === 1) {
        throw new AgentNotEligibleError(slot.agentId, task.id, 'it is full, paused, offline or unknown');
      }
    }
    const [first, ...rest] = drafts;
    if (first !== undefined) await this.append(first);
    if (agent !== null && slot?.delta === 1 && agent.overloaded && agent.load - 1 <= agent.maxConcurrentTasks) {
      await this.append({
        type: 'agent.overloaded',
        taskId: task.id,
        agentId: agent.id,
        payload: { load: agent.load, maxConcurrentTasks: agent.maxConcurrentTasks },
      });
    }
    for (const draft of rest) await this.append(draft);
    return { task: next, agent };
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

  /**
   * Publishes what committed. Tasks and agents the unit wrote are published as written; an
   * agent's held tasks are read back only when the unit does not account for all of them.
   * An agent several events name is resolved once (a claim's assign and start both name it).
   */
  private publish(work: Work): Promise<void> {
    return this.bus.publishInOrder(this.snapshots(work));
  }

  private async snapshots(work: Work): Promise<PublishedEvent[]> {
    const agents = new Map<string, Promise<AgentState | null>>();
    const out: PublishedEvent[] = [];
    for (const event of work.events) {
      const task = event.taskId !== null ? (work.tasks.get(event.taskId) ?? (await this.store.tasks.get({ id: event.taskId }))) : null;
      let agent: Promise<AgentState | null> | null = null;
      if (event.agentId !== null) {
        agent = agents.get(event.agentId) ?? this.agentState(work, event.agentId);
        agents.set(event.agentId, agent);
      }
      out.push({ event, task, agent: agent === null ? null : await agent });
    }
    return out;
  }

  private async agentState(work: Work, agentId: string): Promise<AgentState | null> {
    const written = work.agents.get(agentId);
    if (written === undefined) return loadAgentState(this.store, agentId);
    if (written === null) return null;
    // `load` counts the held tasks; when the unit holds that many itself (0 or 1: one order either way), they are all.
    const held = [...work.tasks.values()].filter((t) => t.agent === agentId && HELD_STATUSES.has(t.status)).map((t) => t.id);
    if (written.load <= 1 && held.length === written.load) return { ...written, currentTasks: held };
    return { ...written, currentTasks: (await this.store.tasks.listHeldBy({ agentId })).map((t) => t.id) };
  }
}

/** The agent repository of `tx`, noting in `written` each agent as this unit leaves it. */
function recordingAgents(agents: StoreTx['agents'], written: Map<string, Agent | null>): StoreTx['agents'] {
  return {
    get: (p) => agents.get(p),
    list: () => agents.list(),
    listCandidates: (p) => agents.listCandidates(p),
    insert: async (agent) => {
      await agents.insert(agent);
      written.set(agent.id, agent);
    },
    update: async (p) => {
      await agents.update(p);
      written.set(p.next.id, p.next);
    },
    adjustLoad: async (p) => {
      const agent = await agents.adjustLoad(p);
      if (agent !== null) written.set(agent.id, agent);
      return agent;
    },
    delete: async (p) => {
      await agents.delete(p);
      written.set(p.id, null);
    },
  };
}
