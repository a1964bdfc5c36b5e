import { capabilityKey } from '../core/capabilities.js';
import { TIMER_KINDS, type TimerKind } from '../core/ports.js';
import { PRIORITIES, TASK_STATUSES, type Task } from '../core/task.js';
import { timerDueTimes } from '../core/timers.js';

/**
 * What a `tasks` column holds, which is all a dialect needs to encode and decode it:
 * - `text`, `int`, `bool` and their `?` forms (SQL NULL allowed): scalars; SQLite stores a bool as 0/1.
 * - `strings`: a string[] (capabilities, labels, ids); SQLite keeps JSON text, PostgreSQL text[].
 * - `json`: any JSON value, JSON null included (never SQL NULL); SQLite JSON text, PostgreSQL jsonb.
 * - `json?`: a JSON value, or SQL NULL for null.
 */
export type TaskColumnKind = 'text' | 'text?' | 'int' | 'int?' | 'bool' | 'strings' | 'json' | 'json?';

/** A column that stores one Task field. `oneOf` lists the only values a text column may hold. */
export interface TaskFieldColumn {
  readonly column: string;
  readonly field: keyof Task;
  readonly kind: TaskColumnKind;
  readonly oneOf?: readonly string[];
}

/**
 * Every Task field and its column, in the order of the INSERT (`id` first: the PostgreSQL
 * statements bind it as $1). Both dialects derive their row mapping from this table, so a
 * new Task field is one line here plus a migration per dialect (task-fields.test.ts checks
 * that every field is listed).
 */
export const TASK_FIELD_COLUMNS = [
  { column: 'id', field: 'id', kind: 'text' },
  { column: 'seq', field: 'seq', kind: 'int' },
  { column: 'title', field: 'title', kind: 'text' },
  { column: 'description', field: 'description', kind: 'text' },
  { column: 'priority', field: 'priority', kind: 'text', oneOf: PRIORITIES },
  { column: 'queue_rank', field: 'queueRank', kind: 'int' },
  { column: 'required_capabilities', field: 'requiredCapabilities', kind: 'strings' },
  { column: 'preferred_capabilities', field: 'preferredCapabilities', kind: 'strings' },
  { column: 'depends_on', field: 'dependsOn', kind: 'strings' },
  { column: 'labels', field: 'labels', kind: 'strings' },
  { column: 'status', field: 'status', kind: 'text', oneOf: TASK_STATUSES },
  { column: 'progress', field: 'progress', kind: 'int' },
  { column: 'agent', field: 'agent', kind: 'text?' },
  { column: 'eta', field: 'eta', kind: 'text?' },
  { column: 'sla_deadline', field: 'slaDeadline', kind: 'int' },
  { column: 'sla_warning_at', field: 'slaWarningAt', kind: 'int?' },
  { column: 'sla_warned', field: 'slaWarned', kind: 'bool' },
  { column: 'sla_violated', field: 'slaViolated', kind: 'bool' },
  { column: 'max_attempts', field: 'maxAttempts', kind: 'int' },
  { column: 'attempts', field: 'attempts', kind: 'int' },
  { column: 'retry_at', field: 'retryAt', kind: 'int?' },
  { column: 'promote_at', field: 'promoteAt', kind: 'int?' },
  { column: 'offer_expires_at', field: 'offerExpiresAt', kind: 'int?' },
  { column: 'lease_expires_at', field: 'leaseExpiresAt', kind: 'int?' },
  { column: 'lease_token', field: 'leaseToken', kind: 'int' },
  { column: 'excluded_agents', field: 'excludedAgents', kind: 'strings' },
  { column: 'assignment', field: 'assignment', kind: 'json?' },
  { column: 'result', field: 'result', kind: 'json' },
  { column: 'failure_reason', field: 'failureReason', kind: 'text?' },
  { column: 'created_at', field: 'createdAt', kind: 'int' },
  { column: 'updated_at', field: 'updatedAt', kind: 'int' },
  { column: 'assigned_at', field: 'assignedAt', kind: 'int?' },
  { column: 'started_at', field: 'startedAt', kind: 'int?' },
  { column: 'completed_at', field: 'completedAt', kind: 'int?' },
  { column: 'failed_at', field: 'failedAt', kind: 'int?' },
  { column: 'cancelled_at', field: 'cancelledAt', kind: 'int?' },
  { column: 'version', field: 'version', kind: 'int' },
] as const satisfies readonly TaskFieldColumn[];

/** The indexed due-time column of each timer kind (a closed map: column names are never caller input). */
export const DUE_COLUMN: Readonly<Record<TimerKind, `due_${TimerKind}`>> = Object.freeze({
  offer: 'due_offer',
  lease: 'due_lease',
  sla_warning: 'due_sla_warning',
  sla_violation: 'due_sla_violation',
  retry: 'due_retry',
  promote: 'due_promote',
});

