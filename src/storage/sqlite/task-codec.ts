import type { Task } from '../../core/task.js';
import { TASK_COLUMN_SPECS, taskColumnValues, taskFromColumns, type TaskColumn, type TaskColumnKind } from '../task-fields.js';
import type { SqlParams, SqlRow } from './connection.js';
import { bool, json, num, numOrNull, oneOf, stringArray, text, textOrNull, toBit, toJson } from './row-codec.js';

export type { TaskColumn } from '../task-fields.js';

/** Every column of `tasks` in the order of the INSERT (the mapping itself is task-fields.ts). */
export const TASK_COLUMNS: readonly TaskColumn[] = TASK_COLUMN_SPECS.map((c) => c.column as TaskColumn);

/** SQLite has no array or boolean type: string arrays and JSON values are JSON text, booleans 0/1. */
function encode(kind: TaskColumnKind, value: unknown): string | number | null {
  switch (kind) {
    case 'strings':
    case 'json':
      return toJson(value);
    case 'json?':
      return value === null ? null : toJson(value);
    case 'bool':
      return toBit(value === true);
    default:
      return value as string | number | null;
  }
}

/** A task as bind parameters, derived columns included (capability key and timer due times from core). */
export function taskToParams(task: Task): Record<TaskColumn, string | number | null> & SqlParams {
  const values = taskColumnValues(task);
  const params: SqlParams = {};
  TASK_COLUMN_SPECS.forEach((spec, i) => {
    params[spec.column] = encode(spec.kind, values[i]);
  });
  return params as Record<TaskColumn, string | number | null> & SqlParams;
}

/** Maps a row to the domain type, checking each value's type: a wrong one means the file was not written by us. */
export function rowToTask(row: SqlRow): Task {
  return taskFromColumns(({ column, kind, oneOf: allowed }) => {
    switch (kind) {
      case 'text':
        return allowed === undefined ? text(row, column) : oneOf(row, column, allowed);
      case 'text?':
        return textOrNull(row, column);
      case 'int':
        return num(row, column);
      case 'int?':
        return numOrNull(row, column);
      case 'bool':
        return bool(row, column);
      case 'strings':
        return stringArray(row, column);
      case 'json':
      case 'json?':
        return json(row, column);
    }
  });
}

/** INSERT of every column, built once from the constant column list (no caller input). Parameters: one per column. */
export const INSERT_TASK_SQL = `INSERT INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES (${TASK_COLUMNS.map((c) => `@${c}`).join(', ')})`;

/** Columns an update may write: all but the keys. */
export const UPDATABLE_TASK_COLUMNS: readonly TaskColumn[] = TASK_COLUMNS.filter((c) => c !== 'id' && c !== 'seq');

const narrowUpdates = new Map<string, string>();

/**
 * The guarded UPDATE of only these columns, only while status and version are as expected.
 * Parameters: one per column named, plus @id, @expected_status, @expected_version.
 * SQLite rewrites an index when the UPDATE names one of its columns, whatever the value:
 * naming all 45 rewrote all 11 indexes of `tasks` (6.8 pages per update, 1 when narrow).
 */
export function narrowUpdateSql(columns: readonly TaskColumn[]): string {
  const key = columns.join(',');
  let sql = narrowUpdates.get(key);
  if (sql === undefined) {
    sql = `UPDATE tasks SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND status = @expected_status AND version = @expected_version`;
    narrowUpdates.set(key, sql);
  }
  return sql;
}

/** Guarded replace of every column but the keys (parameters as narrowUpdateSql's, for every updatable column). */
export const UPDATE_TASK_SQL = narrowUpdateSql(UPDATABLE_TASK_COLUMNS);
