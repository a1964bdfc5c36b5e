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
}

export const DERIVED_TASK_COLUMNS: readonly DerivedTaskColumn[] = [
  { column: 'cap_key', kind: 'text' },
  ...TIMER_KINDS.map((kind) => ({ column: DUE_COLUMN[kind], kind: 'int?' as const })),
];

/** Every column of `tasks`: the fields, then the derived columns. */
export const TASK_COLUMN_SPECS: readonly (TaskFieldColumn | DerivedTaskColumn)[] = [...TASK_FIELD_COLUMNS, ...DERIVED_TASK_COLUMNS];

export type TaskColumn = (typeof TASK_FIELD_COLUMNS)[number]['column'] | DerivedTaskColumn['column'];

/** Each column's value for `task`, not yet encoded for a dialect, in {@link TASK_COLUMN_SPECS} order. */
export function taskColumnValues(task: Task): unknown[] {
  const due = timerDueTimes(task);
  return [
    ...TASK_FIELD_COLUMNS.map((c) => task[c.field]),
    capabilityKey(task.requiredCapabilities),
    ...TIMER_KINDS.map((kind) => due[kind]),
  ];
}

/** Builds a Task from a row, each field decoded by the dialect's `decode`. */
export function taskFromColumns(decode: (spec: TaskFieldColumn) => unknown): Task {
  const task: Record<string, unknown> = {};
  for (const spec of TASK_FIELD_COLUMNS) task[spec.field] = decode(spec);
  return task as unknown as Task;
}
