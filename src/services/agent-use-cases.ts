import type { Agent, AgentAvailability, AgentPatch, NewAgentInput } from '../core/agent.js';
import { AVAILABILITY_OF_STATUS, canTakeWork } from '../core/agent.js';
import type { Clock } from '../core/clock.js';
import { ConflictError } from '../core/errors.js';
import { normaliseCapabilities } from '../core/capabilities.js';
import { agentIdFromName, newAgent } from '../core/factories.js';
import { isEligible, scoreAgent } from '../core/scoring.js';
import type { Task } from '../core/task.js';
import type { StoreReads } from '../core/ports.js';
import type { ClaimWaiters, Waiter, Wake } from './claim-waiters.js';
import { tasksFor } from './matching.js';
import type { Actor, AgentStatusRequest, IdempotencyClaim } from './types.js';
import type { Work, WorkRunner } from './unit-of-work.js';

/** Agent use cases: registration, status, capacity, heartbeats and pull-mode claims. */
export class AgentUseCases {
  constructor(
    private readonly runner: WorkRunner,
    private readonly clock: Clock,
    private readonly reads: StoreReads,
    private readonly waiters: ClaimWaiters,
  ) {}

  register(input: NewAgentInput, actor: Actor, claim?: IdempotencyClaim): Promise<Agent> {
    return this.runner.run(actor, async (work) => {
      const agent = newAgent({ ...input, id: input.id ?? (await freeId(work, agentIdFromName(input.name))) }, work.now);
      await work.tx.agents.insert(agent);
      await work.claimIdempotency(claim, { agentId: agent.id });
      await work.append({
        type: 'agent.registered',
        taskId: null,
        agentId: agent.id,
        payload: { name: agent.name, capabilities: agent.capabilities, availability: agent.availability },
      });
      return agent;
    });
  }

  update(id: string, patch: AgentPatch, actor: Actor): Promise<Agent> {
    return this.runner.run(actor, async (work) => {
      const agent = await work.agent(id);
      const next: Agent = {
        ...agent,
        ...definedOnly(patch),
        capabilities: patch.capabilities !== undefined ? normaliseCapabilities(patch.capabilities) : agent.capabilities,
        declaredReliability: patch.reliability ?? agent.declaredReliability,
        updatedAt: work.now,
        version: agent.version + 1,
      };
      next.overloaded = next.load > next.maxConcurrentTasks;
      await work.tx.agents.update({ next, expectedVersion: agent.version });
      await work.append({ type: 'agent.updated', taskId: null, agentId: id, payload: { changes: Object.keys(patch) } });
      if (next.overloaded && !agent.overloaded) {
        await work.append({
          type: 'agent.overloaded',
          taskId: null,
          agentId: id,
          payload: { load: next.load, maxConcurrentTasks: next.maxConcurrentTasks },
        });
      }
      return next;
    });
  }

  setStatus(id: string, status: AgentStatusRequest, actor: Actor): Promise<Agent> {
    return this.runner.run(actor, (work) => setAvailability(work, id, AVAILABILITY_OF_STATUS[status]));
  }

  /** Deletes the agent; each task it held goes back to the queue in the same transaction. */
  remove(id: string, actor: Actor): Promise<{ requeued: string[] }> {
    return this.runner.run(actor, async (work) => {
      await work.agent(id);
      const requeued: string[] = [];
      for (const task of await work.tx.tasks.listHeldBy({ agentId: id })) {
        await work.apply(task, { type: 'requeue', reason: 'agent_removed' });
        requeued.push(task.id);
      }
      await work.tx.agents.delete({ id });
      await work.append({ type: 'agent.removed', taskId: null, agentId: id, payload: { requeued } });
      return { requeued };
    });
  }

