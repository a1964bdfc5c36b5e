import { capabilityKey } from '../../core/capabilities.js';
import type { TimerKind } from '../../core/ports.js';
import type { AssignmentDecision, Priority, Task, TaskStatus } from '../../core/task.js';
import { timerDueTimes } from '../../core/timers.js';
import { jsonParam } from './sql.js';

/** A `tasks` row as pg returns it (int8 parsed to number, text[] to string[], JSONB parsed). */
interface TaskRow {
  id: string;
  seq: number;
  title: string;
  description: string;
  priority: Priority;
  queue_rank: number;
  required_capabilities: string[];
  preferred_capabilities: string[];
  depends_on: string[];
  labels: string[];
  status: TaskStatus;
  progress: number;
  agent: string | null;
  eta: string | null;
  sla_deadline: number;
  sla_warning_at: number | null;
  sla_warned: boolean;
  sla_violated: boolean;
  max_attempts: number;
  attempts: number;
  retry_at: number | null;
  promote_at: number | null;
  offer_expires_at: number | null;
  lease_expires_at: number | null;
  lease_token: number;
  excluded_agents: string[];
  assignment: AssignmentDecision | null;
  result: unknown;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
  assigned_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelled_at: number | null;
  version: number;
}

/** Each stored column, the cast its parameter needs, and how it is read from a Task. */
type Column = readonly [name: keyof TaskRow | DerivedColumn, cast: '' | '::text[]' | '::jsonb', value: (t: Task) => unknown];
type DerivedColumn = 'cap_key' | `due_${TimerKind}`;

const FIELD_COLUMNS: readonly Column[] = [
  ['id', '', (t) => t.id],
  ['seq', '', (t) => t.seq],
  ['title', '', (t) => t.title],
  ['description', '', (t) => t.description],
  ['priority', '', (t) => t.priority],
  ['queue_rank', '', (t) => t.queueRank],
  ['required_capabilities', '::text[]', (t) => t.requiredCapabilities],
  ['preferred_capabilities', '::text[]', (t) => t.preferredCapabilities],
  ['depends_on', '::text[]', (t) => t.dependsOn],
  ['labels', '::text[]', (t) => t.labels],
  ['status', '', (t) => t.status],
  ['progress', '', (t) => t.progress],
  ['agent', '', (t) => t.agent],
  ['eta', '', (t) => t.eta],
  ['sla_deadline', '', (t) => t.slaDeadline],
  ['sla_warning_at', '', (t) => t.slaWarningAt],
  ['sla_warned', '', (t) => t.slaWarned],
  ['sla_violated', '', (t) => t.slaViolated],
  ['max_attempts', '', (t) => t.maxAttempts],
  ['attempts', '', (t) => t.attempts],
  ['retry_at', '', (t) => t.retryAt],
  ['promote_at', '', (t) => t.promoteAt],
  ['offer_expires_at', '', (t) => t.offerExpiresAt],
  ['lease_expires_at', '', (t) => t.leaseExpiresAt],
  ['lease_token', '', (t) => t.leaseToken],
  ['excluded_agents', '::text[]', (t) => t.excludedAgents],
  ['assignment', '::jsonb', (t) => (t.assignment === null ? null : jsonParam(t.assignment))],
  ['result', '::jsonb', (t) => jsonParam(t.result)],
  ['failure_reason', '', (t) => t.failureReason],
  ['created_at', '', (t) => t.createdAt],
  ['updated_at', '', (t) => t.updatedAt],
  ['assigned_at', '', (t) => t.assignedAt],
  ['started_at', '', (t) => t.startedAt],
  ['completed_at', '', (t) => t.completedAt],
  ['failed_at', '', (t) => t.failedAt],
  ['cancelled_at', '', (t) => t.cancelledAt],
  ['version', '', (t) => t.version],
];

