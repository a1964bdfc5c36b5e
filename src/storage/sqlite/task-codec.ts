import type { Task } from '../../core/task.js';
import { TASK_COLUMN_SPECS, compileRowToTask, compileTaskEncoder, type TaskColumn } from '../task-fields.js';
import type { SqlParams, SqlRow } from './connection.js';
import {
  boolValue,
  jsonValue,
  numOrNullValue,
  numValue,
  oneOfValue,
  stringArrayValue,
  textOrNullValue,
  textValue,
  toBit,
  toJson,
} from './row-codec.js';

export type { TaskColumn } from '../task-fields.js';

/** Every column of `tasks` in the order of the INSERT (the mapping itself is task-fields.ts). */
export const TASK_COLUMNS: readonly TaskColumn[] = TASK_COLUMN_SPECS.map((c) => c.column as TaskColumn);

/** SQLite has no array or boolean type: string arrays and JSON values are JSON text, booleans 0/1. */
const encodeTask = compileTaskEncoder(
  {
    strings: toJson,
    json: toJson,
    'json?': (value) => (value === null ? null : toJson(value)),
    bool: (value) => toBit(value === true),
  },
  'named',
);

/** A task as bind parameters, derived columns included (capability key and timer due times from core). */
export function taskToParams(task: Task): Record<TaskColumn, string | number | null> & SqlParams {
  return encodeTask(task) as Record<TaskColumn, string | number | null> & SqlParams;
}

/** Maps a row to the domain type, checking each value's type: a wrong one means the file was not written by us. */
export const rowToTask: (row: SqlRow) => Task = compileRowToTask({
  text: (value, column, allowed) => (allowed === undefined ? textValue(value, column) : oneOfValue(value, column, allowed)),
  'text?': textOrNullValue,
  int: numValue,
  'int?': numOrNullValue,
  bool: boolValue,
  strings: stringArrayValue,
  json: jsonValue,
  'json?': jsonValue,
});

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
