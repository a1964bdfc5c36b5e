import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/load-demo.js';
import { startHarness, type Harness } from '../support/api-harness.js';

/**
 * The seed's 14 endpoints (seed-contract §2) keep their paths, envelopes and fields,
 * so the seed's dashboard and scripts run unchanged. Manual dispatch keeps the demo's
 * pending tasks pending, as in the seed.
 */
let h: Harness;

beforeEach(async () => {
  h = await startHarness({ dispatch: 'manual' });
  await loadDemo(h.orchestrator);
});
afterEach(async () => h.close());

const SEED_TASK_FIELDS = ['id', 'name', 'priority', 'status', 'agent', 'eta', 'description', 'progress'];
const SEED_AGENT_FIELDS = ['id', 'name', 'status', 'capabilities', 'currentTasks', 'maxConcurrentTasks', 'reliability'];

describe('seed endpoint 1: GET /api/tasks', () => {
  it('answers { success, tasks, count } with the seed fields', async () => {
    const res = await h.request('GET', '/api/tasks');
    expect(res.statusCode).toBe(200);
    expect(res.json.success).toBe(true);
    expect(res.json.count).toBe(10);
    expect(res.json.tasks).toHaveLength(10);
    for (const task of res.json.tasks) for (const field of SEED_TASK_FIELDS) expect(task).toHaveProperty(field);
    const first = res.json.tasks[0];
    expect(first).toMatchObject({
      id: 'TASK-001',
      name: 'Testing Infrastructure',
      priority: 'P1',
      status: 'IN_PROGRESS',
      agent: 'antigravity-main',
      eta: '2-4h',
      progress: 50,
    });
    expect(res.json.nextCursor).toBeNull();
  });
});

describe('seed endpoints 2 and 3: by status, by priority', () => {
  it('matches the upper-cased param and echoes it raw', async () => {
    const byStatus = await h.request('GET', '/api/tasks/status/completed');
    expect(byStatus.statusCode).toBe(200);
    expect(byStatus.json).toMatchObject({ success: true, status: 'completed', count: 5 });
    expect(byStatus.json.tasks.every((t) => t.status === 'COMPLETED')).toBe(true);

    const byPriority = await h.request('GET', '/api/tasks/priority/p2');
    expect(byPriority.json).toMatchObject({ success: true, priority: 'p2', count: 4 });
    expect(byPriority.json.tasks.map((t) => t.id)).toEqual(['TASK-005', 'TASK-007', 'TASK-008', 'TASK-009']);
  });

  it('refuses an unknown status or priority with 400 instead of an empty list', async () => {
    const status = await h.request('GET', '/api/tasks/status/banana');
    expect(status.statusCode).toBe(400);
    expect(status.json).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field: '/status' } });
    const priority = await h.request('GET', '/api/tasks/priority/P9');
    expect(priority.statusCode).toBe(400);
    expect(priority.json.details).toMatchObject({ field: '/priority' });
  });
});

describe('seed endpoint 4: GET /api/tasks/:taskId', () => {
  it('answers { success, task }', async () => {
    const res = await h.request('GET', '/api/tasks/TASK-001');
    expect(res.statusCode).toBe(200);
    expect(res.json.task).toMatchObject({ id: 'TASK-001', status: 'IN_PROGRESS', progress: 50, agent: 'antigravity-main' });
    expect(new Date(res.json.task.sla as string).toISOString()).toBe(res.json.task.sla);
  });

  it('answers 404 with the seed fields error and taskId', async () => {
    const res = await h.request('GET', '/api/tasks/TASK-999');
    expect(res.statusCode).toBe(404);
    expect(res.json).toMatchObject({ success: false, error: 'Task not found', code: 'TASK_NOT_FOUND', taskId: 'TASK-999' });
  });
});

