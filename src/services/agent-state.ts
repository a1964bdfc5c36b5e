import type { StoreReads } from '../core/ports.js';
import { positionOf, type TaskPosition } from '../core/task-order.js';
import type { AgentState } from './types.js';

/** An agent with the ids of the tasks it holds, or null when it is unknown. */
export async function loadAgentState(store: StoreReads, agentId: string): Promise<AgentState | null> {
  const agent = await store.agents.get({ id: agentId });
  if (agent === null) return null;
  const held = await store.tasks.listHeldBy({ agentId });
  return { ...agent, currentTasks: held.map((t) => t.id) };
}

/** Held tasks are read in pages of this size when listing every agent. */
const HELD_PAGE_SIZE = 1000;

/** Every agent with its held tasks, in two queries per page instead of one per agent. */
export async function loadAllAgentStates(store: StoreReads): Promise<AgentState[]> {
  const agents = await store.agents.list();
  const held = new Map<string, string[]>();
  for (let after: TaskPosition | undefined; ;) {
    const page = await store.tasks.list({ status: ['ASSIGNED', 'IN_PROGRESS'], after, limit: HELD_PAGE_SIZE });
    for (const t of page) if (t.agent !== null) held.set(t.agent, [...(held.get(t.agent) ?? []), t.id]);
    const last = page.at(-1);
    if (page.length < HELD_PAGE_SIZE || last === undefined) break;
    after = positionOf(last, 'created');
  }
  return agents.map((a) => ({ ...a, currentTasks: held.get(a.id) ?? [] }));
}
