import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newTask } from '../../core/factories.js';
import type { Store, TaskCriteria } from '../../core/ports.js';
import { PRIORITIES, TASK_STATUSES, type Priority, type Task, type TaskStatus } from '../../core/task.js';
import { TASK_SORT_KEYS, compareInOrder, positionOf, type TaskSort } from '../../core/task-order.js';
import { HOUR_MS, T0, ids, policy, type StoreHarness } from './fixtures.js';

/** The fields a listing sorts and filters by; the rest come from core's factory. */
interface Shape {
  priority: Priority;
  /** Hours after T0; few distinct values, so ties are common. */
  deadlineStep: number;
  /** Minutes after T0, as above. */
  updatedStep: number;
  status: TaskStatus;
  label: string;
}

const ALL_SORTS: TaskSort[] = TASK_SORT_KEYS.flatMap((key) => [
  { key, direction: 'asc' as const },
  { key, direction: 'desc' as const },
]);

/** Inserts one task per shape in one transaction, each labelled `run` too (so runs do not see each other). */
async function insertShapes(store: Store, run: string, shapes: readonly Shape[]): Promise<Task[]> {
  return store.transaction(async (tx) => {
    const out: Task[] = [];
    for (const shape of shapes) {
      const seq = await tx.tasks.allocateSeq();
      const base = newTask(
        { title: `t${seq}`, priority: shape.priority, labels: [run, shape.label], slaDeadline: T0 + shape.deadlineStep * HOUR_MS },
        { seq, now: T0, policy, blocked: false },
      );
      const task: Task = { ...base, status: shape.status, updatedAt: T0 + shape.updatedStep * 60_000 };
      await tx.tasks.insert(task);
      out.push(task);
    }
    return out;
  });
}

/** Every page of one listing, each resuming after the last task of the one before. */
async function pageThrough(store: Store, criteria: TaskCriteria, sort: TaskSort, limit: number): Promise<Task[][]> {
  const pages: Task[][] = [];
  for (let after: ReturnType<typeof positionOf> | undefined; ;) {
    const page = await store.tasks.list({ ...criteria, sort, after, limit });
    if (page.length > limit) throw new Error(`page of ${page.length} > limit ${limit}`);
    if (page.length === 0) break;
    pages.push(page);
    const last = page.at(-1);
    if (page.length < limit || last === undefined) break;
    after = positionOf(last, sort.key);
    if (pages.length > 200) throw new Error('pagination does not end');
  }
  return pages;
}

function matches(task: Task, c: TaskCriteria): boolean {
  return (
    (c.status === undefined || c.status.includes(task.status)) &&
    (c.priority === undefined || c.priority.includes(task.priority)) &&
    (c.label === undefined || task.labels.includes(c.label))
  );
}

