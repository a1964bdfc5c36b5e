import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/errors.js';
import type { EventDraft, StoredEvent } from '../../core/events.js';
import type { EventFilter } from '../../core/ports.js';
import { T0, decision, rejectionOf, type StoreHarness } from './fixtures.js';

/** The event log and the idempotency keys. */
export function eventCases(h: StoreHarness): void {
  const append = (draft: EventDraft, at: number, actor = 'tester'): Promise<StoredEvent> =>
    h.store.transaction((tx) => tx.events.append({ draft, at, actor }));
  const list = async (filter: Partial<EventFilter>): Promise<number[]> =>
    (await h.store.events.list({ order: 'asc', limit: 100, ...filter })).map((e) => e.id);

  describe('events', () => {
    async function seedLog(): Promise<StoredEvent[]> {
      return [
        await append(
          { type: 'task.created', taskId: 'TASK-001', agentId: null, payload: { title: 'One', priority: 'P1', status: 'PENDING' } },
          T0 + 1,
        ),
        await append(
          { type: 'task.assigned', taskId: 'TASK-001', agentId: 'a1', payload: { agentId: 'a1', decision: decision('a1') } },
          T0 + 2,
          'operator:alice',
        ),
        await append(
          {
            type: 'agent.registered',
            taskId: null,
            agentId: 'a1',
            payload: { name: 'A1', capabilities: ['x', 'y'], availability: 'AVAILABLE' },
          },
          T0 + 3,
        ),
        await append(
          {
            type: 'task.completed',
            taskId: 'TASK-002',
            agentId: 'a1',
            payload: { agentId: 'a1', result: { ok: true, files: ['a.ts'] }, usage: null },
          },
          T0 + 4,
          'agent:a1',
        ),
        await append(
          { type: 'task.created', taskId: 'TASK-002', agentId: null, payload: { title: 'Two', priority: 'P3', status: 'BLOCKED' } },
          T0 + 5,
        ),
      ];
    }

    it('is empty at first: lastId 0 and no rows', async () => {
      expect(await h.store.events.lastId()).toBe(0);
      expect(await h.store.events.list({ order: 'asc', limit: 10 })).toEqual([]);
      expect(await h.store.events.list({ order: 'desc', limit: 10 })).toEqual([]);
    });

    it('appends with increasing ids and returns exactly what it stored', async () => {
      const log = await seedLog();
      const [first, second] = log as [StoredEvent, StoredEvent];
      expect(second).toEqual({
        id: second.id,
        type: 'task.assigned',
        taskId: 'TASK-001',
        agentId: 'a1',
        actor: 'operator:alice',
        at: T0 + 2,
        payload: { agentId: 'a1', decision: decision('a1') },
      });
      expect(first.id).toBeGreaterThan(0);
      for (let i = 1; i < log.length; i += 1) expect((log[i] as StoredEvent).id).toBeGreaterThan((log[i - 1] as StoredEvent).id);
      expect(await h.store.events.list({ order: 'asc', limit: 100 })).toEqual(log);
      expect(await h.store.events.lastId()).toBe(log[log.length - 1]?.id);
    });

    it('filters by task, agent, types, id window, order and limit', async () => {
      const [e1, e2, e3, e4, e5] = (await seedLog()).map((e) => e.id) as [number, number, number, number, number];
      expect(await list({ taskId: 'TASK-001' })).toEqual([e1, e2]);
      expect(await list({ taskId: 'TASK-001', order: 'desc' })).toEqual([e2, e1]);
      expect(await list({ agentId: 'a1' })).toEqual([e2, e3, e4]);
      expect(await list({ types: ['task.created'] })).toEqual([e1, e5]);
      expect(await list({ types: ['task.created', 'agent.registered'] })).toEqual([e1, e3, e5]);
      expect(await list({ afterId: e2 })).toEqual([e3, e4, e5]);
      expect(await list({ beforeId: e4, order: 'desc' })).toEqual([e3, e2, e1]);
      expect(await list({ afterId: e1, beforeId: e5 })).toEqual([e2, e3, e4]);
      expect(await list({ limit: 2 })).toEqual([e1, e2]);
      expect(await list({ limit: 2, order: 'desc' })).toEqual([e5, e4]);
      expect(await list({ afterId: e2, limit: 2, order: 'desc' })).toEqual([e5, e4]);
      expect(await list({ agentId: 'a1', types: ['task.assigned', 'task.completed'], order: 'desc' })).toEqual([e4, e2]);
      expect(await list({ taskId: 'TASK-002', agentId: 'a1' })).toEqual([e4]);
      expect(await list({ taskId: 'TASK-404' })).toEqual([]);
      expect(await list({ afterId: e5 })).toEqual([]);
    });
  });

  describe('idempotency keys', () => {
    const response = {
      key: 'key-1',
      requestHash: 'sha256:abc',
      statusCode: 201,
      body: { success: true, task: { id: 'TASK-001', tags: ['a'] } },
      createdAt: T0,
    };

    it('returns null for an unknown key and the stored response for a known one', async () => {
      expect(await h.store.idempotency.get({ key: 'key-1' })).toBeNull();
      await h.store.transaction((tx) => tx.idempotency.put(response));
      expect(await h.store.idempotency.get({ key: 'key-1' })).toEqual(response);
    });

    it.each([
      ['null', null],
      ['a string', 'ok'],
      ['an array', [1, { a: 2 }]],
    ])('round-trips a body that is %s', async (_what, body) => {
      await h.store.transaction((tx) => tx.idempotency.put({ ...response, key: 'k', body }));
      expect((await h.store.idempotency.get({ key: 'k' }))?.body).toEqual(body);
    });

    it('refuses a second put of the same key with ConflictError and keeps the first', async () => {
      await h.store.transaction((tx) => tx.idempotency.put(response));
      const err = await rejectionOf(
        h.store.transaction((tx) => tx.idempotency.put({ ...response, requestHash: 'other', statusCode: 200 })),
      );
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await h.store.idempotency.get({ key: 'key-1' })).toEqual(response);
    });
  });
}
