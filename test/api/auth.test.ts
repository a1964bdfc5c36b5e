import { afterEach, describe, expect, it } from 'vitest';
import { AUTH_FAILURES_MAX, AUTH_FAILURE_WINDOW_MS } from '../../src/services/authentication.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

let h: Harness;
afterEach(async () => h.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('authentication', () => {
  it('gives token-less requests the anonymous role', async () => {
    h = await startHarness({ anonymousRole: 'viewer' });
    expect((await h.request('GET', '/api/tasks')).statusCode).toBe(200);
    const write = await h.request('POST', '/api/tasks', { title: 'x' });
    expect(write.statusCode).toBe(401);
    expect(write.json).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
  });

  it('refuses unknown tokens and malformed headers with 401', async () => {
    h = await startHarness();
    for (const authorization of ['Bearer nope', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const res = await h.request('GET', '/api/tasks', undefined, { authorization });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json.code).toBe('UNAUTHENTICATED');
    }
  });

  it('keeps health and the API docs public', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    expect((await h.request('GET', '/api/health')).statusCode).toBe(200);
    expect((await h.request('GET', '/api/openapi.json')).statusCode).toBe(200);
    expect((await h.request('GET', '/api/agents')).statusCode).toBe(401);
  });

  it('records the principal as the actor of the events it causes', async () => {
    h = await startHarness();
    const id = (await h.request('POST', '/api/tasks', { title: 'x' }, bearer(TOKENS.operator))).json.task.id;
    await h.request('POST', `/api/tasks/${id}/cancel`, {});
    const actors = (await h.request('GET', `/api/tasks/${id}/events`)).json.events.map((e) => e.actor);
    expect(actors).toEqual(['token:operator', 'anonymous']);
  });
});

describe('authorisation by role', () => {
  it('viewer: reads only', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    const viewer = bearer(TOKENS.viewer);
    expect((await h.request('GET', '/api/events', undefined, viewer)).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/api/tasks', { title: 'x' }],
      ['POST', '/api/agents', { name: 'x' }],
      ['POST', '/api/tasks/queue/next', {}],
      ['PUT', '/api/tasks/TASK-001/progress', { progress: 1 }],
    ] as const) {
      const res = await h.request(method, url, body, viewer);
      expect(res.statusCode, url).toBe(403);
      expect(res.json.code).toBe('FORBIDDEN');
    }
  });

  it('agent: reports and reads, but neither creates tasks nor manages agents', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    const admin = bearer(TOKENS.admin);
    await h.request('POST', '/api/agents', { id: 'bot', name: 'Bot' }, admin);
    const id = (await h.request('POST', '/api/tasks', { title: 'x' }, admin)).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`, {}, admin);
    const bot = bearer(agentToken('bot'));
    expect((await h.request('POST', `/api/tasks/${id}/start`, {}, bot)).statusCode).toBe(200);
    expect((await h.request('GET', `/api/tasks/${id}`, undefined, bot)).statusCode).toBe(200);
    expect((await h.request('POST', '/api/tasks', { title: 'y' }, bot)).statusCode).toBe(403);
    expect((await h.request('PUT', '/api/agents/bot/status', { status: 'OFFLINE' }, bot)).statusCode).toBe(403);
    expect((await h.request('PUT', '/api/agents/bot/status', { status: 'PAUSED' }, bot)).statusCode).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/cancel`, {}, bot)).statusCode).toBe(403);
  });

  it('operator: tasks and agents, and reports on behalf of agents, but no removal', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    const operator = bearer(TOKENS.operator);
    expect((await h.request('POST', '/api/agents', { id: 'w', name: 'W' }, operator)).statusCode).toBe(201);
    const id = (await h.request('POST', '/api/tasks', { title: 'x' }, operator)).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`, {}, operator);
    expect((await h.request('PUT', `/api/tasks/${id}/progress`, { progress: 30 }, operator)).statusCode).toBe(200);
    expect((await h.request('DELETE', '/api/agents/w', undefined, operator)).statusCode).toBe(403);
    expect((await h.request('DELETE', '/api/agents/w', undefined, bearer(TOKENS.admin))).statusCode).toBe(200);
  });
});

describe('rate limit on failed authentication', () => {
  it(`refuses further failures with 429 after ${AUTH_FAILURES_MAX} from one address within a minute, then forgives`, async () => {
    h = await startHarness();
    for (let i = 0; i < AUTH_FAILURES_MAX; i++) {
      expect((await h.request('GET', '/api/tasks', undefined, bearer(`guess-${i}`))).statusCode).toBe(401);
    }
    const limited = await h.request('GET', '/api/tasks', undefined, bearer('guess-again'));
    expect(limited.statusCode).toBe(429);
    expect(limited.json).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await h.request('GET', '/api/tasks', undefined, { authorization: 'Basic eA==' })).statusCode).toBe(429);
    expect((await h.request('GET', '/api/tasks')).statusCode).toBe(200);

    h.clock.advance(AUTH_FAILURE_WINDOW_MS);
    expect((await h.request('GET', '/api/tasks', undefined, bearer('guess-after'))).statusCode).toBe(401);
  });

  it('never refuses a valid token, even from an address that is blocked', async () => {
    h = await startHarness({ anonymousRole: 'none' });
    for (let i = 0; i <= AUTH_FAILURES_MAX; i++) await h.request('GET', '/api/tasks', undefined, bearer(`guess-${i}`));
    expect((await h.request('GET', '/api/tasks', undefined, bearer('one-more'))).statusCode).toBe(429);
    expect((await h.request('GET', '/api/tasks', undefined, bearer(TOKENS.admin))).statusCode).toBe(200);
    expect((await h.request('POST', '/api/tasks', { title: 'still works' }, bearer(TOKENS.operator))).statusCode).toBe(201);
    expect((await h.request('GET', '/api/tasks', undefined, bearer(agentToken('bot')))).statusCode).toBe(200);
  });
});
