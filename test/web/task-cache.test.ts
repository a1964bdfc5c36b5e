import { describe, expect, it } from 'vitest';
import type { TaskListResponse } from 'switchboard/sdk';
import { findTask, flattenTaskPages, upsertById, upsertTaskPages, type TaskPages } from '../../web/src/lib/task-cache.js';
import { agent, task } from './fixtures.js';

function pages(...lists: TaskListResponse['tasks'][]): TaskPages {
  return {
    pages: lists.map((tasks, i) => ({
      success: true as const,
      tasks,
      count: tasks.length,
      total: lists.flat().length,
      nextCursor: i < lists.length - 1 ? String(i + 1) : null,
    })),
    pageParams: lists.map((_, i) => (i === 0 ? null : String(i))),
  };
}

describe('task cache (socket upserts into the cached pages)', () => {
  it('replaces a task in place when the snapshot is not older', () => {
    const data = pages([task({ id: 'TASK-001' }), task({ id: 'TASK-002' })], [task({ id: 'TASK-003' })]);
    const next = upsertTaskPages(data, [task({ id: 'TASK-002', status: 'ASSIGNED', version: 2 })]);
    expect(next?.pages[0]?.tasks[1]?.status).toBe('ASSIGNED');
    expect(next?.pages[1]).toBe(data.pages[1]);
  });

  it('ignores an older snapshot (a late socket message after a fresher REST answer)', () => {
    const data = pages([task({ id: 'TASK-001', status: 'COMPLETED', version: 5 })]);
    expect(upsertTaskPages(data, [task({ id: 'TASK-001', status: 'IN_PROGRESS', version: 4 })])).toBe(data);
  });

  it('inserts unknown tasks into the last page, and `force` overrides the version check', () => {
    const data = pages([task({ id: 'TASK-001', version: 3 })]);
    const inserted = upsertTaskPages(data, [task({ id: 'TASK-009' })]);
    expect(flattenTaskPages(inserted).map((t) => t.id)).toEqual(['TASK-001', 'TASK-009']);
    const forced = upsertTaskPages(data, [task({ id: 'TASK-001', status: 'CANCELLED', version: 1 })], true);
    expect(findTask(forced, 'TASK-001')?.status).toBe('CANCELLED');
  });

  it('flattens pages once per task, keeping the newest copy', () => {
    const data = pages(
      [task({ id: 'TASK-001' }), task({ id: 'TASK-002', version: 4, status: 'ASSIGNED' })],
      [task({ id: 'TASK-002', version: 3 }), task({ id: 'TASK-003' })],
    );
    const flat = flattenTaskPages(data);
    expect(flat.map((t) => t.id)).toEqual(['TASK-001', 'TASK-002', 'TASK-003']);
    expect(flat[1]?.status).toBe('ASSIGNED');
  });

  it('upserts agents by id and version', () => {
    const list = [agent({ id: 'a', version: 2 }), agent({ id: 'b' })];
    expect(upsertById(list, [agent({ id: 'a', version: 1, status: 'PAUSED' })])).toBe(list);
    const next = upsertById(list, [agent({ id: 'a', version: 3, status: 'PAUSED' }), agent({ id: 'c' })]);
    expect(next?.map((a) => `${a.id}:${a.status}`)).toEqual(['a:PAUSED', 'b:IDLE', 'c:IDLE']);
  });
});
