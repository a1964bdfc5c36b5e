import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/load-demo.js';
import { TOKENS, startHarness, type Harness } from '../support/api-harness.js';

/**
 * Each seed defect of docs/seed-defects.md that can be observed over HTTP, as a test that
 * fails on the seed's behaviour. (Sockets: realtime.test.ts; start-up: main.test.ts.)
 */
let h: Harness;
afterEach(async () => h.close());

async function task(body: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/api/tasks', body);
  expect(res.statusCode).toBe(201);
  return res.json.task.id;
}

async function agent(body: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/api/agents', body);
  expect(res.statusCode).toBe(201);
  return res.json.agent.id;
}

describe('seed defects', () => {
  it('seed defect 1: tasks survive a restart (persistence)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-persist-'));
    try {
      const file = join(dir, 'db.sqlite');
      h = await startHarness({ file });
      const id = await task({ title: 'Survive a restart', priority: 'P1' });
      await h.close();
      h = await startHarness({ file });
      const res = await h.request('GET', `/api/tasks/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json.task).toMatchObject({ id, title: 'Survive a restart', priority: 'P1' });
    } finally {
      await h.close();
      h = await startHarness();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seed defect 2: tasks can be created and cancelled, agents registered and removed', async () => {
    h = await startHarness();
    const id = await task({ name: 'Created through the API' });
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task.name).toBe('Created through the API');
    const cancelled = await h.request('POST', `/api/tasks/${id}/cancel`, { reason: 'not needed' });
    expect(cancelled.json.task.status).toBe('CANCELLED');
    const agentId = await agent({ name: 'Review Bot', capabilities: ['review'] });
    expect(agentId).toBe('review-bot');
    const removed = await h.request('DELETE', `/api/agents/${agentId}`, undefined, { authorization: `Bearer ${TOKENS.admin}` });
    expect(removed.json).toEqual({ success: true, requeued: [] });
    expect((await h.request('GET', `/api/agents/${agentId}`)).statusCode).toBe(404);
  });

  it('seed defect 3: tasks carry requiredCapabilities, and assignment honours them', async () => {
    h = await startHarness();
    await agent({ id: 'docs', name: 'Docs', capabilities: ['documentation'], reliability: 0.99 });
    await agent({ id: 'fe', name: 'Frontend', capabilities: ['Frontend', 'react'], reliability: 0.5 });
    const id = await task({ title: 'QR scanner', requiredCapabilities: ['frontend', 'React'] });
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task.requiredCapabilities).toEqual(['frontend', 'react']);
    const res = await h.request('POST', `/api/tasks/${id}/assign`);
    expect(res.json.task.agent).toBe('fe');
  });

  it("seed defect 4: an agent's 'ai' does not satisfy a required 'email' (no substring matching)", async () => {
    h = await startHarness();
    await agent({ id: 'ai-bot', name: 'AI bot', capabilities: ['ai'] });
    const id = await task({ title: 'Send the newsletter', requiredCapabilities: ['email'] });
    const res = await h.request('POST', `/api/tasks/${id}/assign`);
    expect(res.statusCode).toBe(409);
    expect(res.json.code).toBe('NO_AVAILABLE_AGENT');
  });

  it('seed defect 5: the queue is ordered by priority, not by load order', async () => {
    h = await startHarness();
    await task({ title: 'Someday', priority: 'P3' });
    await task({ title: 'Soon', priority: 'P2' });
    const urgent = await task({ title: 'Production is down', priority: 'P0' });
    await agent({ name: 'Anyone' });
    const res = await h.request('POST', '/api/tasks/queue/next');
    expect(res.json.task.id).toBe(urgent);
  });

  it('seed defect 6: queue/next never returns a task that is already assigned or failed', async () => {
    h = await startHarness();
    await agent({ name: 'Worker', maxConcurrentTasks: 5 });
    const assigned = await task({ title: 'First' });
    const failed = await task({ title: 'Second' });
    const free = await task({ title: 'Third' });
    await h.request('POST', `/api/tasks/${assigned}/assign`);
    await h.request('POST', `/api/tasks/${failed}/assign`);
    await h.request('POST', `/api/tasks/${failed}/fail`, { reason: 'broken' });
    const next = await h.request('POST', '/api/tasks/queue/next');
    expect(next.json.task.id).toBe(free);
    const after = await h.request('POST', '/api/tasks/queue/next');
    expect(after.json.task).toBeNull();
  });

  it('seed defect 7: an unassignable head does not block queue/next (no head-of-line blocking)', async () => {
    h = await startHarness();
    await agent({ name: 'Frontend', capabilities: ['frontend'] });
    const head = await task({ title: 'DevContainer', priority: 'P0', requiredCapabilities: ['devcontainer'] });
    const doable = await task({ title: 'Button', priority: 'P3', requiredCapabilities: ['frontend'] });
    const res = await h.request('POST', '/api/tasks/queue/next');
    expect(res.json).toMatchObject({ message: 'Next task assigned', task: { id: doable } });
    const stuck = await h.request('POST', '/api/tasks/queue/next');
    expect(stuck.json).toMatchObject({ message: 'No assignable task', task: null, pending: 1 });
    expect((await h.request('GET', `/api/tasks/${head}`)).json.task.status).toBe('PENDING');
  });

  it('seed defect 8: every task gets a per-priority SLA; a violation is reported once, even while PENDING', async () => {
    h = await startHarness();
    const id = await task({ title: 'Urgent', priority: 'P0' });
    const created = (await h.request('GET', `/api/tasks/${id}`)).json.task;
    expect(Date.parse(created.slaDeadline as string) - Date.parse(created.createdAt as string)).toBe(3_600_000);
    h.clock.advance(3_600_000);
    await h.orchestrator.settled();
    h.clock.advance(3 * 3_600_000);
    await h.orchestrator.settled();
    const events = await h.request('GET', `/api/events?taskId=${id}&type=task.sla_warning,task.sla_violated&order=asc`);
    expect(events.json.events.map((e) => e.type)).toEqual(['task.sla_warning', 'task.sla_violated']);
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task).toMatchObject({ status: 'PENDING', slaViolated: true });
  });

  it('seed defect 9: overload is detected and agent status follows its load', async () => {
    h = await startHarness();
    const agentId = await agent({ name: 'Solo', maxConcurrentTasks: 1 });
    expect((await h.request('GET', `/api/agents/${agentId}`)).json.agent.status).toBe('IDLE');
    const first = await task({ title: 'One' });
    const second = await task({ title: 'Two' });
    await h.request('POST', `/api/tasks/${first}/assign`);
    expect((await h.request('GET', `/api/agents/${agentId}`)).json.agent.status).toBe('ACTIVE');
    const forced = await h.request('POST', `/api/tasks/${second}/assign`, { agentId, force: true });
    expect(forced.statusCode).toBe(200);
    const view = (await h.request('GET', `/api/agents/${agentId}`)).json.agent;
    expect(view).toMatchObject({ load: 2, overloaded: true });
    const events = await h.request('GET', `/api/events?agentId=${agentId}&type=agent.overloaded`);
    expect(events.json.events).toHaveLength(1);
  });

  it('seed defect 10: input is validated and transitions follow the state machine', async () => {
    h = await startHarness();
    await agent({ name: 'Worker', maxConcurrentTasks: 3 });
    const id = await task({ title: 'Work' });

    const abc = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 'abc' });
    expect(abc.statusCode).toBe(400);
    expect(abc.json.details).toMatchObject({ field: '/progress' });
    const banana = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 10, status: 'BANANA' });
    expect(banana.statusCode).toBe(400);
    expect(banana.json.details).toMatchObject({ field: '/status' });
    const agentBanana = await h.request('PUT', '/api/agents/worker/status', { status: 'BANANA' });
    expect(agentBanana.statusCode).toBe(400);

    const neverAssigned = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 100 });
    expect(neverAssigned.statusCode).toBe(409);
    expect(neverAssigned.json.code).toBe('TASK_INVALID_TRANSITION');

    await h.request('POST', `/api/tasks/${id}/assign`);
    await h.request('POST', `/api/tasks/${id}/fail`, { reason: 'broken' });
    const completeFailed = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 10, status: 'COMPLETED' });
    expect(completeFailed.statusCode).toBe(409);
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task.status).toBe('FAILED');

    const done = await task({ title: 'Done' });
    await h.request('POST', `/api/tasks/${done}/assign`);
    await h.request('POST', `/api/tasks/${done}/complete`, {});
    const failCompleted = await h.request('POST', `/api/tasks/${done}/fail`, { reason: 'too late' });
    expect(failCompleted.statusCode).toBe(409);
  });

  it('seed defect 11: metrics agree with the report, with an assigned bucket and no double counting', async () => {
    h = await startHarness();
    await agent({ name: 'Worker', maxConcurrentTasks: 5 });
    const ids = [await task({ title: 'a' }), await task({ title: 'b' }), await task({ title: 'c' }), await task({ title: 'd' })];
    for (const id of ids) await h.request('POST', `/api/tasks/${id}/assign`);
    await h.request('PUT', `/api/tasks/${ids[0]}/progress`, { progress: 100 });
    const twice = await h.request('PUT', `/api/tasks/${ids[0]}/progress`, { progress: 100 });
    expect(twice.statusCode).toBe(409);
    await h.request('POST', `/api/tasks/${ids[1]}/fail`, { reason: 'no' });
    await h.request('POST', `/api/tasks/${ids[2]}/start`, {});

    const { metrics } = (await h.request('GET', '/api/tasks/metrics')).json;
    const { summary } = (await h.request('GET', '/api/tasks/report/delegation')).json.report;
    expect(metrics.completedTasks).toBe(1);
    expect(metrics.completedTasks).toBe(summary.completed);
    expect(metrics.failedTasks).toBe(summary.failed);
    expect(metrics.totalTasks).toBe(summary.totalTasks);
    expect(summary).toMatchObject({ assigned: 1, inProgress: 1 });
    const buckets =
      summary.completed + summary.inProgress + summary.pending + summary.failed + summary.assigned + summary.blocked + summary.cancelled;
    expect(buckets).toBe(summary.totalTasks);
    expect(metrics.activeAgents).toBe(1);
  });

  it('seed defect 12: demo tasks name real agent ids, consistent with the agents', async () => {
    h = await startHarness();
    await loadDemo(h.orchestrator);
    expect((await h.request('GET', '/api/tasks/TASK-001')).json.task.agent).toBe('antigravity-main');
    expect((await h.request('GET', '/api/tasks/TASK-009')).json.task.agent).toBe('copilot-agent');
    expect((await h.request('GET', '/api/agents/antigravity-main')).json.agent.currentTasks).toEqual(['TASK-001']);
    const agentIds = new Set((await h.request('GET', '/api/agents')).json.agents.map((a) => a.id));
    for (const t of (await h.request('GET', '/api/tasks')).json.tasks) if (t.agent !== null) expect(agentIds.has(t.agent)).toBe(true);
  });

  it('seed defect 13: unknown ids are 404s, no agent is 409, bad JSON is 400, unknown routes are JSON', async () => {
    h = await startHarness();
    for (const [method, url, body] of [
      ['POST', '/api/tasks/TASK-404/assign', undefined],
      ['PUT', '/api/tasks/TASK-404/progress', { progress: 5 }],
      ['POST', '/api/tasks/TASK-404/fail', { reason: 'x' }],
    ] as const) {
      const res = await h.request(method, url, body);
      expect(res.statusCode, url).toBe(404);
      expect(res.json).toMatchObject({ success: false, code: 'TASK_NOT_FOUND', error: 'Task not found', taskId: 'TASK-404' });
    }
    const id = await task({ title: 'Nobody can do this' });
    const noAgent = await h.request('POST', `/api/tasks/${id}/assign`);
    expect(noAgent.statusCode).toBe(409);
    expect(noAgent.json).toMatchObject({ success: false, code: 'NO_AVAILABLE_AGENT' });

    const badJson = await h.request('POST', '/api/tasks', '{"title": "oops",');
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json).toMatchObject({ success: false, code: 'INVALID_JSON' });

    const unknown = await h.request('GET', '/api/nothing/here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/json/);
    expect(unknown.json).toMatchObject({ success: false, code: 'ROUTE_NOT_FOUND' });
  });

  it('seed defect 14: GET /api/tasks/metrics answers metrics, not "Task not found"', async () => {
    h = await startHarness();
    const res = await h.request('GET', '/api/tasks/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.json).toMatchObject({ success: true, metrics: { totalTasks: 0, completedTasks: 0, failedTasks: 0, activeAgents: 0 } });
  });

  it('seed defect 15: auth is enforced (viewer token, no token when anonymous is none), no wildcard CORS', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    const anonymous = await h.request('GET', '/api/tasks');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
    const viewer = { authorization: `Bearer ${TOKENS.viewer}` };
    expect((await h.request('GET', '/api/tasks', undefined, viewer)).statusCode).toBe(200);
    const write = await h.request('POST', '/api/tasks', { title: 'x' }, viewer);
    expect(write.statusCode).toBe(403);
    expect(write.json.code).toBe('FORBIDDEN');
    const operator = { authorization: `Bearer ${TOKENS.operator}`, origin: 'https://evil.example' };
    const created = await h.request('POST', '/api/tasks', { title: 'x' }, operator);
    expect(created.statusCode).toBe(201);
    expect(created.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('seed defect 16: a failed task drops its agent, can be retried, and keeps its history', async () => {
    h = await startHarness();
    const agentId = await agent({ name: 'Worker', reliability: 0.9 });
    const id = await task({ title: 'Flaky' });
    await h.request('POST', `/api/tasks/${id}/assign`);
    const failed = await h.request('POST', `/api/tasks/${id}/fail`, { reason: 'flaky test' });
    expect(failed.json.task).toMatchObject({ status: 'FAILED', agent: null });
    expect((await h.request('GET', `/api/agents/${agentId}`)).json.agent.reliability).toBeLessThan(0.9);
    const retried = await h.request('POST', `/api/tasks/${id}/retry`, {});
    expect(retried.json.task).toMatchObject({ status: 'PENDING', agent: null });
    const timeline = await h.request('GET', `/api/tasks/${id}/events`);
    expect(timeline.json.events.map((e) => e.type)).toEqual(['task.created', 'task.assigned', 'task.failed', 'task.retried']);
  });
});
