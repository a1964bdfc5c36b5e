import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { LOG_TRUNCATED_TEXT, TASK_LOG_MAX_BYTES } from '../../src/core/task-log.js';
import { describePg } from '../../src/storage/postgres/test-database.js';
import type { AppendedLogs } from '../../src/services/types.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

/** Issue 7: a task's log (append under the lease, read in pages) and its attempts, read from its events. */

const OPERATOR = { authorization: `Bearer ${TOKENS.operator}` };
const VIEWER = { authorization: `Bearer ${TOKENS.viewer}` };
const as = (agentId: string) => ({ authorization: `Bearer ${agentToken(agentId)}` });

interface LogsJson {
  success: boolean;
  code: string;
  details: { field: string };
  accepted: number;
  dropped: number;
  truncated: boolean;
  lines: { seq: number; attempt: number; stream: string; text: string; at: string }[];
  count: number;
  lastSeq: number;
  hasMore: boolean;
  attempts: { number: number; agentId: string | null; outcome: string; reason: string | null; usage: unknown; endedAt: string | null }[];
}

function logsSuite(dialect: 'sqlite' | 'postgres'): void {
  let h: Harness;
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = as('w1')) => {
    const res = await h.request(method, url, body, headers);
    return { status: res.statusCode, json: JSON.parse(res.body) as LogsJson, body: res.body };
  };
  const append = (id: string, lines: unknown[], headers?: Record<string, string>) =>
    call('POST', `/api/tasks/${id}/logs`, { lines }, headers);
  const read = (id: string, query = '') => call('GET', `/api/tasks/${id}/logs${query}`, undefined, VIEWER);

  beforeEach(async () => {
    h = await startHarness({ dialect, anonymousRole: 'none' });
    for (const id of ['w1', 'w2'])
      expect((await h.request('POST', '/api/agents', { id, name: id, maxConcurrentTasks: 5 }, OPERATOR)).statusCode).toBe(201);
  });
  afterEach(async () => h.close());

  async function running(agentId = 'w1'): Promise<string> {
    const id = (await h.request('POST', '/api/tasks', { title: 'logged', maxAttempts: 3 }, OPERATOR)).json.task.id;
    expect((await h.request('POST', `/api/tasks/${id}/assign`, { agentId }, OPERATOR)).statusCode).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/start`, {}, as(agentId))).statusCode).toBe(200);
    return id;
  }

  it('stores lines with seq, attempt, stream and time; pages them oldest first by seq', async () => {
    const id = await running();
    const res = await append(id, [{ text: 'one' }, { text: 'two', stream: 'stderr', at: '2026-01-01T00:00:00.000Z' }, { text: '' }]);
    expect(res.status, res.body).toBe(200);
    expect(res.json).toEqual({ success: true, accepted: 3, dropped: 0, truncated: false });
    await append(id, [{ text: 'four', stream: 'system' }]);
    const page = await read(id, '?limit=2');
    expect(page.json).toMatchObject({ success: true, count: 2, lastSeq: 2, hasMore: true, truncated: false });
    expect(page.json.lines).toEqual([
      { seq: 1, attempt: 1, stream: 'stdout', text: 'one', at: new Date(h.clock.now()).toISOString() },
      { seq: 2, attempt: 1, stream: 'stderr', text: 'two', at: '2026-01-01T00:00:00.000Z' },
    ]);
    const rest = await read(id, `?after=${page.json.lastSeq}`);
    expect(rest.json).toMatchObject({ count: 2, lastSeq: 4, hasMore: false });
    expect(rest.json.lines.map((l) => l.text)).toEqual(['', 'four']);
    expect((await read(id, '?after=4')).json).toMatchObject({ lines: [], count: 0, lastSeq: 4, hasMore: false });
  });

  it('numbers lines with the attempt that wrote them', async () => {
    const id = await running();
    await append(id, [{ text: 'first try' }]);
    expect((await call('POST', `/api/tasks/${id}/release`, { reason: 'limit' })).status).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w2' }, OPERATOR)).statusCode).toBe(200);
    expect((await h.request('POST', `/api/tasks/${id}/start`, {}, as('w2'))).statusCode).toBe(200);
    await append(id, [{ text: 'second holder' }], as('w2'));
    expect((await read(id)).json.lines.map((l) => [l.seq, l.attempt, l.text])).toEqual([
      [1, 1, 'first try'],
      [2, 1, 'second holder'],
    ]);
  });

  it('renews the lease like a heartbeat and writes no event', async () => {
    const id = await running();
    const before = (await h.request('GET', `/api/tasks/${id}`, undefined, OPERATOR)).json.task;
    const events = (await h.request('GET', `/api/events?taskId=${id}&limit=100`, undefined, OPERATOR)).json.events.length;
    h.clock.advance(60_000);
    await append(id, [{ text: 'alive' }]);
    const after = (await h.request('GET', `/api/tasks/${id}`, undefined, OPERATOR)).json.task;
    expect(Date.parse(after.leaseExpiresAt ?? '')).toBe(h.clock.now() + DEFAULT_POLICY.leaseMs);
    expect(Date.parse(after.leaseExpiresAt ?? '')).toBeGreaterThan(Date.parse(before.leaseExpiresAt ?? ''));
    expect((await h.request('GET', `/api/events?taskId=${id}&limit=100`, undefined, OPERATOR)).json.events.length).toBe(events);
  });

  it('only the holder appends, only while the task is held; anyone who may read reads', async () => {
    const id = await running();
    expect((await append(id, [{ text: 'x' }], as('w2'))).json.code).toBe('STALE_LEASE');
    expect((await append(id, [{ text: 'x' }], VIEWER)).status).toBe(403);
    expect((await call('POST', `/api/tasks/${id}/logs`, { lines: [{ text: 'x' }], leaseToken: 999 })).json.code).toBe('STALE_LEASE');
    expect((await append(id, [{ text: 'by an operator' }], OPERATOR)).status).toBe(200);
    expect((await call('POST', `/api/tasks/${id}/complete`, {})).status).toBe(200);
    for (const who of [as('w1'), OPERATOR]) {
      const late = await append(id, [{ text: 'late' }], who);
      expect([late.status, late.json.code]).toEqual([409, 'TASK_INVALID_TRANSITION']);
    }
    expect((await read(id)).json.count).toBe(1);
    expect((await read('TASK-999')).json.code).toBe('TASK_NOT_FOUND');
    expect((await append('TASK-999', [{ text: 'x' }], OPERATOR)).json.code).toBe('TASK_NOT_FOUND');
  });

  it('validates bodies and queries with a coded 400 naming the field', async () => {
    const id = await running();
    const cases: [unknown, string][] = [
      [{ lines: [] }, '/lines'],
      [{ lines: Array.from({ length: 501 }, () => ({ text: 'x' })) }, '/lines'],
      [{ lines: [{ text: 'x'.repeat(8193) }] }, '/lines/0/text'],
      [{ lines: [{ text: 'x', stream: 'stdin' }] }, '/lines/0/stream'],
      [{ lines: [{ text: 'x', at: 'yesterday' }] }, '/lines/0/at'],
      [{ lines: [{ text: 'x', colour: 'red' }] }, '/lines/0/colour'],
      [{ lines: [{ text: 'nul \u0000 here' }] }, '/lines/0/text'],
      [{ lines: 'x' }, '/lines'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', `/api/tasks/${id}/logs`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json.details.field, JSON.stringify(body).slice(0, 80)).toBe(field);
    }
    for (const query of ['?after=-1', '?limit=0', '?limit=1001', '?after=x', '?since=1']) {
      const res = await read(id, query);
      expect(res.status, query).toBe(400);
      expect(res.json.code, query).toBe('VALIDATION_FAILED');
    }
    expect((await read(id)).json.count).toBe(0);
  });

  it('caps the stored text at 5 MiB: later lines dropped, one truncation line, then nothing more', async () => {
    const id = await running();
    const big = 'x'.repeat(8000);
    const perBatch = 100;
    const batches = Math.floor(TASK_LOG_MAX_BYTES / (big.length * perBatch));
    for (let i = 0; i < batches; i++)
      expect(
        (
          await append(
            id,
            Array.from({ length: perBatch }, () => ({ text: big })),
          )
        ).json.dropped,
      ).toBe(0);
    // 5 MiB minus 6,553 x 8,000 bytes leaves room for a few more 8,000-byte lines, then the cap.
    const stored = batches * perBatch;
    const room = Math.floor((TASK_LOG_MAX_BYTES - stored * big.length) / big.length);
    const over = await append(
      id,
      Array.from({ length: room + 5 }, () => ({ text: big })),
    );
    expect(over.json).toEqual({ success: true, accepted: room, dropped: 5, truncated: true });
    const after = await append(id, [{ text: 'more' }]);
    expect(after.json).toEqual({ success: true, accepted: 0, dropped: 1, truncated: true });
    const tail = await read(id, `?after=${stored + room - 1}`);
    expect(tail.json).toMatchObject({ truncated: true, hasMore: false, count: 2 });
    expect(tail.json.lines.at(-1)).toMatchObject({ seq: stored + room + 1, stream: 'system', text: LOG_TRUNCATED_TEXT });
  });

  it('publishes the committed lines on the bus (the task:log message and the cluster relay hear them there)', async () => {
    const id = await running();
    const heard: AppendedLogs[] = [];
    h.bus.subscribeLogs((a) => heard.push(a));
    await append(id, [{ text: 'a' }, { text: 'b' }]);
    await append(id, [{ text: 'refused' }], as('w2'));
    expect(heard).toEqual([
      { taskId: id, lines: [expect.objectContaining({ seq: 1, text: 'a' }), expect.objectContaining({ seq: 2, text: 'b' })] },
    ]);
  });

  it('lists attempts from the events: released, failed with usage, running; an unstarted offer is none', async () => {
    const id = await running();
    await call('POST', `/api/tasks/${id}/release`, { reason: 'usage limit', usage: { turns: 2 } });
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w1' }, OPERATOR);
    await call('POST', `/api/tasks/${id}/reject`, { reason: 'busy' });
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w2' }, OPERATOR);
    await call('POST', `/api/tasks/${id}/start`, {}, as('w2'));
    await call('POST', `/api/tasks/${id}/fail`, { reason: 'tests red', usage: { exitCode: 1 } }, as('w2'));
    h.clock.advance(3_600_000);
    await h.orchestrator.settled();
    // w1 declined the offer, so it is excluded now: only a forced assignment gives it the task.
    await h.request('POST', `/api/tasks/${id}/assign`, { agentId: 'w1', force: true }, OPERATOR);
    await call('POST', `/api/tasks/${id}/start`, {});
    const res = await call('GET', `/api/tasks/${id}/attempts`, undefined, VIEWER);
    expect(res.status, res.body).toBe(200);
    expect(res.json.attempts.map(({ number, agentId, outcome, reason, usage }) => ({ number, agentId, outcome, reason, usage }))).toEqual([
      { number: 1, agentId: 'w1', outcome: 'released', reason: 'usage limit', usage: { turns: 2 } },
      { number: 2, agentId: 'w2', outcome: 'failed', reason: 'tests red', usage: { exitCode: 1 } },
      { number: 3, agentId: 'w1', outcome: 'running', reason: null, usage: null },
    ]);
    expect(res.json.attempts[2]?.endedAt).toBeNull();
    expect(res.json.attempts[0]?.endedAt).toEqual(expect.any(String));
    expect((await call('GET', '/api/tasks/TASK-999/attempts', undefined, VIEWER)).json.code).toBe('TASK_NOT_FOUND');
  });
}

describe('task logs and attempts (SQLite)', () => logsSuite('sqlite'));
await describePg('task logs and attempts (PostgreSQL)', () => logsSuite('postgres'));