describe('seed endpoint 5: POST /api/tasks/:taskId/assign', () => {
  it('assigns with no body and no content type, like the seed dashboard', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/tasks/TASK-005/assign' });
    expect(res.statusCode).toBe(200);
    const json = res.json<{ success: boolean; message: string; task: { status: string; agent: string } }>();
    expect(json).toMatchObject({
      success: true,
      message: 'Task TASK-005 assigned to copilot-agent',
      task: { status: 'ASSIGNED', agent: 'copilot-agent' },
    });
  });

  it('routes each pending demo task to the agent the seed picked', async () => {
    for (const [taskId, agentId] of [
      ['TASK-005', 'copilot-agent'],
      ['TASK-007', 'agent-qr-feature'],
      ['TASK-008', 'agent-n8n-integration'],
    ] as const) {
      const res = await h.request('POST', `/api/tasks/${taskId}/assign`);
      expect(res.json.task.agent).toBe(agentId);
      expect(res.json.agent.id).toBe(agentId);
    }
  });

  it('returns an already assigned task unchanged', async () => {
    await h.request('POST', '/api/tasks/TASK-005/assign');
    const again = await h.request('POST', '/api/tasks/TASK-005/assign');
    expect(again.statusCode).toBe(200);
    expect(again.json).toMatchObject({ success: true, message: 'Task TASK-005 assigned to copilot-agent', changed: false });
  });

  it('accepts an explicit agentId, and force for an ineligible one', async () => {
    const refused = await h.request('POST', '/api/tasks/TASK-007/assign', { agentId: 'copilot-agent' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json.code).toBe('AGENT_NOT_ELIGIBLE');
    const forced = await h.request('POST', '/api/tasks/TASK-007/assign', { agentId: 'copilot-agent', force: true });
    expect(forced.statusCode).toBe(200);
    expect(forced.json.task.agent).toBe('copilot-agent');
    expect(forced.json.task.assignment?.mode).toBe('forced');
  });
});

describe('seed endpoint 6: PUT /api/tasks/:taskId/progress', () => {
  it('updates progress with the seed message', async () => {
    const res = await h.request('PUT', '/api/tasks/TASK-001/progress', { progress: 75 });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: 'Task progress updated', task: { progress: 75, status: 'IN_PROGRESS' } });
  });

  it('completes at 100 or with status COMPLETED', async () => {
    const res = await h.request('PUT', '/api/tasks/TASK-001/progress', { progress: 100 });
    expect(res.json.task).toMatchObject({ status: 'COMPLETED', progress: 100 });
    await h.request('POST', '/api/tasks/TASK-005/assign');
    const byStatus = await h.request('PUT', '/api/tasks/TASK-005/progress', { progress: 10, status: 'COMPLETED' });
    expect(byStatus.json.task.status).toBe('COMPLETED');
  });

  it('requires progress (400 naming the field)', async () => {
    const res = await h.request('PUT', '/api/tasks/TASK-001/progress', {});
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field: '/progress' } });
  });
});

describe('seed endpoint 7: POST /api/tasks/:taskId/fail', () => {
  it('fails with the seed message and keeps the reason', async () => {
    const res = await h.request('POST', '/api/tasks/TASK-001/fail', { reason: 'tests do not build' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      message: 'Task marked as failed',
      task: { status: 'FAILED', failureReason: 'tests do not build' },
    });
  });

  it('requires a reason', async () => {
    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const res = await h.request('POST', '/api/tasks/TASK-001/fail', body);
      expect(res.statusCode).toBe(400);
      expect(res.json.details).toMatchObject({ field: '/reason' });
    }
  });
});

describe('seed endpoint 8: POST /api/tasks/queue/next', () => {
  it('assigns the next task, then says the queue is empty', async () => {
    const first = await h.request('POST', '/api/tasks/queue/next');
    expect(first.json).toMatchObject({ success: true, message: 'Next task assigned' });
    expect(first.json.task.status).toBe('ASSIGNED');
    expect(first.json.agent.id).toBe(first.json.task.agent);
    await h.request('POST', '/api/tasks/queue/next');
    await h.request('POST', '/api/tasks/queue/next');
    const stuck = await h.request('POST', '/api/tasks/queue/next');
    expect(stuck.json).toMatchObject({ success: true, message: 'No assignable task', task: null, pending: 1 });
    await h.request('POST', '/api/tasks/TASK-010/cancel', {});
    const empty = await h.request('POST', '/api/tasks/queue/next');
    expect(empty.json).toEqual({ success: true, message: 'No tasks in queue', task: null });
  });

  it('is POST only: GET is a JSON 404', async () => {
    const res = await h.request('GET', '/api/tasks/queue/next');
    expect(res.statusCode).toBe(404);
    expect(res.json.success).toBe(false);
  });
});

