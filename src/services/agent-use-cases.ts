import type { Agent, AgentAvailability, AgentPatch, NewAgentInput } from '../core/agent.js';
import { AVAILABILITY_OF_STATUS, canTakeWork } from '../core/agent.js';
import type { Clock } from '../core/clock.js';
import { ConflictError } from '../core/errors.js';
import { normaliseCapabilities } from '../core/capabilities.js';
import { agentIdFromName, newAgent } from '../core/factories.js';
import { isEligible, scoreAgent } from '../core/scoring.js';
import type { Task } from '../core/task.js';
import type { EventBus } from './event-bus.js';
import { tasksFor } from './matching.js';
import type { Actor, AgentStatusRequest, IdempotencyClaim } from './types.js';
import type { Work, WorkRunner } from './unit-of-work.js';

/** Agent use cases: registration, status, capacity, heartbeats and pull-mode claims. */
export class AgentUseCases {
  constructor(
    private readonly runner: WorkRunner,
    private readonly clock: Clock,
    private readonly bus: EventBus,
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
   * first task in queue order it may take. With `waitMs`, waits for news on the bus (a task
   * created, requeued, offered to this agent...) up to then.
   */
  async claim(id: string, waitMs: number, actor: Actor): Promise<Task | null> {
    const until = this.clock.now() + waitMs;
    for (;;) {
      const wake = this.#nextTaskNews();
      try {
        const task = await this.runner.run(actor, async (work) => {
          const agent = await this.#touch(work, await work.agent(id));
          // An offer already made to this agent (auto dispatch got there first) is its next task.
          const offered = (await work.tx.tasks.listHeldBy({ agentId: id })).find((t) => t.status === 'ASSIGNED');
          if (offered !== undefined) return (await work.apply(offered, { type: 'start', by: { agentId: id } })).task;
          if (!canTakeWork(agent)) return null;
          for (const candidate of await tasksFor(work.tx, agent, work.now)) {
            // Another agent claiming the same head is passed over, not waited for.
            const task = await work.tx.tasks.lockPending({ id: candidate.id });
            if (task === null || !isEligible(task, agent) || (task.retryAt !== null && task.retryAt > work.now)) continue;
            const chosen = scoreAgent(task, agent, work.now, null);
            const assigned = await work.apply(task, {
              type: 'assign',
              agentId: id,
              decision: { mode: 'claim', chosen, runnersUp: [], consideredCount: 1, decidedAt: work.now },
            });
            return (await work.apply(assigned.task, { type: 'start', by: { agentId: id } })).task;
          }
          return null;
        });
        const left = until - this.clock.now();
        if (task !== null || left <= 0) return task;
        await wake.wait(left);
      } finally {
        wake.cancel();
      }
    }
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

  #nextTaskNews(): { wait(ms: number): Promise<void>; cancel(): void } {
    let release: () => void = () => {};
    const news = new Promise<void>((resolve) => (release = resolve));
    const unsubscribe = this.bus.subscribe(({ event }) => {
      if (event.type.startsWith('task.')) release();
    });
    let cancelTimer: (() => void) | null = null;
    return {
      wait: (ms) => {
        cancelTimer = this.clock.setTimer(ms, release);
        return news;
      },
      cancel: () => {
        unsubscribe();
        cancelTimer?.();
      },
    };
  }
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