/** Listing orders (sort keys and directions), keyset pages and the matching count. */
export function taskOrderCases(h: StoreHarness): void {
  describe('tasks: list orders, keyset pages and count', () => {
    // Seven tasks with ties on every key: priority P1 x3, deadlines +2h x3, updates +5min x3.
    const seven: Shape[] = [
      { priority: 'P1', deadlineStep: 2, updatedStep: 5, status: 'PENDING', label: 'a' },
      { priority: 'P3', deadlineStep: 1, updatedStep: 9, status: 'COMPLETED', label: 'b' },
      { priority: 'P0', deadlineStep: 2, updatedStep: 5, status: 'PENDING', label: 'a' },
      { priority: 'P1', deadlineStep: 4, updatedStep: 1, status: 'BLOCKED', label: 'b' },
      { priority: 'P2', deadlineStep: 0, updatedStep: 5, status: 'PENDING', label: 'a' },
      { priority: 'P1', deadlineStep: 2, updatedStep: 3, status: 'FAILED', label: 'b' },
      { priority: 'P0', deadlineStep: 3, updatedStep: 7, status: 'PENDING', label: 'a' },
    ];

    it('sorts by each key, ties broken by seq in the same direction', async () => {
      const t = await insertShapes(h.store, 'seven', seven);
      const [t1, t2, t3, t4, t5, t6, t7] = t.map((x) => x.id);
      const order = async (sort: TaskSort) => ids(await h.store.tasks.list({ sort, limit: 100 }));
      expect(await order({ key: 'created', direction: 'asc' })).toEqual([t1, t2, t3, t4, t5, t6, t7]);
      expect(await order({ key: 'created', direction: 'desc' })).toEqual([t7, t6, t5, t4, t3, t2, t1]);
      expect(await order({ key: 'priority', direction: 'asc' })).toEqual([t3, t7, t1, t4, t6, t5, t2]);
      expect(await order({ key: 'priority', direction: 'desc' })).toEqual([t2, t5, t6, t4, t1, t7, t3]);
      expect(await order({ key: 'deadline', direction: 'asc' })).toEqual([t5, t2, t1, t3, t6, t7, t4]);
      expect(await order({ key: 'deadline', direction: 'desc' })).toEqual([t4, t7, t6, t3, t1, t2, t5]);
      expect(await order({ key: 'updated', direction: 'asc' })).toEqual([t4, t6, t1, t3, t5, t7, t2]);
      expect(await order({ key: 'updated', direction: 'desc' })).toEqual([t2, t7, t5, t3, t1, t6, t4]);
      for (const sort of ALL_SORTS) expect(await order(sort), JSON.stringify(sort)).toEqual(ids([...t].sort(compareInOrder(sort))));
    });

    it('pages through every order visiting each task once, whatever the page size, with filters', async () => {
      const t = await insertShapes(h.store, 'seven', seven);
      for (const sort of ALL_SORTS) {
        for (const limit of [1, 2, 3, 7, 8]) {
          expect(ids((await pageThrough(h.store, {}, sort, limit)).flat()), `${JSON.stringify(sort)} limit ${limit}`).toEqual(
            ids([...t].sort(compareInOrder(sort))),
          );
        }
        const pending = { status: ['PENDING' as const] };
        expect(ids((await pageThrough(h.store, pending, sort, 2)).flat())).toEqual(
          ids(t.filter((x) => x.status === 'PENDING').sort(compareInOrder(sort))),
        );
      }
    });

    it('starts strictly after the position given, even when it names no stored task', async () => {
      const t = await insertShapes(h.store, 'seven', seven);
      const sort: TaskSort = { key: 'deadline', direction: 'asc' };
      // Between the +2h tasks seq 1 and seq 3: the rest of the tie, then later deadlines.
      const after = { value: T0 + 2 * HOUR_MS, seq: (t[0]?.seq ?? 0) + 1 };
      expect(ids(await h.store.tasks.list({ sort, after, limit: 100 }))).toEqual(ids([t[2], t[5], t[6], t[3]] as Task[]));
      expect(await h.store.tasks.list({ sort: { key: 'priority', direction: 'desc' }, after: { value: 0, seq: 0 }, limit: 9 })).toEqual([]);
    });

    it('counts the tasks matching the criteria, ignoring order and pages', async () => {
      const t = await insertShapes(h.store, 'seven', seven);
      expect(await h.store.tasks.count({})).toBe(7);
      expect(await h.store.tasks.count({ status: ['PENDING'] })).toBe(4);
      expect(await h.store.tasks.count({ status: [] })).toBe(0);
      expect(await h.store.tasks.count({ priority: ['P1', 'P3'], label: 'b' })).toBe(3);
      expect(await h.store.tasks.count({ text: (t[3]?.id ?? '').toLowerCase() })).toBe(1);
      expect(await h.store.tasks.count({ agent: 'nobody' })).toBe(0);
    });

    it('for any tasks, order, direction and page size: the pages are the sorted matching list, once each, and count is its length', async () => {
      let run = 0;
      const shape = fc.record({
        priority: fc.constantFrom(...PRIORITIES),
        deadlineStep: fc.integer({ min: 0, max: 3 }),
        updatedStep: fc.integer({ min: 0, max: 3 }),
        status: fc.constantFrom(...TASK_STATUSES),
        label: fc.constantFrom('x', 'y'),
      });
      const criteria = fc.record(
        {
          status: fc.uniqueArray(fc.constantFrom(...TASK_STATUSES), { minLength: 1, maxLength: 4 }),
          priority: fc.uniqueArray(fc.constantFrom(...PRIORITIES), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(shape, { maxLength: 14 }),
          fc.constantFrom(...ALL_SORTS),
          fc.integer({ min: 1, max: 6 }),
          criteria,
          async (shapes, sort, limit, extra) => {
            run += 1;
            const inserted = await insertShapes(h.store, `run-${run}`, shapes);
            // The run's own label keeps earlier runs' tasks out of this one.
            const filter: TaskCriteria = { ...extra, label: `run-${run}` };
            const expected = ids(inserted.filter((x) => matches(x, filter)).sort(compareInOrder(sort)));
            const seen = ids((await pageThrough(h.store, filter, sort, limit)).flat());
            expect(seen).toEqual(expected);
            expect(new Set(seen).size).toBe(seen.length);
            expect(await h.store.tasks.count(filter)).toBe(expected.length);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
