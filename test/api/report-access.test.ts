import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_STATUSES, type TaskStatus } from '../../src/core/task.js';
import { describePg } from '../../src/storage/postgres/test-database.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

/**
 * Who may act on a task, over every action x role x state (issue 6, point 1): an agent
 * token reports only on a task its agent holds, in every state; a viewer changes nothing;
 * and a refused call leaves the task exactly as it was.
 */

const ROLES = ['admin', 'operator', 'viewer', 'holder', 'stranger'] as const;
type Caller = (typeof ROLES)[number];

const ACTIONS = {
  start: ['POST', 'start', {}],
  progress: ['PUT', 'progress', { progress: 40 }],
  complete: ['POST', 'complete', { result: { ok: true } }],
  fail: ['POST', 'fail', { reason: 'broken' }],
  reject: ['POST', 'reject', { reason: 'busy' }],
  release: ['POST', 'release', { reason: 'usage limit' }],
  cancel: ['POST', 'cancel', {}],
  retry: ['POST', 'retry', undefined],
  assign: ['POST', 'assign', {}],
} as const;
type ActionName = keyof typeof ACTIONS;
const AGENT_REPORTS: readonly ActionName[] = ['start', 'progress', 'complete', 'fail', 'reject', 'release'];

const headersOf = (caller: Caller): Record<string, string> => {
  const token =
    caller === 'holder' ? agentToken('holder') : caller === 'stranger' ? agentToken('stranger') : TOKENS[caller as keyof typeof TOKENS];
  return { authorization: `Bearer ${token}` };
};
const OPERATOR = headersOf('operator');

let h: Harness;

/** A new task driven by an operator into `status`, held by `holder` when the state holds. */
async function taskIn(status: TaskStatus): Promise<string> {
  const create = async (body: Record<string, unknown>) => (await h.request('POST', '/api/tasks', body, OPERATOR)).json.task.id;
  const act = async (id: string, action: ActionName, body?: unknown) => {
    const [method, path] = ACTIONS[action];
    const res = await h.request(method, `/api/tasks/${id}/${path}`, body ?? ACTIONS[action][2], OPERATOR);
    expect(res.statusCode, `${action} ${id}: ${res.body}`).toBe(200);
  };
  if (status === 'BLOCKED') return create({ title: 'blocked', dependsOn: [await create({ title: 'dependency' })] });
  const id = await create({ title: status, maxAttempts: 1 });
  if (status === 'CANCELLED') await act(id, 'cancel');
  if (status === 'PENDING' || status === 'CANCELLED') return id;
  await act(id, 'assign', { agentId: 'holder' });
  if (status === 'ASSIGNED') return id;
  await act(id, 'start');
  if (status === 'COMPLETED') await act(id, 'complete');
  if (status === 'FAILED') await act(id, 'fail');
  return id;
}

function accessSuite(dialect: 'sqlite' | 'postgres'): void {
  beforeAll(async () => {
    h = await startHarness({ anonymousRole: 'none', dialect });
    for (const id of ['holder', 'stranger']) {
      const res = await h.request('POST', '/api/agents', { id, name: id, maxConcurrentTasks: 1000 }, OPERATOR);
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => h.close());

  it('an agent token cannot fail a waiting task nobody holds (the probe finding)', async () => {
    const id = await taskIn('PENDING');
    const res = await h.request('POST', `/api/tasks/${id}/fail`, { reason: 'sabotage' }, headersOf('stranger'));
    expect(res.statusCode).toBe(409);
    expect(res.json).toMatchObject({ success: false, code: 'STALE_LEASE' });
    expect((await h.request('GET', `/api/tasks/${id}`, undefined, OPERATOR)).json.task.status).toBe('PENDING');
  });

  it('property: only the holder, an operator or an admin changes a task; a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TASK_STATUSES),
        fc.constantFrom(...(Object.keys(ACTIONS) as ActionName[])),
        fc.constantFrom(...ROLES),
        async (status, action, caller) => {
          const id = await taskIn(status);
          const before = (await h.request('GET', `/api/tasks/${id}`, undefined, OPERATOR)).json.task;
          const [method, path, body] = ACTIONS[action];
          const res = await h.request(method, `/api/tasks/${id}/${path}`, body, headersOf(caller));
          const after = (await h.request('GET', `/api/tasks/${id}`, undefined, OPERATOR)).json.task;
          const label = `${caller} ${action} on ${status}: ${res.statusCode} ${res.body}`;

          expect(res.statusCode, label).toBeLessThan(500);
          if (res.statusCode !== 200) {
            expect(res.json.code, label).toEqual(expect.any(String));
            expect(after, label).toEqual(before);
          }
          if (caller === 'viewer') expect(res.statusCode, label).toBe(403);
          const isAgent = caller === 'holder' || caller === 'stranger';
          if (isAgent && !AGENT_REPORTS.includes(action)) expect(res.statusCode, label).toBe(403);
          if (caller === 'stranger' && AGENT_REPORTS.includes(action)) expect(res.json.code, label).toBe('STALE_LEASE');
          if (caller === 'holder' && AGENT_REPORTS.includes(action) && before.agent !== 'holder') {
            expect(res.json.code, label).toBe('STALE_LEASE');
          }
          // Whatever an agent changed, it held the task when it asked.
          if (isAgent && res.statusCode === 200) expect(before.agent, label).toBe(caller);
          // Free the holder's slot so later runs start from the same fleet.
          if (after.status === 'ASSIGNED' || after.status === 'IN_PROGRESS' || after.status === 'PENDING' || after.status === 'BLOCKED') {
            await h.request('POST', `/api/tasks/${id}/cancel`, {}, OPERATOR);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
}

describe('reports and actions by role, in every state (SQLite)', () => accessSuite('sqlite'));
await describePg('reports and actions by role, in every state (PostgreSQL)', () => accessSuite('postgres'));
