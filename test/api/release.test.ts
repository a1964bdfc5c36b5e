import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describePg } from '../../src/storage/postgres/test-database.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

/** Issue 7: an agent gives a task back (release), reports what an attempt cost (usage), and pauses itself. */

const OPERATOR = { authorization: `Bearer ${TOKENS.operator}` };
const as = (agentId: string) => ({ authorization: `Bearer ${agentToken(agentId)}` });
const USAGE = {
  inputTokens: 1500,
  outputTokens: 420,
  cachedTokens: 100,
  turns: 3,
  durationMs: 61_000,
  costUsd: 0.12,
  model: 'sonnet',
  exitCode: 0,
};

function releaseSuite(dialect: 'sqlite' | 'postgres'): void {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect, anonymousRole: 'none' });
    for (const id of ['w1', 'w2'])
      expect((await h.request('POST', '/api/agents', { id, name: id, maxConcurrentTasks: 5 }, OPERATOR)).statusCode).toBe(201);
  });
  afterEach(async () => h.close());

  /** A task w1 holds: claimed (so IN_PROGRESS) or only assigned. */
  async function heldBy(agentId: string, started = true): Promise<{ id: string; leaseToken: number }> {
    const id = (await h.request('POST', '/api/tasks', { title: 'held', maxAttempts: 2 }, OPERATOR)).json.task.id;
    const assigned = await h.request('POST', `/api/tasks/${id}/assign`, { agentId }, OPERATOR);
    if (started) expect((await h.request('POST', `/api/tasks/${id}/start`, {}, as(agentId))).statusCode).toBe(200);
    return { id, leaseToken: assigned.json.task.leaseToken };
  }
  const lastEvent = async (id: string, type: string) =>
    (await h.request('GET', `/api/events?taskId=${id}&type=${type}&limit=1`, undefined, OPERATOR)).json.events[0] ?? { payload: null };

  it('release gives the task back without spending the attempt or excluding the agent, with the note and usage', async () => {
    const { id, leaseToken } = await heldBy('w1');
    const res = await h.request('POST', `/api/tasks/${id}/release`, { reason: ' usage limit ', usage: USAGE, leaseToken }, as('w1'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json.task).toMatchObject({ status: 'PENDING', agent: null, attempts: 0, excludedAgents: [] });
    expect((await lastEvent(id, 'task.requeued')).payload).toEqual({
      agentId: 'w1',
      reason: 'released',
      note: 'usage limit',
      usage: USAGE,
    });
    expect((await h.request('GET', '/api/agents/w1', undefined, OPERATOR)).json.agent.load).toBe(0);
    // Not excluded: the same agent may take it again.
    expect((await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w1' }, OPERATOR)).statusCode).toBe(200);
  });

  it('an offer can be released too; a release without a body has a null note and usage', async () => {
    const { id } = await heldBy('w1', false);
    const res = await h.request('POST', `/api/tasks/${id}/release`, {}, as('w1'));
    expect(res.json.task).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect((await lastEvent(id, 'task.requeued')).payload).toMatchObject({ note: null, usage: null });
  });

  it('refuses a stranger, a stale fencing token and a task that is not held, leaving it unchanged', async () => {
    const { id, leaseToken } = await heldBy('w1');
    expect((await h.request('POST', `/api/tasks/${id}/release`, {}, as('w2'))).json.code).toBe('STALE_LEASE');
    expect((await h.request('POST', `/api/tasks/${id}/release`, { leaseToken: leaseToken + 1 }, as('w1'))).json.code).toBe('STALE_LEASE');
    expect((await h.request('POST', `/api/tasks/${id}/release`, {}, OPERATOR)).statusCode).toBe(200);
    const again = await h.request('POST', `/api/tasks/${id}/release`, {}, OPERATOR);
    expect(again.statusCode).toBe(409);
    expect(again.json.code).toBe('TASK_INVALID_TRANSITION');
    expect((await h.request('POST', `/api/tasks/${id}/release`, {}, { authorization: `Bearer ${TOKENS.viewer}` })).statusCode).toBe(403);
  });

  it('validates the body: unknown usage fields, negative counts, long text are 400 with the field', async () => {
    const { id } = await heldBy('w1');
    const cases: [Record<string, unknown>, string][] = [
      [{ usage: { tokens: 1 } }, '/usage/tokens'],
      [{ usage: { inputTokens: -1 } }, '/usage/inputTokens'],
      [{ usage: { turns: 1.5 } }, '/usage/turns'],
      [{ usage: { costUsd: -0.1 } }, '/usage/costUsd'],
      [{ usage: { model: 'm'.repeat(201) } }, '/usage/model'],
      [{ reason: '  ' }, '/reason'],
      [{ reason: 'x'.repeat(2001) }, '/reason'],
    ];
    for (const [body, field] of cases) {
      const res = await h.request('POST', `/api/tasks/${id}/release`, body, as('w1'));
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json.details.field, JSON.stringify(body)).toBe(field);
    }
  });

  it('complete and fail store usage in their events; without it the payload says null', async () => {
    const a = await heldBy('w1');
    expect((await h.request('POST', `/api/tasks/${a.id}/complete`, { result: { ok: 1 }, usage: USAGE }, as('w1'))).statusCode).toBe(200);
    expect((await lastEvent(a.id, 'task.completed')).payload).toEqual({ agentId: 'w1', result: { ok: 1 }, usage: USAGE });
    const b = await heldBy('w1');
    expect((await h.request('POST', `/api/tasks/${b.id}/fail`, { reason: 'red', usage: { exitCode: null } }, as('w1'))).statusCode).toBe(
      200,
    );
    expect((await lastEvent(b.id, 'task.failed')).payload).toMatchObject({ reason: 'red', usage: { exitCode: null } });
    const c = await heldBy('w1');
    expect((await h.request('POST', `/api/tasks/${c.id}/complete`, {}, as('w1'))).statusCode).toBe(200);
    expect((await lastEvent(c.id, 'task.completed')).payload).toMatchObject({ usage: null });
  });

  it('an agent token sets its own status to PAUSED and back, but not OFFLINE and not another agent', async () => {
    const put = (agentId: string, status: string, headers: Record<string, string>) =>
      h.request('PUT', `/api/agents/${agentId}/status`, { status }, headers);
    const paused = await put('w1', 'PAUSED', as('w1'));
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json.agent.availability).toBe('PAUSED');
    expect((await put('w1', 'ACTIVE', as('w1'))).json.agent.availability).toBe('AVAILABLE');
    expect((await put('w1', 'OFFLINE', as('w1'))).json.code).toBe('FORBIDDEN');
    expect((await put('w2', 'PAUSED', as('w1'))).json.code).toBe('FORBIDDEN');
    expect((await put('w2', 'OFFLINE', OPERATOR)).statusCode).toBe(200);
    expect((await put('w2', 'PAUSED', { authorization: `Bearer ${TOKENS.viewer}` })).statusCode).toBe(403);
  });
}

describe('release, usage and self-pause (SQLite)', () => releaseSuite('sqlite'));
await describePg('release, usage and self-pause (PostgreSQL)', () => releaseSuite('postgres'));