/** Columns the store derives on every write so the queue and the timers are index scans. */
const DERIVED_COLUMNS: readonly Column[] = [
  ['cap_key', '', (t) => capabilityKey(t.requiredCapabilities)],
  ['due_offer', '', (t) => timerDueTimes(t).offer],
  ['due_lease', '', (t) => timerDueTimes(t).lease],
  ['due_sla_warning', '', (t) => timerDueTimes(t).sla_warning],
  ['due_sla_violation', '', (t) => timerDueTimes(t).sla_violation],
  ['due_retry', '', (t) => timerDueTimes(t).retry],
  ['due_promote', '', (t) => timerDueTimes(t).promote],
];

const ALL_COLUMNS = [...FIELD_COLUMNS, ...DERIVED_COLUMNS];

/** The column list every task read selects, optionally qualified by a table alias. */
export function taskSelectList(alias?: string): string {
  return FIELD_COLUMNS.map(([name]) => (alias === undefined ? name : `${alias}.${name}`)).join(', ');
}

/** The due-time column of a timer kind; the names are fixed here, never taken from input. */
export const DUE_COLUMN: Readonly<Record<TimerKind, string>> = {
  offer: 'due_offer',
  lease: 'due_lease',
  sla_warning: 'due_sla_warning',
  sla_violation: 'due_sla_violation',
  retry: 'due_retry',
  promote: 'due_promote',
};

/** Parameters for INSERT_TASK / UPDATE_TASK ($1 = id, then every other column in order). */
export function taskParams(task: Task): unknown[] {
  return ALL_COLUMNS.map(([, , value]) => value(task));
}

const placeholders = ALL_COLUMNS.map(([, cast], i) => `$${i + 1}${cast}`);

/**
 * Inserts a task and mirrors `depends_on` into task_dependencies in one statement.
 * Params: taskParams(task). ON CONFLICT DO NOTHING (not a caught 23505) keeps the
 * transaction usable after a duplicate, as SQLite's is; the caller sees `inserted = 0`.
 */
export const INSERT_TASK = `
  WITH t AS (
    INSERT INTO tasks (${ALL_COLUMNS.map(([name]) => name).join(', ')})
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
  const changed = ALL_COLUMNS.slice(1).filter(([, , value]) => !sameValue(value(previous), value(next)));
  const key = changed.map(([name]) => name).join(',');
  let sql = narrowUpdates.get(key);
  if (sql === undefined) {
    const sets = changed.map(([name, cast], i) => `${name} = $${i + 2}${cast}`).join(', ');
    const n = changed.length;
    sql = guardedUpdate(
      sets,
      `$${n + 2}`,
      `$${n + 3}`,
      changed.some(([name]) => name === 'depends_on'),
    );
    narrowUpdates.set(key, sql);
  }
  return { sql, values: [next.id, ...changed.map(([, , value]) => value(next)), expected.status, expected.version] };
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
    .map(([name]) => name)
    .join(', ')}) = (${placeholders.slice(1).join(', ')})`,
  `$${ALL_COLUMNS.length + 1}`,
  `$${ALL_COLUMNS.length + 2}`,
  true,
);

/** Maps a row to the domain type; no row shape leaves the adapter. */
export function rowToTask(r: TaskRow): Task {
  return {
    id: r.id,
    seq: r.seq,
    title: r.title,
    description: r.description,
    priority: r.priority,
    queueRank: r.queue_rank,
    requiredCapabilities: r.required_capabilities,
    preferredCapabilities: r.preferred_capabilities,
    dependsOn: r.depends_on,
    labels: r.labels,
    status: r.status,
    progress: r.progress,
    agent: r.agent,
    eta: r.eta,
    slaDeadline: r.sla_deadline,
    slaWarningAt: r.sla_warning_at,
    slaWarned: r.sla_warned,
    slaViolated: r.sla_violated,
    maxAttempts: r.max_attempts,
    attempts: r.attempts,
    retryAt: r.retry_at,
    promoteAt: r.promote_at,
    offerExpiresAt: r.offer_expires_at,
    leaseExpiresAt: r.lease_expires_at,
    leaseToken: r.lease_token,
    excludedAgents: r.excluded_agents,
    assignment: r.assignment,
    result: r.result ?? null,
    failureReason: r.failure_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    assignedAt: r.assigned_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    failedAt: r.failed_at,
    cancelledAt: r.cancelled_at,
    version: r.version,
  };
}

export type { TaskRow };