  /** The agent is alive: leases of its running tasks are renewed, and it is available again if it had gone OFFLINE. */
  heartbeat(id: string, actor: Actor): Promise<Agent> {
    return this.runner.run(actor, async (work) => {
      let agent = await work.agent(id);
      agent = await this.#touch(work, agent);
      for (const task of await work.tx.tasks.listHeldBy({ agentId: id })) {
        if (task.status === 'IN_PROGRESS') await work.apply(task, { type: 'heartbeat', by: { agentId: id } });
      }
      return agent;
    });
  }

  /**
   * Pull mode: starts the oldest offer made to this agent, or else assigns and starts the
   * first task in queue order it may take. With `waitMs`, waits until a task it may take
   * appears or is offered to it (see ClaimWaiters: one new task wakes one waiting claim),
   * up to then. A wake-up that finds nothing writes nothing.
   */
  async claim(id: string, waitMs: number, actor: Actor): Promise<Task | null> {
    const until = this.clock.now() + waitMs;
    // Registered inside the first attempt, before it reads the queue (see #attempt).
    const held: { waiter: Waiter | null } = { waiter: null };
    let claimed: Task | null = null;
    try {
      let wake: Wake | null = null;
      for (;;) {
        const outcome = await this.#attempt(id, actor, (agent) => {
          held.waiter ??= this.waiters.register(agent);
        });
        claimed = outcome.task;
        if (claimed !== null) return claimed;
        const waiter = held.waiter;
        waiter?.update(outcome.agent);
        if (wake?.kind === 'task') await this.#handOn(wake, id);
        const left = until - this.clock.now();
        if (left <= 0 || waiter === null) return null;
        wake = await waiter.next(left);
        // Timed out: one read-only look (a lost wake-up costs latency, never the task), then the answer.
        if (wake.kind === 'timeout' && !(await this.#mightClaim(id))) return null;
      }
    } finally {
      held.waiter?.cancel(claimed);
    }
  }

  /**
   * One claim transaction. `registered` is called with the agent before the queue is read,
   * so a task committed after that read wakes this claim. The agent's sign of life is
   * written only when it is due (see {@link TOUCH_INTERVAL_MS}) or brings it back online,
   * so an attempt that finds nothing to take writes nothing.
   */
  #attempt(id: string, actor: Actor, registered: (agent: Agent) => void): Promise<{ task: Task | null; agent: Agent }> {
    return this.runner.run(actor, async (work) => {
      let agent = await work.agent(id);
      registered(agent);
      if (touchDue(agent, work.now)) agent = await this.#touch(work, agent);
      // An offer already made to this agent (auto dispatch got there first) is its next task; an agent holding nothing has none.
      const offered = agent.load === 0 ? undefined : (await work.tx.tasks.listHeldBy({ agentId: id })).find((t) => t.status === 'ASSIGNED');
      if (offered !== undefined) return { task: (await work.apply(offered, { type: 'start', by: { agentId: id } })).task, agent };
      if (!canTakeWork(agent)) return { task: null, agent };
      // The first head nearly always is the task: read a couple per group (a full row each) and
      // take the first; only when one is passed over could a task further down a group come
      // first, so then the full peek decides.
      const heads = await tasksFor(work.tx, agent, work.now, CLAIM_PEEK_FIRST);
      const quick = await this.#takeFirst(work, agent, heads, true);
      if (quick !== 'passed-over') return { task: quick, agent };
      const full = await this.#takeFirst(work, agent, await tasksFor(work.tx, agent, work.now), false);
      return { task: full === 'passed-over' ? null : full, agent };
    });
  }

  /**
   * Assigns and starts the first of `candidates` this agent may take, in this transaction.
   * With `stopAtSkip`, the first candidate that cannot be taken ends the search (`passed-over`).
   */
  async #takeFirst(work: Work, agent: Agent, candidates: Task[], stopAtSkip: boolean): Promise<Task | null | 'passed-over'> {
    for (const candidate of candidates) {
      // Another agent claiming the same head is passed over, not waited for.
      const task = await work.tx.tasks.lockPending({ id: candidate.id });
      if (task === null || !isEligible(task, agent) || (task.retryAt !== null && task.retryAt > work.now)) {
        if (stopAtSkip) return 'passed-over';
        continue;
      }
      const chosen = scoreAgent(task, agent, work.now, null);
      const decision = { mode: 'claim' as const, chosen, runnersUp: [], consideredCount: 1, decidedAt: work.now };
      // Assigned and started in one write of the task row: both events, one update.
      const claimed = await work.applyAll(task, [
        { type: 'assign', agentId: agent.id, decision },
        { type: 'start', by: { agentId: agent.id } },
      ]);
      return claimed.task;
    }
    return null;
  }

  /** Woken for a task it could not take: if that task still waits, the next waiting claim that may take it is woken. */
  async #handOn(wake: Extract<Wake, { kind: 'task' }>, id: string): Promise<void> {
    const current = await this.reads.tasks.get({ id: wake.task.id });
    if (current?.status === 'PENDING') this.waiters.handOn(current, wake.tried, id);
  }

  /** Whether a claim now could find something, from committed reads only (no transaction). */
  async #mightClaim(id: string): Promise<boolean> {
    const agent = await this.reads.agents.get({ id });
    if (agent === null || touchDue(agent, this.clock.now())) return true;
    if ((await this.reads.tasks.listHeldBy({ agentId: id })).some((t) => t.status === 'ASSIGNED')) return true;
    return canTakeWork(agent) && (await tasksFor(this.reads, agent, this.clock.now())).length > 0;
  }

  /** Records a sign of life; an OFFLINE agent becomes available again. */
  async #touch(work: Work, agent: Agent): Promise<Agent> {
    const availability = agent.availability === 'OFFLINE' ? 'AVAILABLE' : agent.availability;
    const next: Agent = { ...agent, availability, lastHeartbeatAt: work.now, updatedAt: work.now, version: agent.version + 1 };
    await work.tx.agents.update({ next, expectedVersion: agent.version });
    if (availability !== agent.availability)
      await work.append({ type: 'agent.status_changed', taskId: null, agentId: agent.id, payload: { availability } });
    return next;
  }
}

