import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const admin = { authorization: `Bearer ${TOKENS.admin}` };
const as = (agentId: string) => ({ authorization: `Bearer ${agentToken(agentId)}` });

async function register(body: Record<string, unknown>) {
  const res = await h.request('POST', '/api/agents', body);
  expect(res.statusCode).toBe(201);
  return res.json.agent;
}

async function createTask(body: Record<string, unknown> = { title: 'Work' }): Promise<string> {
  return (await h.request('POST', '/api/tasks', body)).json.task.id;
}

describe('POST /api/agents', () => {
  it('registers an agent with every field', async () => {
    const agent = await register({
      id: 'claude-1',
      name: 'Claude',
      kind: 'ai',
      capabilities: ['TypeScript', 'code review'],
      maxConcurrentTasks: 4,
      reliability: 0.8,
      costPerHour: 3.5,
    });
    expect(agent).toMatchObject({
      id: 'claude-1',
      name: 'Claude',
      kind: 'ai',
      status: 'IDLE',
      capabilities: ['code-review', 'typescript'],
      currentTasks: [],
      maxConcurrentTasks: 4,
      declaredReliability: 0.8,
      costPerHour: 3.5,
    });
  });

  it('refuses a duplicate id (409) and bad fields (400 naming the field)', async () => {
    await register({ id: 'dup', name: 'One' });
    const dup = await h.request('POST', '/api/agents', { id: 'dup', name: 'Two' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json.code).toBe('ALREADY_EXISTS');
    for (const [body, field] of [
      [{ name: 'x', reliability: 2 }, '/reliability'],
      [{ name: 'x', maxConcurrentTasks: 0 }, '/maxConcurrentTasks'],
      [{ name: 'x', kind: 'robot' }, '/kind'],
      [{ name: 'x', id: 'has spaces' }, '/id'],
      [{ capabilities: [] }, '/name'],
    ] as const) {
      const res = await h.request('POST', '/api/agents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json.details.field).toBe(field);
    }
  });

  it("registers the seed's own agent objects as they are (seed-contract §4)", async () => {
    const seedAgents = [
      {
        id: 'antigravity-main',
        name: 'Antigravity AI',
        status: 'ACTIVE',
        capabilities: ['infrastructure', 'testing', 'cicd', 'security'],
        currentTasks: ['TASK-001'],
        maxConcurrentTasks: 3,
        reliability: 0.98,
      },
      {
        id: 'agent-security-cleanup',
        name: 'Security Agent',
        status: 'IDLE',
        capabilities: ['security', 'credentials', 'audit'],
        currentTasks: [],
        maxConcurrentTasks: 1,
        reliability: 0.95,
      },
    ];
    for (const body of seedAgents) {
      const agent = await register(body);
      expect(agent).toMatchObject({
        id: body.id,
        name: body.name,
        capabilities: [...body.capabilities].sort(),
        maxConcurrentTasks: body.maxConcurrentTasks,
        declaredReliability: body.reliability,
        availability: 'AVAILABLE',
        // ACTIVE and IDLE both mean available; with no task held it shows IDLE.
        status: 'IDLE',
        // Server-owned: the seed's currentTasks is ignored, a new agent holds nothing.
        currentTasks: [],
        load: 0,
      });
    }
  });

  it('applies status as the starting state: IDLE/ACTIVE available, PAUSED, OFFLINE; recorded in agent.registered', async () => {
    for (const [status, availability, shown] of [
      ['IDLE', 'AVAILABLE', 'IDLE'],
      ['ACTIVE', 'AVAILABLE', 'IDLE'],
      ['PAUSED', 'PAUSED', 'PAUSED'],
      ['OFFLINE', 'OFFLINE', 'OFFLINE'],
    ] as const) {
      const agent = await register({ id: `s-${status.toLowerCase()}`, name: status, status });
      expect(agent, status).toMatchObject({ availability, status: shown });
      const events = (await h.request('GET', `/api/events?agentId=${agent.id}&type=agent.registered`)).json.events;
      expect(events.map((e) => ('availability' in e.payload ? e.payload.availability : null))).toEqual([availability]);
    }
  });

  it('a paused registration takes no work until it is made available', async () => {
    await register({ id: 'paused-worker', name: 'Paused', status: 'PAUSED' });
    const id = await createTask();
    const assign = await h.request('POST', `/api/tasks/${id}/assign`);
    expect(assign.statusCode).toBe(409);
    expect(assign.json.code).toBe('NO_AVAILABLE_AGENT');
  });

  it('refuses a bad status or currentTasks, and fields the seed never sent, naming the field', async () => {
    for (const [body, field] of [
      [{ name: 'x', status: 'OVERLOADED' }, '/status'],
      [{ name: 'x', status: 'idle' }, '/status'],
      [{ name: 'x', currentTasks: 'TASK-001' }, '/currentTasks'],
      [{ name: 'x', currentTasks: [7] }, '/currentTasks/0'],
      [{ name: 'x', lastHeartbeatAt: '2026-01-01T00:00:00.000Z' }, '/lastHeartbeatAt'],
      [{ name: 'x', load: 2 }, '/load'],
      [{ name: 'x', priority: 'P1' }, '/priority'],
    ] as const) {
      const res = await h.request('POST', '/api/agents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('VALIDATION_FAILED');
      expect(res.json.details.field, JSON.stringify(body)).toBe(field);
    }
    expect((await h.request('GET', '/api/agents')).json.count).toBe(0);
  });

  it('honours Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'register-once' };
    const first = await h.request('POST', '/api/agents', { name: 'Once' }, key);
    const again = await h.request('POST', '/api/agents', { name: 'Once' }, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json.agent.id).toBe(first.json.agent.id);
    expect((await h.request('GET', '/api/agents')).json.count).toBe(1);
  });
});

describe('PATCH and DELETE /api/agents/:agentId', () => {
  it('edits an agent', async () => {
    await register({ id: 'a1', name: 'Old' });
    const res = await h.request('PATCH', '/api/agents/a1', { name: 'New', capabilities: ['rust'], maxConcurrentTasks: 2 });
    expect(res.json.agent).toMatchObject({ name: 'New', capabilities: ['rust'], maxConcurrentTasks: 2 });
    expect((await h.request('PATCH', '/api/agents/a1', {})).statusCode).toBe(400);
    expect((await h.request('PATCH', '/api/agents/nobody', { name: 'x' })).statusCode).toBe(404);
  });

  it('removal requeues the tasks the agent held', async () => {
    await register({ id: 'leaving', name: 'Leaving', maxConcurrentTasks: 2 });
    const id = await createTask();
    await h.request('POST', `/api/tasks/${id}/assign`);
    const res = await h.request('DELETE', '/api/agents/leaving', undefined, admin);
    expect(res.json).toEqual({ success: true, requeued: [id] });
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task).toMatchObject({ status: 'PENDING', agent: null });
  });
});

describe('DELETE /api/agents/:agentId by role (admin only, as README and OpenAPI say)', () => {
  beforeEach(async () => {
    await h.close();
    h = await startHarness({ anonymousRole: 'none' });
    await h.request('POST', '/api/agents', { id: 'held', name: 'Held' }, admin);
    const id = (await h.request('POST', '/api/tasks', { title: 'Work' }, admin)).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`, {}, admin);
  });

  it.each([
    ['operator', `Bearer ${TOKENS.operator}`],
    ['viewer', `Bearer ${TOKENS.viewer}`],
    ['agent (even its own)', `Bearer ${agentToken('held')}`],
  ])('%s: 403 FORBIDDEN, the agent and its task stay', async (_role, authorization) => {
    const res = await h.request('DELETE', '/api/agents/held', undefined, { authorization });
    expect(res.statusCode).toBe(403);
    expect(res.json.code).toBe('FORBIDDEN');
    expect((await h.request('GET', '/api/agents/held', undefined, admin)).json.agent.currentTasks).toEqual(['TASK-001']);
  });

  it('admin: 200, the agent is gone and its task requeued', async () => {
    const res = await h.request('DELETE', '/api/agents/held', undefined, admin);
    expect(res.json).toEqual({ success: true, requeued: ['TASK-001'] });
    expect((await h.request('GET', '/api/agents/held', undefined, admin)).statusCode).toBe(404);
  });

  it('the README and the OpenAPI summary both say admin only', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes('`DELETE /api/agents/:id`'));
    expect(row).toMatch(/admin only/);
    const security = readme.slice(readme.indexOf('## Security'), readme.indexOf('## API'));
    expect(security).toMatch(/`admin` \(everything: tokens and removing\s+agents\)/);
    const doc = (await h.request('GET', '/api/openapi.json', undefined, admin)).json as unknown as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    expect(doc.paths['/api/agents/{agentId}']?.delete?.summary).toMatch(/admin only/);
  });
});

describe('agent protocol: heartbeat and claim', () => {
  it('heartbeat marks the agent seen and brings it back from OFFLINE', async () => {
    await register({ id: 'hb', name: 'Beating' });
    await h.request('PUT', '/api/agents/hb/status', { status: 'OFFLINE' });
    const res = await h.request('POST', '/api/agents/hb/heartbeat', undefined, as('hb'));
    expect(res.statusCode).toBe(200);
    expect(res.json.agent).toMatchObject({ status: 'IDLE', lastHeartbeatAt: new Date(h.clock.now()).toISOString() });
  });

  it('an agent token may heartbeat and claim only as itself', async () => {
    await register({ id: 'me', name: 'Me' });
    await register({ id: 'other', name: 'Other' });
    for (const url of ['/api/agents/other/heartbeat', '/api/agents/other/claim']) {
      const res = await h.request('POST', url, {}, as('me'));
      expect(res.statusCode, url).toBe(403);
      expect(res.json.code).toBe('FORBIDDEN');
    }
  });

  it('claim assigns and starts the best task, or answers task null', async () => {
    await register({ id: 'puller', name: 'Puller', capabilities: ['go'] });
    const empty = await h.request('POST', '/api/agents/puller/claim', {}, as('puller'));
    expect(empty.json).toEqual({ success: true, task: null });
    await createTask({ title: 'Python thing', requiredCapabilities: ['python'] });
    const goTask = await createTask({ title: 'Go thing', requiredCapabilities: ['go'] });
    const res = await h.request('POST', '/api/agents/puller/claim', { waitMs: 0 }, as('puller'));
    expect(res.json.task).toMatchObject({ id: goTask, status: 'IN_PROGRESS', agent: 'puller' });
  });

  it('claim long-polls until work arrives', async () => {
    await register({ id: 'waiter', name: 'Waiter' });
    const pending = h.request('POST', '/api/agents/waiter/claim', { waitMs: 30_000 }, as('waiter'));
    const id = await createTask({ title: 'Arrives later' });
    const res = await pending;
    expect(res.json.task).toMatchObject({ id, status: 'IN_PROGRESS' });
  });

  it('claim refuses a wait over 30 s', async () => {
    await register({ id: 'greedy', name: 'Greedy' });
    const res = await h.request('POST', '/api/agents/greedy/claim', { waitMs: 60_000 });
    expect(res.statusCode).toBe(400);
    expect(res.json.details.field).toBe('/waitMs');
  });

  it('an agent reports only on the tasks it holds', async () => {
    await register({ id: 'holder', name: 'Holder' });
    await register({ id: 'intruder', name: 'Intruder' });
    const id = await createTask();
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'holder' });
    const intrusion = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 90 }, as('intruder'));
    expect(intrusion.statusCode).toBe(409);
    expect(intrusion.json.code).toBe('STALE_LEASE');
    const own = await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 90 }, as('holder'));
    expect(own.json.task).toMatchObject({ progress: 90, status: 'IN_PROGRESS' });
    const events = await h.request('GET', `/api/tasks/${id}/events`);
    expect(events.json.events.at(-1)).toMatchObject({ type: 'task.progressed', actor: 'agent:holder' });
  });
});

describe('claim under automatic dispatch (the default)', () => {
  beforeEach(async () => {
    await h.close();
    h = await startHarness({ dispatch: 'auto' });
  });

  it('returns, started, a task already offered to the agent instead of waiting', async () => {
    await register({ id: 'claude-1', name: 'Claude Code', capabilities: ['testing'] });
    const id = await createTask({ title: 'Add tests', requiredCapabilities: ['testing'] });
    await h.orchestrator.settled();
    expect((await h.request('GET', `/api/tasks/${id}`)).json.task).toMatchObject({ status: 'ASSIGNED', agent: 'claude-1' });
    const res = await h.request('POST', '/api/agents/claude-1/claim', { waitMs: 20_000 }, as('claude-1'));
    expect(res.json.task).toMatchObject({ id, status: 'IN_PROGRESS', agent: 'claude-1', attempts: 1 });
  });

  it('wakes a waiting claim the moment a task is offered to its agent', async () => {
    await register({ id: 'waiter', name: 'Waiter' });
    const claim = h.request('POST', '/api/agents/waiter/claim', { waitMs: 20_000 }, as('waiter'));
    const id = await createTask({ title: 'Arrives later' });
    const res = await claim;
    expect(res.json.task).toMatchObject({ id, status: 'IN_PROGRESS', agent: 'waiter' });
  });
});
