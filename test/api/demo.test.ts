import { afterEach, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/load-demo.js';
import { DEMO_AGENTS, DEMO_TASKS } from '../../src/demo/seed-data.js';
import { startHarness, type Harness } from '../support/api-harness.js';

let h: Harness;
afterEach(async () => h.close());

describe('loadDemo', () => {
  it("loads the seed's 10 tasks and 6 agents in their seed states (manual dispatch)", async () => {
    h = await startHarness({ dispatch: 'manual' });
    const result = await loadDemo(h.orchestrator);
    expect(result).toMatchObject({ loaded: true, tasks: 10, agents: 6 });
    const tasks = (await h.request('GET', '/api/tasks')).json.tasks;
    expect(tasks.map((t) => [t.id, t.status, t.agent])).toEqual([
      ['TASK-001', 'IN_PROGRESS', 'antigravity-main'],
      ['TASK-002', 'COMPLETED', 'antigravity-main'],
      ['TASK-003', 'COMPLETED', 'antigravity-main'],
      ['TASK-004', 'COMPLETED', 'antigravity-main'],
      ['TASK-005', 'PENDING', null],
      ['TASK-006', 'COMPLETED', 'antigravity-main'],
      ['TASK-007', 'PENDING', null],
      ['TASK-008', 'PENDING', null],
      ['TASK-009', 'COMPLETED', 'copilot-agent'],
      ['TASK-010', 'PENDING', null],
    ]);
    for (const demo of DEMO_TASKS) {
      const task = tasks.find((t) => t.id === demo.seedId);
      expect(task).toMatchObject({ name: demo.title, description: demo.description, priority: demo.priority, eta: demo.eta });
    }
    const agents = (await h.request('GET', '/api/agents')).json.agents;
    expect(agents.map((a) => [a.id, a.status])).toEqual(DEMO_AGENTS.map((a) => [a.id, a.id === 'antigravity-main' ? 'ACTIVE' : 'IDLE']));
  });

  it('with automatic dispatch the pending tasks go to the agents the seed meant, except the unassignable TASK-010', async () => {
    h = await startHarness({ dispatch: 'auto' });
    await loadDemo(h.orchestrator);
    await h.orchestrator.settled();
    const agentOf = async (id: string) => (await h.request('GET', `/api/tasks/${id}`)).json.task;
    expect((await agentOf('TASK-005')).agent).toBe('copilot-agent');
    expect((await agentOf('TASK-007')).agent).toBe('agent-qr-feature');
    expect((await agentOf('TASK-008')).agent).toBe('agent-n8n-integration');
    expect(await agentOf('TASK-010')).toMatchObject({ status: 'PENDING', agent: null });
    expect(await agentOf('TASK-001')).toMatchObject({ status: 'IN_PROGRESS', agent: 'antigravity-main', progress: 50 });
  });

  it('leaves a store that already has data alone', async () => {
    h = await startHarness();
    await h.request('POST', '/api/tasks', { title: 'Mine' });
    expect(await loadDemo(h.orchestrator)).toMatchObject({ loaded: false });
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(1);
    expect((await h.request('GET', '/api/agents')).json.count).toBe(0);
  });
});
