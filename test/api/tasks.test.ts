import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { TOKENS, startHarness, type Harness } from '../support/api-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function create(body: Record<string, unknown>, headers?: Record<string, string>) {
  return h.request('POST', '/api/tasks', body, headers);
}

async function registerWorker(body: Record<string, unknown> = {}) {
  const res = await h.request('POST', '/api/agents', { name: 'Worker', maxConcurrentTasks: 10, ...body });
  expect(res.statusCode).toBe(201);
  return res.json.agent.id;
}

describe('POST /api/tasks', () => {
  it('creates a task with every field and answers 201 { success, task }', async () => {
    const res = await create({
      title: 'Add SSO',
      description: 'SAML and OIDC',
      priority: 'P1',
      requiredCapabilities: ['Backend', 'auth'],
      preferredCapabilities: ['security'],
      labels: ['q3'],
      eta: '2h',
      slaDeadline: '2026-01-13T09:00:00.000Z',
      maxAttempts: 3,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json.success).toBe(true);
    expect(res.json.task).toMatchObject({
      id: 'TASK-001',
      title: 'Add SSO',
      name: 'Add SSO',
      priority: 'P1',
      status: 'PENDING',
      requiredCapabilities: ['auth', 'backend'],
      preferredCapabilities: ['security'],
      labels: ['q3'],
      eta: '2h',
      slaDeadline: '2026-01-13T09:00:00.000Z',
      maxAttempts: 3,
      agent: null,
      progress: 0,
    });
  });

  it('accepts the seed name `name` for the title, and requires one of them', async () => {
    expect((await create({ name: 'Seed style' })).json.task.title).toBe('Seed style');
    const missing = await create({ description: 'no title' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: '/title' } });
  });

  it('rejects unknown fields and bad values, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x', priorty: 'P1' }, '/priorty'],
      [{ title: 'x', priority: 'P5' }, '/priority'],
      [{ title: 'x', maxAttempts: 0 }, '/maxAttempts'],
      [{ title: 'x', maxAttempts: 21 }, '/maxAttempts'],
      [{ title: 'x', slaDeadline: 'tomorrow' }, '/slaDeadline'],
      [{ title: 'x', requiredCapabilities: ['ok', ''] }, '/requiredCapabilities/1'],
      [{ title: '   ' }, '/title'],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json.details.field, JSON.stringify(body)).toBe(field);
      expect(res.json.error).toContain(field);
    }
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(0);
  });

  it('blocks a task on open dependencies and refuses unknown ones', async () => {
    const dep = (await create({ title: 'First' })).json.task.id;
    const blocked = await create({ title: 'Second', dependsOn: [dep] });
    expect(blocked.json.task.status).toBe('BLOCKED');
    const unknown = await create({ title: 'Third', dependsOn: ['TASK-999'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json.code).toBe('DEPENDENCY_NOT_FOUND');

    await registerWorker();
    await h.request('POST', `/api/tasks/${dep}/assign`);
    await h.request('POST', `/api/tasks/${dep}/complete`, { result: { pr: 42 } });
    expect((await h.request('GET', `/api/tasks/${blocked.json.task.id}`)).json.task.status).toBe('PENDING');
    expect((await h.request('GET', `/api/tasks/${dep}`)).json.task.result).toEqual({ pr: 42 });
  });
});

