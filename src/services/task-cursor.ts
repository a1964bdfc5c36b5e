import { ValidationError } from '../core/errors.js';
import { PRIORITIES } from '../core/task.js';
import { TASK_SORT_KEYS, sameSort, type TaskPosition, type TaskSort, type TaskSortKey } from '../core/task-order.js';

/**
 * The `nextCursor` of a task listing: where the page ended, and in which order.
 *
 * - Creation order, ascending (the default): the bare `seq` of the last task, e.g. `"42"`, as
 *   before sorts existed, so the dashboard's and scripts' integer cursors keep working.
 * - Any other order: `<key>.<direction>.<value>.<seq>`, e.g. `"deadline.desc.1767225600000.42"`
 *   (value = the last task's sort value, priorities by rank). A cursor only resumes the order that
 *   made it: used with another `sort`, it is a 400 rather than a silently wrong page.
 */
const ORDERED_CURSOR = /^([a-z]+)\.(asc|desc)\.(-?\d{1,16})\.(\d{1,15})$/;
const SEQ_CURSOR = /^\d{1,15}$/;

export function encodeTaskCursor(sort: TaskSort, position: TaskPosition): string {
  if (isDefault(sort)) return String(position.seq);
  return `${sort.key}.${sort.direction}.${position.value}.${position.seq}`;
}

/** The position a cursor names, checked against the order of the request it came with. */
export function decodeTaskCursor(raw: string, sort: TaskSort): TaskPosition {
  if (SEQ_CURSOR.test(raw)) {
    if (!isDefault(sort)) throw mismatch(raw, { key: 'created', direction: 'asc' }, sort);
    const seq = Number(raw);
    return { value: seq, seq };
  }
  const match = ORDERED_CURSOR.exec(raw);
  const key = TASK_SORT_KEYS.find((k) => k === match?.[1]);
  if (match === null || key === undefined) {
    throw new ValidationError(`Invalid cursor "${raw}": pass the nextCursor of the previous page unchanged`, { field: '/cursor' });
  }
  const made: TaskSort = { key, direction: match[2] === 'desc' ? 'desc' : 'asc' };
  if (!sameSort(made, sort)) throw mismatch(raw, made, sort);
  const value = Number(match[3]);
  const seq = Number(match[4]);
  if (!Number.isSafeInteger(value) || !plausible(key, value, seq)) {
    throw new ValidationError(`Invalid cursor "${raw}": pass the nextCursor of the previous page unchanged`, { field: '/cursor' });
  }
  return { value, seq };
}

/** `priority`, `-deadline`: the `sort` parameter of GET /api/tasks for an order. */
export function sortParam(sort: TaskSort): string {
  return `${sort.direction === 'desc' ? '-' : ''}${sort.key}`;
}

function isDefault(sort: TaskSort): boolean {
  return sort.key === 'created' && sort.direction === 'asc';
}

function plausible(key: TaskSortKey, value: number, seq: number): boolean {
  if (key === 'created') return value === seq;
  if (key === 'priority') return value >= 0 && value < PRIORITIES.length;
  return true;
}

function mismatch(raw: string, made: TaskSort, asked: TaskSort): ValidationError {
  return new ValidationError(
    `Cursor "${raw}" continues sort=${sortParam(made)}, but this request asks for sort=${sortParam(asked)}: ` +
      'start again without a cursor, or keep the sort',
    { field: '/cursor', cursorSort: sortParam(made), sort: sortParam(asked) },
  );
}
