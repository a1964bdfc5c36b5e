import { assertNever } from './errors.js';
import { priorityRank, type Task } from './task.js';

/**
 * The orders a task listing can be read in. Every order is total: ties on the key are broken
 * by `seq` (unique) in the same direction, so a page boundary is one exact position and keyset
 * pagination visits every matching task once, however many share a key.
 *
 * - `created`: creation order (`seq`; the key is its own tiebreaker).
 * - `priority`: declared priority rank, P0 first when ascending (not the aged queue rank).
 * - `deadline`: `slaDeadline`, earliest first when ascending. Every task has one (the task's
 *   own or its priority's policy window), so there are no nulls to place.
 * - `updated`: `updatedAt`, least recently changed first when ascending.
 */
export const TASK_SORT_KEYS = ['created', 'priority', 'deadline', 'updated'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];
export type SortDirection = 'asc' | 'desc';

export interface TaskSort {
  readonly key: TaskSortKey;
  readonly direction: SortDirection;
}

/** What GET /api/tasks, the dashboard and the seed read when no order is asked for. */
export const DEFAULT_TASK_SORT: TaskSort = Object.freeze({ key: 'created', direction: 'asc' });

/** A place in one order: the sort value and `seq` of a task. A page resumes strictly after it. */
export interface TaskPosition {
  readonly value: number;
  readonly seq: number;
}

export type SortFields = Pick<Task, 'seq' | 'priority' | 'slaDeadline' | 'updatedAt'>;

/** The number a task sorts by under `key`; priorities by rank (P0 = 0). */
export function sortValue(task: SortFields, key: TaskSortKey): number {
  switch (key) {
    case 'created':
      return task.seq;
    case 'priority':
      return priorityRank(task.priority);
    case 'deadline':
      return task.slaDeadline;
    case 'updated':
      return task.updatedAt;
    default:
      return assertNever(key);
  }
}

export function positionOf(task: SortFields, key: TaskSortKey): TaskPosition {
  return { value: sortValue(task, key), seq: task.seq };
}

/** The reference order the stores implement in SQL (the conformance suite compares them). */
export function compareInOrder(sort: TaskSort): (a: SortFields, b: SortFields) => number {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return (a, b) => sign * (sortValue(a, sort.key) - sortValue(b, sort.key) || a.seq - b.seq);
}

export function sameSort(a: TaskSort, b: TaskSort): boolean {
  return a.key === b.key && a.direction === b.direction;
}