/** A column the store derives from the task on every write, so the queue and the timers are index scans. */
export interface DerivedTaskColumn {
  readonly column: 'cap_key' | `due_${TimerKind}`;
  readonly kind: TaskColumnKind;
  /** Its value, as an expression of the compiled encoder (`t` the task, `due` its timerDueTimes, `key` capabilityKey). */
  readonly expression: string;
}

export const DERIVED_TASK_COLUMNS: readonly DerivedTaskColumn[] = [
  { column: 'cap_key', kind: 'text', expression: 'key(t.requiredCapabilities)' },
  ...TIMER_KINDS.map((kind) => ({ column: DUE_COLUMN[kind], kind: 'int?' as const, expression: `due.${kind}` })),
];

/** Every column of `tasks`: the fields, then the derived columns. */
export const TASK_COLUMN_SPECS: readonly (TaskFieldColumn | DerivedTaskColumn)[] = [...TASK_FIELD_COLUMNS, ...DERIVED_TASK_COLUMNS];

export type TaskColumn = (typeof TASK_FIELD_COLUMNS)[number]['column'] | DerivedTaskColumn['column'];

/** How a dialect turns a Task value of a kind into a bind parameter; kinds left out are bound as they are. */
export type ParamEncoders = Partial<Record<TaskColumnKind, (value: unknown) => unknown>>;

/**
 * How a dialect reads a column of a kind from the driver's value (`column` and `oneOf` for
 * checks and error messages); kinds left out are taken as the driver returns them.
 */
export type ColumnReaders = Partial<Record<TaskColumnKind, (value: unknown, column: string, oneOf?: readonly string[]) => unknown>>;

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A name from the tables above, checked before it is spliced into generated code. */
function name(value: string): string {
  if (!PLAIN_NAME.test(value)) throw new Error(`Task column table: "${value}" is not a plain identifier`);
  return value;
}

/**
 * The table turned into straight-line code, once per dialect at start-up. A loop over the
 * table with computed keys costs 1-3 us per task (megamorphic property access over 44 names)
 * against 0.03 us for an object literal, and tasks are mapped on every read and write of the
 * claim path; generating the literal keeps one table and the speed of a hand-written mapping.
 * Only names from the constant tables (checked by PLAIN_NAME) reach the generated source.
 */
function compile<F>(args: Record<string, unknown>, body: string): F {
  const factory = new Function(...Object.keys(args), body) as (...values: unknown[]) => F;
  return factory(...Object.values(args));
}

/**
 * A task as bind parameters, derived columns included: an object keyed by column (`named`,
 * SQLite's @name parameters) or an array in {@link TASK_COLUMN_SPECS} order (`positional`, $n).
 */
export function compileTaskEncoder(encoders: ParamEncoders, shape: 'named'): (task: Task) => Record<TaskColumn, unknown>;
export function compileTaskEncoder(encoders: ParamEncoders, shape: 'positional'): (task: Task) => unknown[];
export function compileTaskEncoder(encoders: ParamEncoders, shape: 'named' | 'positional'): (task: Task) => unknown {
  const encoded = (kind: TaskColumnKind, value: string): string =>
    encoders[kind] === undefined ? value : `e[${JSON.stringify(kind)}](${value})`;
  const values = [
    ...TASK_FIELD_COLUMNS.map((c) => ({ column: name(c.column), value: encoded(c.kind, `t.${name(c.field)}`) })),
    ...DERIVED_TASK_COLUMNS.map((c) => ({ column: name(c.column), value: encoded(c.kind, c.expression) })),
  ];
  const literal =
    shape === 'named' ? `{ ${values.map((v) => `${v.column}: ${v.value}`).join(', ')} }` : `[${values.map((v) => v.value).join(', ')}]`;
  return compile(
    { e: encoders, key: capabilityKey, timers: timerDueTimes },
    `return function encodeTask(t) { const due = timers(t); return ${literal}; };`,
  );
}

/** A row (the driver's object, keyed by column) as a Task, each field read by the dialect's reader of its kind. */
export function compileRowToTask(readers: ColumnReaders): (row: Record<string, unknown>) => Task {
  const oneOf = TASK_FIELD_COLUMNS.map((c) => ('oneOf' in c ? c.oneOf : undefined));
  const fields = TASK_FIELD_COLUMNS.map((c, i) => {
    const value = `row.${name(c.column)}`;
    const read = readers[c.kind] === undefined ? value : `r[${JSON.stringify(c.kind)}](${value}, ${JSON.stringify(c.column)}, o[${i}])`;
    return `${name(c.field)}: ${read}`;
  });
  return compile({ r: readers, o: oneOf }, `return function rowToTask(row) { return { ${fields.join(', ')} }; };`);
}
