import type { Task } from '../../core/task.js';
import { TASK_COLUMN_SPECS, TASK_FIELD_COLUMNS, taskColumnValues, taskFromColumns, type TaskColumnKind } from '../task-fields.js';
import { jsonParam } from './sql.js';

/** A `tasks` row as pg returns it: int8 parsed to number (the pool's parser), text[] to string[], jsonb parsed. */
export type TaskRow = Record<string, unknown>;

/** The cast a parameter of each kind needs: pg sends a JS array as an array literal and JSON as text. */
function castOf(kind: TaskColumnKind): string {
  if (kind === 'strings') return '::text[]';
  return kind === 'json' || kind === 'json?' ? '::jsonb' : '';
}

/** PostgreSQL binds arrays and booleans natively; only JSON values are sent as text. */
function encode(kind: TaskColumnKind, value: unknown): unknown {
  if (kind === 'json') return jsonParam(value);
  if (kind === 'json?') return value === null ? null : jsonParam(value);
  return value;
}

/** Each column with its parameter cast, in taskParams order. */
const ALL_COLUMNS = TASK_COLUMN_SPECS.map((spec) => ({ name: spec.column, cast: castOf(spec.kind), kind: spec.kind }));

/** The column list every task read selects, optionally qualified by a table alias. */
export function taskSelectList(alias?: string): string {
  return TASK_FIELD_COLUMNS.map(({ column }) => (alias === undefined ? column : `${alias}.${column}`)).join(', ');
}

/** Parameters for INSERT_TASK / UPDATE_TASK ($1 = id, then every other column in order). */
export function taskParams(task: Task): unknown[] {
  const values = taskColumnValues(task);
  return ALL_COLUMNS.map(({ kind }, i) => encode(kind, values[i]));
}

const placeholders = ALL_COLUMNS.map(({ cast }, i) => `$${i + 1}${cast}`);

/**
 * Inserts a task and mirrors `depends_on` into task_dependencies in one statement.
 * Params: taskParams(task). ON CONFLICT DO NOTHING (not a caught 23505) keeps the
 * transaction usable after a duplicate, as SQLite's is; the caller sees `inserted = 0`.
 */
export const INSERT_TASK = `
  WITH t AS (
    INSERT INTO tasks (${ALL_COLUMNS.map(({ name }) => name).join(', ')})
    VALUES (${placeholders.join(', ')})
    ON CONFLICT DO NOTHING
    RETURNING id, depends_on
  ), d AS (
    INSERT INTO task_dependencies (task_id, depends_on)
    SELECT DISTINCT t.id, dep FROM t, unnest(t.depends_on) AS dep
  )
  SELECT count(*)::int AS inserted FROM t`;

const narrowUpdates = new Map<string, string>();

/**
 * The guarded UPDATE of only the columns whose values differ between `previous` (the row
 * as read, at the expected version) and `next`, with its parameters ($1 = id, then the
 * changed columns, then expected status and version). An update that leaves every indexed
 * column alone can be HOT (no index entry written); the dependency mirror is resynced only
 * when `depends_on` changed.
 */
export function narrowUpdate(
  previous: Task,
  next: Task,
  expected: { status: string; version: number },
): { sql: string; values: unknown[] } {
  const before = taskParams(previous);
  const after = taskParams(next);
  const changed: number[] = [];
  for (let i = 1; i < ALL_COLUMNS.length; i++) if (!sameValue(before[i], after[i])) changed.push(i);
  const key = changed.join(',');
  let sql = narrowUpdates.get(key);
  if (sql === undefined) {
    const columns = changed.map((i) => ALL_COLUMNS[i] as (typeof ALL_COLUMNS)[number]);
    const sets = columns.map(({ name, cast }, i) => `${name} = $${i + 2}${cast}`).join(', ');
    const n = columns.length;
    sql = guardedUpdate(
      sets,
      `$${n + 2}`,
      `$${n + 3}`,
      columns.some(({ name }) => name === 'depends_on'),
    );
    narrowUpdates.set(key, sql);
  }
  return { sql, values: [next.id, ...changed.map((i) => after[i]), expected.status, expected.version] };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * Guarded update: `sets` assigns the columns ($1 = id), then expected status and version.
 * Under READ COMMITTED a loser blocked on the row lock re-checks the WHERE against the
 * winner's row and updates nothing (SQLite gets the same from its single writer). With
 * `resyncDependencies` the dependency mirror is brought in line in the same statement.
 */
function guardedUpdate(sets: string, expectedStatus: string, expectedVersion: string, resyncDependencies: boolean): string {
  const upd = `UPDATE tasks SET ${sets} WHERE id = $1 AND status = ${expectedStatus} AND version = ${expectedVersion}`;
  if (!resyncDependencies) return `WITH upd AS (${upd} RETURNING 1) SELECT count(*)::int AS updated FROM upd`;
  return `
  WITH upd AS (
    ${upd}
    RETURNING id, depends_on
  ), del AS (
    DELETE FROM task_dependencies d USING upd
    WHERE d.task_id = upd.id AND d.depends_on <> ALL (upd.depends_on)
  ), ins AS (
    INSERT INTO task_dependencies (task_id, depends_on)
    SELECT DISTINCT upd.id, dep FROM upd, unnest(upd.depends_on) AS dep
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS updated FROM upd`;
}

/** Guarded replace of every column: params taskParams(next), then expected status and version. */
export const UPDATE_TASK = guardedUpdate(
  `(${ALL_COLUMNS.slice(1)
    .map(({ name }) => name)
    .join(', ')}) = (${placeholders.slice(1).join(', ')})`,
  `$${ALL_COLUMNS.length + 1}`,
  `$${ALL_COLUMNS.length + 2}`,
  true,
);

/** Maps a row to the domain type; no row shape leaves the adapter. pg has typed every value already. */
export function rowToTask(row: TaskRow): Task {
  return taskFromColumns(({ column, kind }) => (kind === 'json' ? (row[column] ?? null) : row[column]));
}
