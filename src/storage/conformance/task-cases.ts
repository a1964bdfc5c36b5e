import { describe, expect, it } from 'vitest';
import { ConflictError, VersionConflictError } from '../../core/errors.js';
import { newTask } from '../../core/factories.js';
import { transition } from '../../core/state-machine.js';
import type { Task } from '../../core/task.js';
import {
  HOUR_MS,
  T0,
  act,
  assignAction,
  createTask,
  decision,
  expectTask,
  ids,
  insertTask,
  policy,
  rejectionOf,
  sortedIds,
  type StoreHarness,
} from './fixtures.js';

/** Task aggregate: round-trips, insert and guarded update, reads and filters. */
export function taskCases(h: StoreHarness): void {
  describe('tasks: round-trip', () => {
    it('stores and returns every field of a task, JSON, nulls and booleans included', async () => {
      const task = await h.store.transaction(async (tx) => {
        const seq = await tx.tasks.allocateSeq();
        const base = newTask(
          {
            title: 'Ünïcode “title” with \'quotes\' and "double"',
            description: 'multi\nline\tdescription',
            priority: 'P1',
            requiredCapabilities: ['TypeScript', 'SQL'],
            preferredCapabilities: ['react'],
            dependsOn: ['TASK-900', 'TASK-901'],
            labels: ['backend', 'urgent'],
            eta: '2h',
            slaDeadline: T0 + HOUR_MS,
            maxAttempts: 3,
          },
          { seq, now: T0, policy, blocked: false },
        );
        const full: Task = {
          ...base,
          queueRank: 0,
          status: 'IN_PROGRESS',
          progress: 42,
          agent: 'agent-1',
          slaWarningAt: T0 + 11,
          slaWarned: true,
          slaViolated: true,
          attempts: 2,
          retryAt: T0 + 1,
          promoteAt: T0 + 2,
          offerExpiresAt: T0 + 3,
          leaseExpiresAt: T0 + 4,
          leaseToken: 7,
          excludedAgents: ['x', 'y'],
          assignment: decision('agent-1'),
          result: { files: ['a.ts'], ok: true, ratio: 1.5, nested: { deep: [null, 'x', 3] } },
          failureReason: 'flaky network',
          updatedAt: T0 + 5,
          assignedAt: T0 + 6,
          startedAt: T0 + 7,
          completedAt: T0 + 8,
          failedAt: T0 + 9,
          cancelledAt: T0 + 10,
          version: 4,
        };
        await tx.tasks.insert(full);
        return full;
      });
      expect(task.requiredCapabilities).toEqual(['sql', 'typescript']);
      await expectTask(h.store, task);
      expect(await h.store.tasks.getMany({ ids: [task.id] })).toEqual([task]);
      expect(await h.store.tasks.list({ limit: 10 })).toEqual([task]);
    });

    it('returns a fresh task with its defaults (empty arrays, null fields, false flags) unchanged', async () => {
      const task = await createTask(h.store, { title: 'plain' });
      expect(task.eta).toBeNull();
      expect(task.assignment).toBeNull();
      await expectTask(h.store, task);
    });

    it.each([
      ['a string', 'done'],
      ['a number', 42],
      ['an array', [1, 'two', null]],
      ['a boolean', false],
      ['null', null],
    ])('round-trips a result that is %s', async (_what, result) => {
      const task = await createTask(h.store);
      await insertTask(h.store, { ...task, id: `${task.id}-r`, seq: task.seq + 1000, result });
      expect((await h.store.tasks.get({ id: `${task.id}-r` }))?.result).toEqual(result);
    });

    it('returns null for an unknown id, and getMany skips unknown ids', async () => {
      const [a, b, c] = [await createTask(h.store), await createTask(h.store), await createTask(h.store)];
      expect(await h.store.tasks.get({ id: 'TASK-999' })).toBeNull();
      expect(sortedIds(await h.store.tasks.getMany({ ids: [c.id, a.id, 'TASK-999'] }))).toEqual([a.id, c.id].sort());
      expect(await h.store.tasks.getMany({ ids: [] })).toEqual([]);
      expect(await h.store.tasks.getMany({ ids: [b.id] })).toEqual([b]);
    });
  });

  describe('tasks: insert and guarded update', () => {
    it('refuses a second task with the same id with ConflictError and keeps the first', async () => {
      const task = await createTask(h.store, { title: 'original' });
      const err = await rejectionOf(h.store.transaction((tx) => tx.tasks.insert({ ...task, title: 'impostor' })));
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ code: 'ALREADY_EXISTS' });
      await expectTask(h.store, task);
    });

    it('replaces the task when status and version match', async () => {
      const task = await createTask(h.store, { title: 'before' });
      const { task: next } = transition(
        task,
        { type: 'edit', patch: { title: 'after', labels: ['x'], priority: 'P0' } },
        { now: T0 + 1, policy },
      );
      await h.store.transaction((tx) => tx.tasks.update({ next, expected: { status: task.status, version: task.version } }));
      await expectTask(h.store, next);
      expect(next.version).toBe(task.version + 1);
    });

    it('throws VersionConflictError on a stale version and changes nothing', async () => {
      const task = await createTask(h.store);
      const first = await act(h.store, task, { type: 'edit', patch: { title: 'first writer' } }, T0 + 1);
      const { task: stale } = transition(task, { type: 'edit', patch: { title: 'second writer' } }, { now: T0 + 2, policy });
      const err = await rejectionOf(
        h.store.transaction((tx) => tx.tasks.update({ next: stale, expected: { status: task.status, version: task.version } })),
      );
      expect(err).toBeInstanceOf(VersionConflictError);
      expect(err).toMatchObject({ code: 'VERSION_CONFLICT' });
      await expectTask(h.store, first);
    });

    it('throws VersionConflictError when the status is not the expected one and changes nothing', async () => {
      const task = await createTask(h.store);
      const next = { ...task, title: 'wrong status', version: task.version + 1 };
      const err = await rejectionOf(
        h.store.transaction((tx) => tx.tasks.update({ next, expected: { status: 'ASSIGNED', version: task.version } })),
      );
      expect(err).toMatchObject({ code: 'VERSION_CONFLICT' });
      await expectTask(h.store, task);
    });

    it('throws VersionConflictError for an unknown task', async () => {
      const task = await createTask(h.store);
      const ghost = { ...task, id: 'TASK-404', seq: 404 };
      const err = await rejectionOf(
        h.store.transaction((tx) => tx.tasks.update({ next: ghost, expected: { status: 'PENDING', version: 1 } })),
      );
      expect(err).toMatchObject({ code: 'VERSION_CONFLICT' });
      expect(await h.store.tasks.get({ id: 'TASK-404' })).toBeNull();
    });

    it('keeps the derived indexes in step with an update (capabilities, dependencies)', async () => {
      const dep = await createTask(h.store);
      const task = await createTask(h.store, { requiredCapabilities: ['go'] });
      await h.store.transaction((tx) =>
        tx.tasks.update({
          next: { ...task, requiredCapabilities: ['rust', 'wasm'], status: 'BLOCKED', dependsOn: [dep.id], version: task.version + 1 },
          expected: { status: task.status, version: task.version },
        }),
      );
      expect(await h.store.tasks.list({ capability: 'go', limit: 10 })).toEqual([]);
      expect(ids(await h.store.tasks.list({ capability: 'wasm', limit: 10 }))).toEqual([task.id]);
      expect(ids(await h.store.tasks.listDependents({ taskId: dep.id }))).toEqual([task.id]);
      expect(await h.store.tasks.pendingCapabilityKeys()).toEqual(['']);
    });
  });

  describe('tasks: allocateSeq', () => {
    it('starts at 1 and counts up', async () => {
      const seqs = await h.store.transaction(async (tx) => [
        await tx.tasks.allocateSeq(),
        await tx.tasks.allocateSeq(),
        await tx.tasks.allocateSeq(),
      ]);
      expect(seqs).toEqual([1, 2, 3]);
      expect(await h.store.transaction((tx) => tx.tasks.allocateSeq())).toBe(4);
    });

    it('gives unique, increasing values to 20 concurrent transactions', async () => {
      const first = await h.store.transaction((tx) => tx.tasks.allocateSeq());
      const seqs = await Promise.all(Array.from({ length: 20 }, () => h.store.transaction((tx) => tx.tasks.allocateSeq())));
      expect(new Set(seqs).size).toBe(20);
      expect(Math.min(...seqs)).toBeGreaterThan(first);
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => first + 1 + i));
    });
  });

  describe('tasks: lockPending', () => {
    it('returns a PENDING task as stored, and the transaction can then update it', async () => {
      const task = await createTask(h.store, { requiredCapabilities: ['go'] });
      const assigned = await h.store.transaction(async (tx) => {
        const locked = await tx.tasks.lockPending({ id: task.id });
        expect(locked).toEqual(task);
        const { task: next } = transition(task, assignAction('agent-a'), { now: T0 + 1, policy });
        await tx.tasks.update({ next, expected: { status: task.status, version: task.version } });
        expect(await tx.tasks.lockPending({ id: task.id })).toBeNull();
        return next;
      });
      await expectTask(h.store, assigned);
    });

    it('returns null for an unknown id and for a task that is not PENDING', async () => {
      const blocked = await createTask(h.store, { dependsOn: ['TASK-900'] }, { blocked: true });
      const assigned = await act(h.store, await createTask(h.store), assignAction('agent-a'), T0 + 1);
      const cancelled = await act(h.store, await createTask(h.store), { type: 'cancel', reason: null }, T0 + 2);
      const pending = await createTask(h.store);
      const locked = await h.store.transaction(async (tx) => {
        const out: (Task | null)[] = [];
        for (const id of ['TASK-999', blocked.id, assigned.id, cancelled.id, pending.id]) out.push(await tx.tasks.lockPending({ id }));
        return out;
      });
      expect(locked).toEqual([null, null, null, null, pending]);
    });
  });

  describe('tasks: list, counts, held and dependents', () => {
    /** Six tasks, one per interesting shape; see each line. */
    async function seedSix(): Promise<[Task, Task, Task, Task, Task, Task]> {
      const login = await createTask(h.store, {
        title: 'Fix login bug',
        description: 'Users cannot Sign In',
        priority: 'P0',
        requiredCapabilities: ['auth', 'web'],
        labels: ['bug'],
      });
      const docs0 = await createTask(h.store, {
        title: 'Write docs',
        description: 'API reference 50% done',
        priority: 'P2',
        requiredCapabilities: ['docs'],
        labels: ['docs', 'easy'],
      });
      const sql0 = await createTask(h.store, {
        title: 'Refactor SQL',
        priority: 'P1',
        requiredCapabilities: ['sql'],
        labels: ['tech-debt'],
      });
      const page = await createTask(
        h.store,
        { title: 'Login page redesign', priority: 'P3', requiredCapabilities: ['web'] },
        { blocked: true },
      );
      const done0 = await createTask(h.store, { title: 'Complete me', priority: 'P2' });
      const gone0 = await createTask(h.store, { title: 'Cancelled', priority: 'P1' });
      const docs = await act(h.store, docs0, assignAction('agent-a'), T0 + 1);
      const sqlAssigned = await act(h.store, sql0, assignAction('agent-b'), T0 + 2);
      const sql = await act(h.store, sqlAssigned, { type: 'start', by: { agentId: 'agent-b' } }, T0 + 3);
      const doneAssigned = await act(h.store, done0, assignAction('agent-a'), T0 + 4);
      const done = await act(h.store, doneAssigned, { type: 'complete', by: {}, result: 'ok' }, T0 + 5);
      const gone = await act(h.store, gone0, { type: 'cancel', reason: 'not needed' }, T0 + 6);
      return [login, docs, sql, page, done, gone];
    }

    it('lists in creation order with every filter, alone and combined', async () => {
      const [login, docs, sql, page, done, gone] = await seedSix();
      const list = async (f: Parameters<typeof h.store.tasks.list>[0]): Promise<string[]> => ids(await h.store.tasks.list(f));
      expect(await list({ limit: 100 })).toEqual(ids([login, docs, sql, page, done, gone]));
      expect(await h.store.tasks.list({ limit: 100 })).toEqual([login, docs, sql, page, done, gone]);
      expect(await list({ status: ['PENDING', 'BLOCKED'], limit: 100 })).toEqual(ids([login, page]));
      expect(await list({ status: ['COMPLETED'], limit: 100 })).toEqual(ids([done]));
      expect(await list({ priority: ['P2'], limit: 100 })).toEqual(ids([docs, done]));
      expect(await list({ priority: ['P0', 'P3'], limit: 100 })).toEqual(ids([login, page]));
      expect(await list({ agent: 'agent-a', limit: 100 })).toEqual(ids([docs, done]));
      expect(await list({ agent: 'nobody', limit: 100 })).toEqual([]);
      expect(await list({ capability: 'web', limit: 100 })).toEqual(ids([login, page]));
      expect(await list({ capability: 'we', limit: 100 })).toEqual([]);
      expect(await list({ label: 'docs', limit: 100 })).toEqual(ids([docs]));
      expect(await list({ label: 'do', limit: 100 })).toEqual([]);
      expect(await list({ text: 'LOGIN', limit: 100 })).toEqual(ids([login, page]));
      expect(await list({ text: 'sign in', limit: 100 })).toEqual(ids([login]));
      expect(await list({ text: sql.id.toLowerCase(), limit: 100 })).toEqual(ids([sql]));
      expect(await list({ text: '50%', limit: 100 })).toEqual(ids([docs]));
      expect(await list({ text: '%', limit: 100 })).toEqual(ids([docs]));
      expect(await list({ text: '_', limit: 100 })).toEqual([]);
      expect(await list({ status: ['PENDING', 'BLOCKED'], capability: 'web', text: 'page', limit: 100 })).toEqual(ids([page]));
      expect(await list({ agent: 'agent-a', status: ['ASSIGNED'], priority: ['P2'], label: 'easy', limit: 100 })).toEqual(ids([docs]));
    });

    it('pages with after (creation order) and limit', async () => {
      const six = await seedSix();
      const seqOf = (i: number) => ({ value: six[i]?.seq ?? -1, seq: six[i]?.seq ?? -1 });
      expect(ids(await h.store.tasks.list({ limit: 2 }))).toEqual(ids(six.slice(0, 2)));
      expect(ids(await h.store.tasks.list({ after: seqOf(1), limit: 2 }))).toEqual(ids(six.slice(2, 4)));
      expect(ids(await h.store.tasks.list({ after: seqOf(3), limit: 2 }))).toEqual(ids(six.slice(4, 6)));
      expect(await h.store.tasks.list({ after: seqOf(5), limit: 2 })).toEqual([]);
      expect(ids(await h.store.tasks.list({ after: seqOf(0), status: ['BLOCKED', 'PENDING'], limit: 5 }))).toEqual(ids([six[3] as Task]));
    });

    it('counts by status and by priority with every key present', async () => {
      const zeroStatus = { BLOCKED: 0, PENDING: 0, ASSIGNED: 0, IN_PROGRESS: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 };
      expect(await h.store.tasks.countByStatus()).toEqual(zeroStatus);
      expect(await h.store.tasks.countByPriority()).toEqual({ P0: 0, P1: 0, P2: 0, P3: 0 });
      await seedSix();
      expect(await h.store.tasks.countByStatus()).toEqual({
        ...zeroStatus,
        BLOCKED: 1,
        PENDING: 1,
        ASSIGNED: 1,
        IN_PROGRESS: 1,
        COMPLETED: 1,
        CANCELLED: 1,
      });
      expect(await h.store.tasks.countByPriority()).toEqual({ P0: 1, P1: 2, P2: 2, P3: 1 });
    });

    it('counts open tasks at SLA risk and past their deadline, ignoring ended ones', async () => {
      expect(await h.store.tasks.countSla()).toEqual({ atRisk: 0, violated: 0 });
      const warned = await act(h.store, await createTask(h.store), { type: 'sla_warn' });
      await act(h.store, warned, assignAction('agent-a'));
      await act(h.store, await createTask(h.store), { type: 'sla_warn' });
      await act(h.store, await createTask(h.store), { type: 'sla_violate' });
      const endedWarned = await act(h.store, await createTask(h.store), { type: 'sla_warn' });
      await act(h.store, endedWarned, { type: 'cancel', reason: null });
      const endedViolated = await act(h.store, await createTask(h.store), { type: 'sla_violate' });
      await act(h.store, endedViolated, { type: 'cancel', reason: null });
      await createTask(h.store);
      expect(await h.store.tasks.countSla()).toEqual({ atRisk: 2, violated: 1 });
    });

    it('lists the tasks an agent holds (ASSIGNED, IN_PROGRESS), oldest assignment first', async () => {
      const later = await act(h.store, await createTask(h.store), assignAction('agent-a', T0 + 20), T0 + 20);
      const earlierAssigned = await act(h.store, await createTask(h.store), assignAction('agent-a', T0 + 10), T0 + 10);
      const earlier = await act(h.store, earlierAssigned, { type: 'start', by: { agentId: 'agent-a' } }, T0 + 30);
      const finished = await act(h.store, await createTask(h.store), assignAction('agent-a', T0 + 5), T0 + 5);
      await act(h.store, finished, { type: 'complete', by: {}, result: null }, T0 + 6);
      await act(h.store, await createTask(h.store), assignAction('agent-b', T0 + 1), T0 + 1);
      await createTask(h.store);
      expect(await h.store.tasks.listHeldBy({ agentId: 'agent-a' })).toEqual([earlier, later]);
      expect(await h.store.tasks.listHeldBy({ agentId: 'nobody' })).toEqual([]);
    });

    it('lists the BLOCKED tasks that depend on a task, and only those', async () => {
      const x = await createTask(h.store);
      const w = await createTask(h.store);
      const y = await createTask(h.store, { dependsOn: [x.id] }, { blocked: true });
      const z = await createTask(h.store, { dependsOn: [w.id, x.id] }, { blocked: true });
      await createTask(h.store, { dependsOn: [x.id] }, { blocked: false });
      await createTask(h.store, { dependsOn: [w.id] }, { blocked: true });
      expect(sortedIds(await h.store.tasks.listDependents({ taskId: x.id }))).toEqual([y.id, z.id].sort());
      await act(h.store, y, { type: 'unblock' });
      expect(await h.store.tasks.listDependents({ taskId: x.id })).toEqual([z]);
      expect(await h.store.tasks.listDependents({ taskId: 'TASK-999' })).toEqual([]);
    });
  });
}
