import type { Agent } from '../core/agent.js';
import { holdsAll } from '../core/capabilities.js';
import type { StoreReads } from '../core/ports.js';
import { compareQueueOrder } from '../core/queue-order.js';
import { RUNNERS_UP_KEPT, parseEtaMs, rankAgents } from '../core/scoring.js';
import type { AssignmentDecision, ScoredCandidate, Task } from '../core/task.js';
import type { Work } from './unit-of-work.js';

/**
 * At most this many eligible agents (least recently assigned first) are scored per
 * decision, so a decision costs the same with 50 agents or 5,000.
 */
export const CANDIDATES_SCORED_MAX = 64;

/** Tasks looked at per capability group: enough to pass over tasks that exclude an agent or that others are claiming. */
export const QUEUE_PEEK = 16;

/** Scores the agents that could take `task` now, best first. */
export async function rankCandidates(reads: StoreReads, task: Task, now: number): Promise<ScoredCandidate[]> {
  const agents = await reads.agents.listCandidates({
    requiredCapabilities: task.requiredCapabilities,
    excluded: task.excludedAgents,
    limit: CANDIDATES_SCORED_MAX,
  });
  return rankAgents(task, agents, now, parseEtaMs(task.eta));
}

export function decisionFrom(ranked: ScoredCandidate[], mode: AssignmentDecision['mode'], now: number): AssignmentDecision | null {
  const [chosen, ...rest] = ranked;
  if (chosen === undefined) return null;
  return { mode, chosen, runnersUp: rest.slice(0, RUNNERS_UP_KEPT), consideredCount: ranked.length, decidedAt: now };
}

/** What became of an attempt to assign one task. */
export type AssignOutcome = { task: Task; agent: Agent } | 'taken' | 'no-agent';

/**
 * Locks `task` and assigns it to its best eligible agent within `work`. `taken` means
 * another transaction is claiming it or already moved it (skip it, do not wait for it);
 * `no-agent` means nobody eligible has a free slot.
 */
export async function assignBest(work: Work, task: Task, mode: AssignmentDecision['mode']): Promise<AssignOutcome> {
  const locked = await work.tx.tasks.lockPending({ id: task.id });
  if (locked === null || (locked.retryAt !== null && locked.retryAt > work.now)) return 'taken';
  const decision = decisionFrom(await rankCandidates(work.tx, locked, work.now), mode, work.now);
  if (decision === null) return 'no-agent';
  const result = await work.apply(locked, { type: 'assign', agentId: decision.chosen.agentId, decision });
  return result.agent === null ? 'no-agent' : { task: result.task, agent: result.agent };
}

/**
 * The tasks this agent may take, in queue order: the first few of every capability
 * group it can serve. PENDING tasks are indexed by group, so the cost grows with the
 * number of distinct groups, not with the number of waiting tasks.
 */
export async function tasksFor(reads: StoreReads, agent: Agent, now: number, perGroup = QUEUE_PEEK): Promise<Task[]> {
  const tasks: Task[] = [];
  for (const key of await reads.tasks.pendingCapabilityKeys()) {
    if (!holdsAll(agent.capabilities, splitKey(key))) continue;
    const queue = await reads.tasks.peekQueue({ capabilityKey: key, now, limit: perGroup });
    tasks.push(...queue.filter((t) => !t.excludedAgents.includes(agent.id)));
  }
  return tasks.sort(compareQueueOrder);
}

/**
 * The heads of every capability group, merged in queue order. A group no agent can
 * serve is skipped whole, so an unassignable head never blocks the queue.
 */
export async function queueHeads(reads: StoreReads, now: number): Promise<Task[]> {
  const heads: Task[] = [];
  for (const key of await reads.tasks.pendingCapabilityKeys()) {
    const servable = await reads.agents.listCandidates({ requiredCapabilities: splitKey(key), excluded: [], limit: 1 });
    if (servable.length === 0) continue;
    heads.push(...(await reads.tasks.peekQueue({ capabilityKey: key, now, limit: QUEUE_PEEK })));
  }
  return heads.sort(compareQueueOrder);
}

function splitKey(key: string): string[] {
  return key === '' ? [] : key.split(',');
}