describe('Idempotency-Key on POST /api/tasks', () => {
  it('replays the stored answer for the same key and body', async () => {
    const key = { 'idempotency-key': 'create-sso-1' };
    const first = await create({ title: 'SSO', priority: 'P1' }, key);
    const again = await create({ priority: 'P1', title: 'SSO' }, key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json).toEqual(first.json);
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(1);
  });

  it('refuses the same key with another body (422)', async () => {
    const key = { 'idempotency-key': 'k-2' };
    await create({ title: 'One' }, key);
    const other = await create({ title: 'Two' }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json).toMatchObject({ success: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(1);
  });

  it('scopes keys by caller and validates them', async () => {
    const key = 'shared-key';
    await create({ title: 'Mine' }, { 'idempotency-key': key });
    const theirs = await create({ title: 'Mine' }, { 'idempotency-key': key, authorization: `Bearer ${TOKENS.operator}` });
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(2);
    const tooLong = await create({ title: 'x' }, { 'idempotency-key': 'k'.repeat(300) });
    expect(tooLong.statusCode).toBe(400);
  });

  it('serialises concurrent retries with the same key', async () => {
    const key = { 'idempotency-key': 'burst' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => create({ title: 'Burst' }, key)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(201));
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    expect(new Set(answers.map((a) => a.json.task.id)).size).toBe(1);
    expect((await h.request('GET', '/api/tasks')).json.count).toBe(1);
  });
});

describe('PATCH /api/tasks/:taskId', () => {
  it('edits a waiting task', async () => {
    const id = (await create({ title: 'Draft', priority: 'P3' })).json.task.id;
    const res = await h.request('PATCH', `/api/tasks/${id}`, { name: 'Final', priority: 'P0', labels: ['hot'] });
    expect(res.statusCode).toBe(200);
    expect(res.json.task).toMatchObject({ title: 'Final', name: 'Final', priority: 'P0', labels: ['hot'] });
  });

  it('refuses an empty patch, capability changes once assigned, and edits of ended tasks', async () => {
    const id = (await create({ title: 'Draft' })).json.task.id;
    expect((await h.request('PATCH', `/api/tasks/${id}`, {})).statusCode).toBe(400);
    await registerWorker();
    await h.request('POST', `/api/tasks/${id}/assign`);
    const caps = await h.request('PATCH', `/api/tasks/${id}`, { requiredCapabilities: ['rust'] });
    expect(caps.statusCode).toBe(409);
    await h.request('POST', `/api/tasks/${id}/cancel`, {});
    expect((await h.request('PATCH', `/api/tasks/${id}`, { title: 'late' })).statusCode).toBe(409);
  });
});

describe('task lifecycle routes', () => {
  it('start, progress, complete', async () => {
    await registerWorker();
    const id = (await create({ title: 'Ship it' })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`);
    const started = await h.request('POST', `/api/tasks/${id}/start`, {});
    expect(started.json.task).toMatchObject({ status: 'IN_PROGRESS' });
    expect(started.json.task.leaseExpiresAt).not.toBeNull();
    const done = await h.request('POST', `/api/tasks/${id}/complete`, { result: 'merged' });
    expect(done.json.task).toMatchObject({ status: 'COMPLETED', progress: 100, result: 'merged' });
  });

  it('reject sends the offer back to the queue without the rejecting agent', async () => {
    const agentId = await registerWorker();
    const id = (await create({ title: 'Not for me' })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`);
    const res = await h.request('POST', `/api/tasks/${id}/reject`, { reason: 'outside my skills' });
    expect(res.json.task).toMatchObject({ status: 'PENDING', agent: null, excludedAgents: [agentId] });
    expect((await h.request('POST', `/api/tasks/${id}/reject`, {})).statusCode).toBe(400);
  });

  it('cancel ends a task; retry only applies to FAILED ones', async () => {
    const id = (await create({ title: 'Obsolete' })).json.task.id;
    expect((await h.request('POST', `/api/tasks/${id}/retry`, {})).statusCode).toBe(409);
    const cancelled = await h.request('POST', `/api/tasks/${id}/cancel`);
    expect(cancelled.json.task.status).toBe('CANCELLED');
    expect((await h.request('POST', `/api/tasks/${id}/cancel`, {})).statusCode).toBe(409);
  });

  it('refuses a report with a superseded lease token, from the body or the header', async () => {
    await registerWorker();
    const id = (await create({ title: 'Fenced' })).json.task.id;
    const assigned = await h.request('POST', `/api/tasks/${id}/assign`);
    const token = assigned.json.task.leaseToken;
    const stale = await h.request('POST', `/api/tasks/${id}/start`, { leaseToken: token + 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json.code).toBe('STALE_LEASE');
    const staleHeader = await h.request('POST', `/api/tasks/${id}/start`, {}, { 'x-lease-token': String(token + 1) });
    expect(staleHeader.json.code).toBe('STALE_LEASE');
    expect((await h.request('POST', `/api/tasks/${id}/start`, {}, { 'x-lease-token': 'abc' })).statusCode).toBe(400);
    const ok = await h.request('POST', `/api/tasks/${id}/start`, {}, { 'x-lease-token': String(token) });
    expect(ok.json.task.status).toBe('IN_PROGRESS');
  });
});

describe('GET /api/tasks filters and pagination', () => {
  beforeEach(async () => {
    await create({ title: 'Fix login bug', priority: 'P0', labels: ['auth'], requiredCapabilities: ['backend'] });
    await create({ title: 'Dark mode', priority: 'P2', requiredCapabilities: ['frontend'] });
    await create({ title: 'Docs for login', priority: 'P3', description: 'explain the LOGIN flow' });
  });

  it('filters by status, priority, capability, label and text', async () => {
    const ids = async (query: string) => (await h.request('GET', `/api/tasks?${query}`)).json.tasks.map((t) => t.id);
    expect(await ids('priority=P0,p3')).toEqual(['TASK-001', 'TASK-003']);
    expect(await ids('status=pending')).toEqual(['TASK-001', 'TASK-002', 'TASK-003']);
    expect(await ids('status=COMPLETED')).toEqual([]);
    expect(await ids('capability=Frontend')).toEqual(['TASK-002']);
    expect(await ids('label=auth')).toEqual(['TASK-001']);
    expect(await ids('q=login')).toEqual(['TASK-001', 'TASK-003']);
  });

  it('pages with limit and cursor', async () => {
    const first = await h.request('GET', '/api/tasks?limit=2');
    expect(first.json.tasks.map((t) => t.id)).toEqual(['TASK-001', 'TASK-002']);
    expect(first.json.nextCursor).not.toBeNull();
    const second = await h.request('GET', `/api/tasks?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.tasks.map((t) => t.id)).toEqual(['TASK-003']);
    expect(second.json.nextCursor).toBeNull();
  });

  it('refuses bad filters with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['status=DONE', '/status'],
      ['priority=P7', '/priority'],
      ['limit=0', '/limit'],
      ['limit=1001', '/limit'],
      ['limit=abc', '/limit'],
      ['cursor=-1', '/cursor'],
      ['sort=title', '/sort'],
    ] as const) {
      const res = await h.request('GET', `/api/tasks?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json.details.field, query).toBe(field);
    }
  });
});

describe('GET /api/tasks: total and sort', () => {
  /** Six tasks with ties on priority, deadline and update time; ids TASK-001..006. */
  beforeEach(async () => {
    const deadline = (h: number) => new Date(Date.UTC(2026, 5, 1, h)).toISOString();
    for (const [title, priority, at] of [
      ['one', 'P2', 3],
      ['two', 'P0', 1],
      ['three', 'P2', 1],
      ['four', 'P3', 2],
      ['five', 'P0', 3],
      ['six', 'P2', 2],
    ] as const) {
      expect((await create({ title, priority, slaDeadline: deadline(at), labels: title.length === 3 ? ['short'] : [] })).statusCode).toBe(
        201,
      );
    }
    h.clock.advance(1000);
    await h.request('PATCH', '/api/tasks/TASK-002', { description: 'touched first' });
    h.clock.advance(1000);
    await h.request('PATCH', '/api/tasks/TASK-001', { description: 'touched last' });
  });

  const idsOf = (res: { json: { tasks: { id: string }[] } }) => res.json.tasks.map((t) => t.id.replace('TASK-00', ''));

  /** Every page of a listing, following nextCursor. */
  async function walk(query: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.request('GET', `/api/tasks?${query}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(res.statusCode, `${query} ${cursor}`).toBe(200);
      expect(res.json.count).toBe(res.json.tasks.length);
      seen.push(...idsOf(res));
      cursor = res.json.nextCursor;
    } while (cursor !== null);
    return seen;
  }

  it('total counts every task matching the filters, whatever the cursor and limit', async () => {
    const first = await h.request('GET', '/api/tasks?limit=2');
    expect(first.json).toMatchObject({ count: 2, total: 6 });
    const next = await h.request('GET', `/api/tasks?limit=2&cursor=${first.json.nextCursor}`);
    expect(next.json).toMatchObject({ count: 2, total: 6 });
    expect((await h.request('GET', '/api/tasks?priority=P2&limit=1')).json).toMatchObject({ count: 1, total: 3 });
    expect((await h.request('GET', '/api/tasks?label=short&sort=-deadline&limit=1')).json).toMatchObject({ count: 1, total: 3 });
    expect((await h.request('GET', '/api/tasks?status=COMPLETED')).json).toMatchObject({ count: 0, total: 0 });
    // The seed's own list routes carry it too.
    expect((await h.request('GET', '/api/tasks/priority/p0')).json).toMatchObject({ count: 2, total: 2 });
  });

  it('sorts by created, priority (P0 first), deadline and updated, - reversing; ties in creation order', async () => {
    const order = async (sort: string) => idsOf(await h.request('GET', `/api/tasks?sort=${sort}`));
    expect(await order('created')).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await order('-created')).toEqual(['6', '5', '4', '3', '2', '1']);
    expect(await order('priority')).toEqual(['2', '5', '1', '3', '6', '4']);
    expect(await order('-priority')).toEqual(['4', '6', '3', '1', '5', '2']);
    expect(await order('deadline')).toEqual(['2', '3', '4', '6', '1', '5']);
    expect(await order('-deadline')).toEqual(['5', '1', '6', '4', '3', '2']);
    expect(await order('updated')).toEqual(['3', '4', '5', '6', '2', '1']);
    expect(await order('-updated')).toEqual(['1', '2', '6', '5', '4', '3']);
  });

  it('pages through every sort visiting each task exactly once, ties included', async () => {
    for (const sort of ['created', '-created', 'priority', '-priority', 'deadline', '-deadline', 'updated', '-updated']) {
      const all = idsOf(await h.request('GET', `/api/tasks?sort=${sort}`));
      for (const limit of [1, 2, 4]) expect(await walk(`sort=${sort}`, limit), `${sort} limit ${limit}`).toEqual(all);
    }
    expect(await walk('sort=-priority&priority=P0,P2', 2)).toEqual(['6', '3', '1', '5', '2']);
  });

  it('keeps the integer cursor of the default order (the dashboard and seed scripts page with it)', async () => {
    const first = await h.request('GET', '/api/tasks?limit=2');
    expect(first.json.nextCursor).toBe('2');
    expect(idsOf(await h.request('GET', '/api/tasks?limit=2&cursor=2'))).toEqual(['3', '4']);
    expect(idsOf(await h.request('GET', '/api/tasks?limit=2&cursor=2&sort=created'))).toEqual(['3', '4']);
    const byDeadline = await h.request('GET', '/api/tasks?limit=2&sort=-deadline');
    expect(byDeadline.json.nextCursor).toBe(`deadline.desc.${Date.UTC(2026, 5, 1, 3)}.1`);
  });

  it('refuses a cursor made by another sort, and malformed cursors, with 400 VALIDATION_FAILED on /cursor', async () => {
    const byPriority = (await h.request('GET', '/api/tasks?limit=2&sort=priority')).json.nextCursor;
    const byCreation = (await h.request('GET', '/api/tasks?limit=2')).json.nextCursor;
    for (const query of [
      `sort=deadline&cursor=${byPriority}`,
      `sort=-priority&cursor=${byPriority}`,
      `cursor=${byPriority}`,
      `sort=priority&cursor=${byCreation}`,
      `sort=-created&cursor=${byCreation}`,
      'cursor=priority.asc.9.1',
      'cursor=created.asc.3.4',
      'cursor=title.asc.1.1',
      'cursor=deadline.up.1.1',
      'cursor=1.5',
      'cursor=-1',
    ]) {
      const res = await h.request('GET', `/api/tasks?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json, query).toMatchObject({ success: false, code: 'VALIDATION_FAILED', details: { field: '/cursor' } });
    }
    const mismatch = await h.request('GET', `/api/tasks?sort=deadline&cursor=${byPriority}`);
    expect(mismatch.json.details).toMatchObject({ cursorSort: 'priority', sort: 'deadline' });
    for (const sort of ['title', 'priority,deadline', '+priority', 'PRIORITY']) {
      const res = await h.request('GET', `/api/tasks?sort=${encodeURIComponent(sort)}`);
      expect(res.statusCode, sort).toBe(400);
      expect(res.json.details.field, sort).toBe('/sort');
    }
  });

  it('documents sort, cursor and total in the OpenAPI document and the README', async () => {
    const doc = (await h.request('GET', '/api/openapi.json')).json as unknown as {
      paths: Record<
        string,
        {
          get?: { parameters?: { name: string; description?: string; schema?: { enum?: string[] } }[]; responses: Record<string, unknown> };
        }
      >;
    };
    const list = doc.paths['/api/tasks']?.get;
    const sort = list?.parameters?.find((p) => p.name === 'sort');
    expect(sort?.schema?.enum).toEqual(['created', '-created', 'priority', '-priority', 'deadline', '-deadline', 'updated', '-updated']);
    expect(sort?.description).toMatch(/leading - reverses/);
    expect(JSON.stringify(list?.responses['200'])).toContain('"total"');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| `GET /api/tasks` |'));
    expect(row).toMatch(/total/);
    expect(row).toMatch(/`sort`/);
  });
});

