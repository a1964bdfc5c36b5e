import { expect } from 'vitest';
import { call } from '../support/server-process.js';

interface AgentJson {
  id: string;
  load: number;
  maxConcurrentTasks: number;
  currentTasks: string[];
}

interface TaskJson {
  id: string;
  status: string;
  agent: string | null;
}

/**
 * The invariants a crash or a race must never break: each held task has exactly one
 * holder, the holder lists it, agent loads equal what they hold and never exceed their
 * capacity (no forced assignments are made in these tests).
 */
export async function expectConsistent(baseUrl: string): Promise<{ tasks: TaskJson[]; agents: AgentJson[] }> {
  const tasks: TaskJson[] = [];
  for (let cursor: number | null = 0; cursor !== null;) {
    const page = await call(baseUrl, 'GET', `/api/tasks?limit=1000${cursor > 0 ? `&cursor=${cursor}` : ''}`);
    tasks.push(...(page.json.tasks as TaskJson[]));
    cursor = page.json.nextCursor as number | null;
  }
  const agents = (await call(baseUrl, 'GET', '/api/agents')).json.agents as AgentJson[];
  const holders = new Map<string, string[]>();
  for (const a of agents) for (const id of a.currentTasks) holders.set(id, [...(holders.get(id) ?? []), a.id]);
  for (const t of tasks) {
    const held = t.status === 'ASSIGNED' || t.status === 'IN_PROGRESS';
    expect(holders.get(t.id) ?? [], `holders of ${t.id} (${t.status})`).toEqual(held && t.agent !== null ? [t.agent] : []);
  }
  for (const a of agents) {
    expect(a.load, `load of ${a.id}`).toBe(a.currentTasks.length);
    expect(a.load, `capacity of ${a.id}`).toBeLessThanOrEqual(a.maxConcurrentTasks);
  }
  return { tasks, agents };
}
