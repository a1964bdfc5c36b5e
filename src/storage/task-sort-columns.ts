import type { TaskSortKey } from '../core/task-order.js';
import { PRIORITIES, type Priority } from '../core/task.js';

/**
 * What both dialects' task lists share: the column each order sorts by (a closed map, so
 * column names are never caller input; the names are the same in both schemas) and how a
 * priority rank is stored.
 */
export const SORT_COLUMN: Readonly<Record<TaskSortKey, string>> = Object.freeze({
  created: 'seq',
  priority: 'priority',
  deadline: 'sla_deadline',
  updated: 'updated_at',
});

/** The stored priority of a rank: the column holds 'P0'..'P3', whose text order is the rank order. */
export function priorityAt(rank: number): Priority {
  const priority = PRIORITIES[rank];
  if (priority === undefined) throw new RangeError(`No priority has rank ${rank}`);
  return priority;
}