describe('timeline, events and recommendations', () => {
  it("GET /api/tasks/:taskId/events is the task's timeline, oldest first", async () => {
    await registerWorker();
    const id = (await create({ title: 'Traced' })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`);
    await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 40 });
    const res = await h.request('GET', `/api/tasks/${id}/events`);
    expect(res.json).toMatchObject({ success: true, taskId: id });
    expect(res.json.events.map((e) => e.type)).toEqual(['task.created', 'task.assigned', 'task.progressed']);
    expect(res.json.events[0]).toMatchObject({ taskId: id, actor: 'anonymous' });
    expect((await h.request('GET', '/api/tasks/TASK-999/events')).statusCode).toBe(404);
  });

  it('GET /api/events: newest first, filters, replay order and cursor', async () => {
    await registerWorker();
    const id = (await create({ title: 'Evented' })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`);
    const feed = await h.request('GET', '/api/events');
    const types = feed.json.events.map((e) => e.type);
    expect(types).toEqual(['task.assigned', 'task.created', 'agent.registered']);
    const asc = await h.request('GET', '/api/events?order=asc&limit=2');
    expect(asc.json.events.map((e) => e.type)).toEqual(['agent.registered', 'task.created']);
    const next = await h.request('GET', `/api/events?order=asc&after=${asc.json.nextCursor}`);
    expect(next.json.events.map((e) => e.type)).toEqual(['task.assigned']);
    expect(next.json.nextCursor).toBeNull();
    expect((await h.request('GET', '/api/events?type=task.created')).json.events).toHaveLength(1);
    expect((await h.request('GET', '/api/events?type=task.exploded')).statusCode).toBe(400);
    expect((await h.request('GET', '/api/events?limit=501')).statusCode).toBe(400);
  });

  it('GET /api/tasks/:taskId/recommendations ranks agents or says why none fits', async () => {
    await registerWorker({ id: 'strong', reliability: 0.99, capabilities: ['go'] });
    await registerWorker({ id: 'weak', reliability: 0.3, capabilities: ['go'] });
    const id = (await create({ title: 'Go service', requiredCapabilities: ['go'] })).json.task.id;
    const res = await h.request('GET', `/api/tasks/${id}/recommendations`);
    expect(res.json.candidates.map((c) => c.agentId)).toEqual(['strong', 'weak']);
    expect(res.json.candidates[0]?.terms).toHaveProperty('reliability');
    const none = (await create({ title: 'Haskell', requiredCapabilities: ['haskell'] })).json.task.id;
    const empty = await h.request('GET', `/api/tasks/${none}/recommendations`);
    expect(empty.json.candidates).toEqual([]);
    expect(empty.json.blockedBy).toContain('haskell');
  });

  it('PATCH dependsOn blocks or unblocks a waiting task; a cycle is a 400 naming the field', async () => {
    const a = (await create({ title: 'a' })).json.task.id;
    const b = (await create({ title: 'b', dependsOn: [a] })).json.task.id;
    const blocked = await h.request('PATCH', `/api/tasks/${a}`, { dependsOn: [b] });
    expect(blocked.statusCode).toBe(400);
    expect(blocked.json).toMatchObject({ success: false, code: 'DEPENDENCY_CYCLE', details: { field: '/dependsOn' } });
    const c = (await create({ title: 'c' })).json.task.id;
    expect((await h.request('PATCH', `/api/tasks/${c}`, { dependsOn: [a] })).json.task).toMatchObject({
      status: 'BLOCKED',
      dependsOn: [a],
    });
    expect((await h.request('PATCH', `/api/tasks/${b}`, { dependsOn: [] })).json.task.status).toBe('PENDING');
  });

  it('event payloads carry times as ISO strings, like tasks (no epoch numbers anywhere)', async () => {
    await registerWorker({ id: 'w' });
    const id = (await create({ title: 'flaky', priority: 'P0', maxAttempts: 2 })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w' });
    await h.request('POST', `/api/tasks/${id}/fail`, { reason: 'flaked' });
    for (const share of [0.8, 0.2]) {
      h.clock.advance(DEFAULT_POLICY.slaByPriorityMs.P0 * share);
      await h.orchestrator.settled();
    }
    const events = (await h.request('GET', `/api/tasks/${id}/events`)).json.events;
    const byType = Object.fromEntries(events.map((e) => [e.type, e.payload as Record<string, any>]));
    expect(byType['task.assigned']?.decision.decidedAt).toMatch(ISO);
    expect(byType['task.failed']?.retryAt).toMatch(ISO);
    expect(byType['task.sla_warning']?.deadline).toMatch(ISO);
    expect(byType['task.sla_violated']?.deadline).toMatch(ISO);
    const numbers: [string, number][] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value === 'number' && value > 1e11) numbers.push([path, value]);
      if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    events.forEach((e) => walk(e.payload, e.type));
    expect(numbers).toEqual([]);
  });

  it('recommendations say so when the only capable agent is excluded (it rejected the task)', async () => {
    await registerWorker({ id: 'solo', capabilities: ['testing'] });
    const id = (await create({ title: 'Tests', requiredCapabilities: ['testing'] })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'solo' });
    expect((await h.request('POST', `/api/tasks/${id}/reject`, { reason: 'not mine' })).statusCode).toBe(200);
    const res = await h.request('GET', `/api/tasks/${id}/recommendations`);
    expect(res.json.blockedBy).toBe('the only agent holding testing cannot take it (solo: already rejected or failed this task)');
  });
});
