import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capabilityKey } from '../../core/capabilities.js';
import { newTask } from '../../core/factories.js';
import { TIMER_KINDS, type TimerKind } from '../../core/ports.js';
import { compareQueueOrder } from '../../core/queue-order.js';
import { TASK_STATUSES, type Task } from '../../core/task.js';
import { timerDueTimes } from '../../core/timers.js';
import { HOUR_MS, MINUTE_MS, T0, act, assignAction, createTask, ids, insertTask, policy, type StoreHarness } from './fixtures.js';

/** The dispatcher's and the timers' reads: capability keys, queue order, due timers. */
export function queueCases(h: StoreHarness): void {
  describe('tasks: pendingCapabilityKeys', () => {
    it('returns exactly the distinct keys of PENDING tasks', async () => {
      expect(await h.store.tasks.pendingCapabilityKeys()).toEqual([]);
      await createTask(h.store, { requiredCapabilities: [] });
      await createTask(h.store, { requiredCapabilities: ['ts', 'sql'] });
      await createTask(h.store, { requiredCapabilities: ['sql', 'ts'] });
      const go = await createTask(h.store, { requiredCapabilities: ['go'] });
      await createTask(h.store, { requiredCapabilities: ['python'] }, { blocked: true });
      await act(h.store, await createTask(h.store, { requiredCapabilities: ['java'] }), assignAction('agent-a'));
      await act(h.store, await createTask(h.store, { requiredCapabilities: ['cobol'] }), { type: 'cancel', reason: null });
      const keys = async (): Promise<string[]> => [...(await h.store.tasks.pendingCapabilityKeys())].sort();
      expect(await keys()).toEqual(['', 'go', 'sql,ts']);
      await act(h.store, go, assignAction('agent-b'));
      expect(await keys()).toEqual(['', 'sql,ts']);
    });

    it('includes the key of a task waiting for its retry backoff (it is still PENDING)', async () => {
      const task = await createTask(h.store, { requiredCapabilities: ['rust'] });
      await insertTask(h.store, { ...task, id: 'TASK-RETRY', seq: 900, requiredCapabilities: ['wasm'], retryAt: T0 + HOUR_MS });
      expect([...(await h.store.tasks.pendingCapabilityKeys())].sort()).toEqual(['rust', 'wasm']);
    });
  });

  describe('tasks: countQueue', () => {
    it('counts PENDING tasks (backoff included) per capability key and queue rank, and nothing else', async () => {
      expect(await h.store.tasks.countQueue()).toEqual([]);
      await createTask(h.store, { priority: 'P1' });
      await createTask(h.store, { priority: 'P1' });
      const aged = await createTask(h.store, { priority: 'P3', requiredCapabilities: ['ts', 'sql'] });
      // Aged from P3 to rank 1: counted at the rank the queue sorts it at.
      await insertTask(h.store, { ...aged, id: 'TASK-AGED', seq: 800, queueRank: 1 });
      const go = await createTask(h.store, { priority: 'P0', requiredCapabilities: ['go'] });
      await insertTask(h.store, { ...go, id: 'TASK-RETRY', seq: 900, retryAt: T0 + HOUR_MS });
      await createTask(h.store, { priority: 'P0', requiredCapabilities: ['python'] }, { blocked: true });
      await act(h.store, await createTask(h.store, { priority: 'P1' }), assignAction('agent-a'));
      await act(h.store, await createTask(h.store, { priority: 'P2' }), { type: 'cancel', reason: null });
      const counts = async () =>
        [...(await h.store.tasks.countQueue())].sort((a, b) => a.capabilityKey.localeCompare(b.capabilityKey) || a.queueRank - b.queueRank);
      expect(await counts()).toEqual([
        { capabilityKey: '', queueRank: 1, count: 2 },
        { capabilityKey: 'go', queueRank: 0, count: 2 },
        { capabilityKey: 'sql,ts', queueRank: 1, count: 1 },
        { capabilityKey: 'sql,ts', queueRank: 3, count: 1 },
      ]);
      await act(h.store, go, assignAction('agent-b'));
      expect((await counts())[1]).toEqual({ capabilityKey: 'go', queueRank: 0, count: 1 });
    });
  });

  describe('tasks: peekQueue', () => {
    it('orders by queue rank, then SLA deadline, then seq, within one capability key', async () => {
      const key = capabilityKey(['ts']);
      const caps = { requiredCapabilities: ['ts'] };
      const a = await createTask(h.store, { ...caps, priority: 'P2', slaDeadline: T0 + 10 * HOUR_MS });
      const b = await createTask(h.store, { ...caps, priority: 'P1', slaDeadline: T0 + 20 * HOUR_MS });
      const c = await createTask(h.store, { ...caps, priority: 'P2', slaDeadline: T0 + 5 * HOUR_MS });
      const d = await createTask(h.store, { ...caps, priority: 'P2', slaDeadline: T0 + 5 * HOUR_MS });
      await createTask(h.store, { requiredCapabilities: ['go'], priority: 'P0' });
      await createTask(h.store, { requiredCapabilities: ['ts', 'go'], priority: 'P0' });
      await act(h.store, await createTask(h.store, { ...caps, priority: 'P0' }), assignAction('agent-a'));
      await createTask(h.store, { ...caps, priority: 'P0' }, { blocked: true });
      // Aged: priority P3 but promoted to rank 0, so it goes first; the queue sorts by rank, not priority.
      const aged0 = await createTask(h.store, { ...caps, priority: 'P3', slaDeadline: T0 + 50 * HOUR_MS });
      const aged = { ...aged0, id: `${aged0.id}-aged`, seq: aged0.seq + 100, queueRank: 0 };
      await insertTask(h.store, aged);

      const peek = async (now: number, limit: number): Promise<Task[]> => h.store.tasks.peekQueue({ capabilityKey: key, now, limit });
      expect(await peek(T0, 10)).toEqual([aged, b, c, d, a, aged0]);
      expect(ids(await peek(T0, 2))).toEqual(ids([aged, b]));
      expect(await h.store.tasks.peekQueue({ capabilityKey: 'nope', now: T0, limit: 10 })).toEqual([]);
    });

    it('skips a task in retry backoff until its retryAt, inclusive', async () => {
      const key = capabilityKey(['ts']);
      const waiting0 = await createTask(h.store, { requiredCapabilities: ['ts'], priority: 'P0' });
      const waiting = { ...waiting0, id: `${waiting0.id}-w`, seq: waiting0.seq + 100, retryAt: T0 + MINUTE_MS };
      await insertTask(h.store, waiting);
      const ready = await createTask(h.store, { requiredCapabilities: ['ts'], priority: 'P2' });
      expect(ids(await h.store.tasks.peekQueue({ capabilityKey: key, now: T0, limit: 10 }))).toEqual(ids([waiting0, ready]));
      expect(ids(await h.store.tasks.peekQueue({ capabilityKey: key, now: T0 + MINUTE_MS - 1, limit: 10 }))).toEqual(
        ids([waiting0, ready]),
      );
      expect(ids(await h.store.tasks.peekQueue({ capabilityKey: key, now: T0 + MINUTE_MS, limit: 10 }))).toEqual(
        ids([waiting0, waiting, ready]),
      );
    });

    it('matches compareQueueOrder for any mix of ranks, deadlines and creation order', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ rank: fc.integer({ min: 0, max: 3 }), deadlineStep: fc.integer({ min: 0, max: 4 }) }), {
            minLength: 1,
            maxLength: 12,
          }),
          async (specs) => {
            run += 1;
            const key = `prop-${run}`;
            const inserted = await h.store.transaction(async (tx) => {
              const out: Task[] = [];
              for (const spec of specs) {
                const seq = await tx.tasks.allocateSeq();
                const task = {
                  ...newTask(
                    { title: `p${seq}`, requiredCapabilities: [key], slaDeadline: T0 + spec.deadlineStep * HOUR_MS },
                    { seq, now: T0, policy, blocked: false },
                  ),
                  queueRank: spec.rank,
                };
                await tx.tasks.insert(task);
                out.push(task);
              }
              return out;
            });
            const expected = [...inserted].sort(compareQueueOrder);
            expect(ids(await h.store.tasks.peekQueue({ capabilityKey: key, now: T0, limit: 100 }))).toEqual(ids(expected));
          },
        ),
        { numRuns: 15 },
      );
    });
  });

  describe('tasks: timers (nextDueAt, listDue)', () => {
    /** Tasks arming every timer kind at distinct times, plus one with none armed. */
    async function seedTimers(): Promise<Task[]> {
      const slow = await createTask(h.store, { priority: 'P2' }, { now: T0 });
      const urgent = await createTask(h.store, { priority: 'P0', slaDeadline: T0 + 30 * MINUTE_MS }, { now: T0 + 1_000 });
      const offered = await act(
        h.store,
        await createTask(h.store, { priority: 'P1' }, { now: T0 + 2_000 }),
        assignAction('agent-a'),
        T0 + MINUTE_MS,
      );
      const leased0 = await act(
        h.store,
        await createTask(h.store, { priority: 'P1' }, { now: T0 + 3_000 }),
        assignAction('agent-b'),
        T0 + 2 * MINUTE_MS,
      );
      const leased = await act(h.store, leased0, { type: 'start', by: { agentId: 'agent-b' } }, T0 + 3 * MINUTE_MS);
      const retry0 = await createTask(h.store, { priority: 'P3', maxAttempts: 3 }, { now: T0 + 4_000 });
      const retryAssigned = await act(h.store, retry0, assignAction('agent-c'), T0 + 4 * MINUTE_MS);
      const retrying = await act(h.store, retryAssigned, { type: 'fail', by: { agentId: 'agent-c' }, reason: 'boom' }, T0 + 5 * MINUTE_MS);
      const done0 = await createTask(h.store, {}, { now: T0 + 5_000 });
      const done = await act(
        h.store,
        await act(h.store, done0, assignAction('agent-a'), T0 + 6_000),
        { type: 'complete', by: {}, result: 1 },
        T0 + 7_000,
      );
      expect(retrying.retryAt).not.toBeNull();
      expect(timerDueTimes(done)).toEqual({ offer: null, lease: null, sla_warning: null, sla_violation: null, retry: null, promote: null });
      return [slow, urgent, offered, leased, retrying, done];
    }

    function dueOf(task: Task, kind: TimerKind): number | null {
      return timerDueTimes(task)[kind];
    }

    it('nextDueAt is null with no armed timer and the earliest due time of any kind otherwise', async () => {
      expect(await h.store.tasks.nextDueAt()).toBeNull();
      const tasks = await seedTimers();
      const all = tasks.flatMap((t) => TIMER_KINDS.map((k) => dueOf(t, k))).filter((d): d is number => d !== null);
      expect(await h.store.tasks.nextDueAt()).toBe(Math.min(...all));
      for (const t of tasks) {
        const fresh = await h.store.tasks.get({ id: t.id });
        if (fresh !== null && fresh.status !== 'COMPLETED' && fresh.status !== 'CANCELLED' && fresh.status !== 'FAILED') {
          await act(h.store, fresh, { type: 'cancel', reason: null }, T0 + 10 * MINUTE_MS);
        }
      }
      expect(await h.store.tasks.nextDueAt()).toBeNull();
    });

    /** A task in which only `kind`'s timer is armed, due at `at` (the other fields say "not armed"). */
    function armedOnly(base: Task, kind: TimerKind, at: number, n: number): Task {
      const quiet: Task = {
        ...base,
        id: `TIMER-${n}`,
        seq: 1000 + n,
        slaWarned: true,
        slaViolated: true,
        retryAt: null,
        promoteAt: null,
        offerExpiresAt: null,
        leaseExpiresAt: null,
      };
      switch (kind) {
        case 'offer':
          return {
            ...quiet,
            status: 'ASSIGNED',
            agent: 'a',
            offerExpiresAt: at,
            leaseExpiresAt: at - 1,
            retryAt: at - 1,
            promoteAt: at - 1,
          };
        case 'lease':
          return {
            ...quiet,
            status: 'IN_PROGRESS',
            agent: 'a',
            leaseExpiresAt: at,
            offerExpiresAt: at - 1,
            retryAt: at - 1,
            promoteAt: at - 1,
          };
        case 'sla_warning':
          return { ...quiet, status: 'BLOCKED', slaWarned: false, slaWarningAt: at };
        case 'sla_violation':
          return { ...quiet, status: 'PENDING', slaViolated: false, slaDeadline: at, slaWarningAt: at - 1 };
        case 'retry':
          return { ...quiet, status: 'PENDING', retryAt: at, offerExpiresAt: at - 1, leaseExpiresAt: at - 1 };
        case 'promote':
          return { ...quiet, status: 'PENDING', promoteAt: at, offerExpiresAt: at - 1, leaseExpiresAt: at - 1 };
      }
    }

    it('nextDueAt follows each timer kind when it is the earliest', async () => {
      const base = await createTask(h.store, { slaDeadline: T0 + 1_000 * HOUR_MS });
      let n = 0;
      for (const kind of TIMER_KINDS) {
        n += 1;
        const at = T0 - n * MINUTE_MS;
        const task = armedOnly(base, kind, at, n);
        expect(timerDueTimes(task)).toEqual({
          offer: null,
          lease: null,
          sla_warning: null,
          sla_violation: null,
          retry: null,
          promote: null,
          [kind]: at,
        });
        await insertTask(h.store, task);
        expect(await h.store.tasks.nextDueAt()).toBe(at);
      }
    });

    it('arms a due time only where timerDueTimes does (status and flags decide, not the raw field)', async () => {
      const base = await createTask(h.store, { slaDeadline: T0 + 1_000 * HOUR_MS });
      const everything = {
        slaWarned: false,
        slaViolated: false,
        slaWarningAt: T0 + 5,
        retryAt: T0 + 1,
        promoteAt: T0 + 2,
        offerExpiresAt: T0 + 3,
        leaseExpiresAt: T0 + 4,
      };
      const tasks = TASK_STATUSES.flatMap((status, i) => [
        { ...base, ...everything, id: `ALL-${i}`, seq: 2000 + 2 * i, status },
        { ...base, ...everything, id: `FLAGGED-${i}`, seq: 2001 + 2 * i, status, slaWarned: true, slaViolated: true },
      ]);
      for (const t of tasks) await insertTask(h.store, t);
      const all = [base, ...tasks];
      for (const kind of TIMER_KINDS) {
        const expected = all.filter((t) => timerDueTimes(t)[kind] !== null).map((t) => t.id);
        expect(ids(await h.store.tasks.listDue({ kind, now: T0 + 2_000 * HOUR_MS, limit: 100 })).sort()).toEqual(expected.sort());
      }
    });

    it.each(TIMER_KINDS.map((k) => [k]))(
      'listDue(%s) returns the tasks whose timer is due, earliest first, as timerDueTimes says',
      async (kind) => {
        const tasks = await seedTimers();
        const armed = tasks.filter((t) => dueOf(t, kind) !== null);
        expect(armed.length).toBeGreaterThan(0);
        const dues = [...new Set(armed.map((t) => dueOf(t, kind) as number))].sort((a, b) => a - b);
        for (const now of [...dues, (dues[0] as number) - 1]) {
          const expected = armed.filter((t) => (dueOf(t, kind) as number) <= now);
          const got = await h.store.tasks.listDue({ kind, now, limit: 100 });
          expect([...ids(got)].sort()).toEqual([...ids(expected)].sort());
          const gotDues = got.map((t) => dueOf(t, kind) as number);
          expect(gotDues).toEqual([...gotDues].sort((a, b) => a - b));
          expect(got).toEqual(expect.arrayContaining(expected));
        }
        const firstOnly = await h.store.tasks.listDue({ kind, now: T0 + 1_000 * HOUR_MS, limit: 1 });
        expect(firstOnly).toHaveLength(1);
        expect(dueOf(firstOnly[0] as Task, kind)).toBe(dues[0]);
      },
    );

    it('drops a timer once the task no longer arms it', async () => {
      const [slow, urgent, offered, leased] = (await seedTimers()) as [Task, Task, Task, Task];
      const far = T0 + 1_000 * HOUR_MS;
      const warned = await act(h.store, slow, { type: 'sla_warn' }, T0 + 6 * MINUTE_MS);
      expect(ids(await h.store.tasks.listDue({ kind: 'sla_warning', now: far, limit: 100 }))).not.toContain(warned.id);
      expect(ids(await h.store.tasks.listDue({ kind: 'sla_violation', now: far, limit: 100 }))).toContain(warned.id);
      await act(h.store, urgent, { type: 'sla_violate' }, T0 + 6 * MINUTE_MS);
      expect(ids(await h.store.tasks.listDue({ kind: 'sla_violation', now: far, limit: 100 }))).not.toContain(urgent.id);
      const started = await act(h.store, offered, { type: 'start', by: {} }, T0 + 7 * MINUTE_MS);
      expect(await h.store.tasks.listDue({ kind: 'offer', now: far, limit: 100 })).toEqual([]);
      expect(ids(await h.store.tasks.listDue({ kind: 'lease', now: far, limit: 100 })).sort()).toEqual([leased.id, started.id].sort());
      await act(h.store, leased, { type: 'complete', by: {}, result: null }, T0 + 8 * MINUTE_MS);
      expect(ids(await h.store.tasks.listDue({ kind: 'lease', now: far, limit: 100 }))).toEqual([started.id]);
    });
  });
}