/**
 * A claim records the agent's sign of life at most this often. Claims come many times a
 * second from a busy agent; the lease and offline timers work in tens of seconds, so a
 * `lastHeartbeatAt` up to a second old changes no decision and saves a write per claim.
 */
export const TOUCH_INTERVAL_MS = 1_000;

/** Tasks a claim first reads per capability group (a full row each); QUEUE_PEEK only when one of them was passed over. */
export const CLAIM_PEEK_FIRST = 2;

function touchDue(agent: Agent, now: number): boolean {
  return agent.availability === 'OFFLINE' || agent.lastHeartbeatAt === null || now - agent.lastHeartbeatAt >= TOUCH_INTERVAL_MS;
}

async function setAvailability(work: Work, id: string, availability: AgentAvailability): Promise<Agent> {
  const agent = await work.agent(id);
  if (agent.availability === availability) return agent;
  const next: Agent = { ...agent, availability, updatedAt: work.now, version: agent.version + 1 };
  await work.tx.agents.update({ next, expectedVersion: agent.version });
  await work.append({ type: 'agent.status_changed', taskId: null, agentId: id, payload: { availability } });
  return next;
}

/** `base`, or `base-2`, `base-3`... when taken. */
async function freeId(work: Work, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if ((await work.tx.agents.get({ id })) === null) return id;
    if (n > 1000) throw new ConflictError('agent', `${base}-${n}`, { tried: n });
  }
}

function definedOnly(patch: AgentPatch): Partial<Agent> {
  const out: Partial<Agent> = {};
  if (patch.name !== undefined) out.name = patch.name;
  if (patch.kind !== undefined) out.kind = patch.kind;
  if (patch.maxConcurrentTasks !== undefined) out.maxConcurrentTasks = patch.maxConcurrentTasks;
  if (patch.costPerHour !== undefined) out.costPerHour = patch.costPerHour;
  return out;
}