describe('seed endpoint 9: GET /api/tasks/report/delegation', () => {
  it('keeps the seed report shape', async () => {
    const res = await h.request('GET', '/api/tasks/report/delegation');
    expect(res.statusCode).toBe(200);
    const report = res.json.report;
    expect(report.summary).toMatchObject({ totalTasks: 10, completed: 5, inProgress: 1, pending: 4, failed: 0 });
    expect(report.tasksByPriority).toEqual({ P0: 0, P1: 5, P2: 4, P3: 1 });
    const antigravity = report.agents.find((a) => a.id === 'antigravity-main');
    expect(antigravity).toMatchObject({ name: 'Antigravity AI', status: 'ACTIVE', currentLoad: '1/3' });
    expect(antigravity?.reliability).toMatch(/^\d{1,3}%$/);
    expect(report.recentActivity.length).toBeGreaterThan(0);
    for (const a of report.recentActivity) {
      expect(a).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String), status: expect.any(String) }));
      expect(a).toHaveProperty('agent');
      expect(new Date(a.timestamp).toISOString()).toBe(a.timestamp);
    }
  });
});

describe('seed endpoints 10 to 13: agents', () => {
  it('GET /api/agents answers { success, agents, count } with the seed fields', async () => {
    const res = await h.request('GET', '/api/agents');
    expect(res.json).toMatchObject({ success: true, count: 6 });
    for (const agent of res.json.agents) for (const field of SEED_AGENT_FIELDS) expect(agent).toHaveProperty(field);
  });

  it('GET /api/agents/:agentId answers { success, agent }, or the seed 404', async () => {
    const res = await h.request('GET', '/api/agents/antigravity-main');
    expect(res.json.agent).toMatchObject({ id: 'antigravity-main', status: 'ACTIVE', currentTasks: ['TASK-001'], maxConcurrentTasks: 3 });
    const missing = await h.request('GET', '/api/agents/nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json).toMatchObject({ success: false, error: 'Agent not found', code: 'AGENT_NOT_FOUND', agentId: 'nobody' });
  });

  it('PUT /api/agents/:agentId/status answers the seed message', async () => {
    const res = await h.request('PUT', '/api/agents/agent-vps-deploy/status', { status: 'PAUSED' });
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: 'Agent status updated', agent: { id: 'agent-vps-deploy', status: 'PAUSED' } });
    const missing = await h.request('PUT', '/api/agents/nobody/status', { status: 'IDLE' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json.agentId).toBe('nobody');
    const noStatus = await h.request('PUT', '/api/agents/agent-vps-deploy/status', {});
    expect(noStatus.statusCode).toBe(400);
  });

  it('GET /api/agents/:agentId/tasks answers { success, agentId, tasks, count }', async () => {
    const res = await h.request('GET', '/api/agents/antigravity-main/tasks');
    expect(res.json).toMatchObject({ success: true, agentId: 'antigravity-main', count: 1 });
    expect(res.json.tasks[0]?.id).toBe('TASK-001');
    expect((await h.request('GET', '/api/agents/nobody/tasks')).statusCode).toBe(404);
  });
});

describe('seed endpoint 14: metrics', () => {
  it('answers on the seed path and the documented one', async () => {
    for (const url of ['/api/tasks/api/metrics', '/api/tasks/metrics']) {
      const res = await h.request('GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.json.metrics).toMatchObject({ totalTasks: 10, completedTasks: 5, failedTasks: 0, activeAgents: 1 });
    }
  });
});

describe('GET /api/health', () => {
  it('keeps the seed fields status, timestamp and services', async () => {
    const res = await h.request('GET', '/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({
      success: true,
      status: 'healthy',
      timestamp: new Date(h.clock.now()).toISOString(),
      services: { store: true },
    });
  });
});
