import { capabilityKey } from '../../core/capabilities.js';
import { PRIORITIES, TASK_STATUSES, type AssignmentDecision, type Task } from '../../core/task.js';
import { timerDueTimes } from '../../core/timers.js';
import type { SqlParams, SqlRow } from './connection.js';
import { bool, json, num, numOrNull, oneOf, stringArray, text, textOrNull, toBit, toJson } from './row-codec.js';

/**
 * Every column of `tasks` in the order of the INSERT. The row <-> Task mapping lives only
 * here, so a new Task field is one edit in this file plus a migration.
 */
export const TASK_COLUMNS = [
  'seq',
  'id',
  'title',
  'description',
  'priority',
  'queue_rank',
  'required_capabilities',
  'preferred_capabilities',
  'depends_on',
  'labels',
  'status',
  'progress',
  'agent',
  'eta',
  'sla_deadline',
  'sla_warning_at',
  'sla_warned',
  'sla_violated',
  'max_attempts',
  'attempts',
  'retry_at',
  'promote_at',
  'offer_expires_at',
  'lease_expires_at',
  'lease_token',
  'excluded_agents',
  'assignment',
  'result',
  'failure_reason',
  'created_at',
  'updated_at',
  'assigned_at',
  'started_at',
  'completed_at',
  'failed_at',
  'cancelled_at',
  'version',
  'cap_key',
  'due_offer',
  'due_lease',
  'due_sla_warning',
  'due_sla_violation',
  'due_retry',
  'due_promote',
] as const;

export type TaskColumn = (typeof TASK_COLUMNS)[number];

/** A task as bind parameters, derived columns included (capability key and timer due times from core). */
export function taskToParams(task: Task): Record<TaskColumn, string | number | null> & SqlParams {
  const due = timerDueTimes(task);
  return {
    seq: task.seq,
    id: task.id,
    title: task.title,
    description: task.description,
    priority: task.priority,
    queue_rank: task.queueRank,
    required_capabilities: toJson(task.requiredCapabilities),
    preferred_capabilities: toJson(task.preferredCapabilities),
    depends_on: toJson(task.dependsOn),
    labels: toJson(task.labels),
    status: task.status,
    progress: task.progress,
    agent: task.agent,
    eta: task.eta,
    sla_deadline: task.slaDeadline,
    sla_warning_at: task.slaWarningAt,
    sla_warned: toBit(task.slaWarned),
    sla_violated: toBit(task.slaViolated),
    max_attempts: task.maxAttempts,
    attempts: task.attempts,
    retry_at: task.retryAt,
    promote_at: task.promoteAt,
    offer_expires_at: task.offerExpiresAt,
    lease_expires_at: task.leaseExpiresAt,
    lease_token: task.leaseToken,
    excluded_agents: toJson(task.excludedAgents),
    assignment: task.assignment === null ? null : toJson(task.assignment),
    result: toJson(task.result),
    failure_reason: task.failureReason,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
    assigned_at: task.assignedAt,
    started_at: task.startedAt,
    completed_at: task.completedAt,
    failed_at: task.failedAt,
    cancelled_at: task.cancelledAt,
    version: task.version,
    cap_key: capabilityKey(task.requiredCapabilities),
    due_offer: due.offer,
    due_lease: due.lease,
    due_sla_warning: due.sla_warning,
    due_sla_violation: due.sla_violation,
    due_retry: due.retry,
    due_promote: due.promote,
  };
}

export function rowToTask(row: SqlRow): Task {
  return {
    id: text(row, 'id'),
    seq: num(row, 'seq'),
    title: text(row, 'title'),
    description: text(row, 'description'),
    priority: oneOf(row, 'priority', PRIORITIES),
    queueRank: num(row, 'queue_rank'),
    requiredCapabilities: stringArray(row, 'required_capabilities'),
    preferredCapabilities: stringArray(row, 'preferred_capabilities'),
    dependsOn: stringArray(row, 'depends_on'),
    labels: stringArray(row, 'labels'),
    status: oneOf(row, 'status', TASK_STATUSES),
    progress: num(row, 'progress'),
    agent: textOrNull(row, 'agent'),
    eta: textOrNull(row, 'eta'),
    slaDeadline: num(row, 'sla_deadline'),
    slaWarningAt: numOrNull(row, 'sla_warning_at'),
    slaWarned: bool(row, 'sla_warned'),
    slaViolated: bool(row, 'sla_violated'),
    maxAttempts: num(row, 'max_attempts'),
    attempts: num(row, 'attempts'),
    retryAt: numOrNull(row, 'retry_at'),
    promoteAt: numOrNull(row, 'promote_at'),
    offerExpiresAt: numOrNull(row, 'offer_expires_at'),
    leaseExpiresAt: numOrNull(row, 'lease_expires_at'),
    leaseToken: num(row, 'lease_token'),
    excludedAgents: stringArray(row, 'excluded_agents'),
    assignment: json(row, 'assignment') as AssignmentDecision | null,
    result: json(row, 'result'),
    failureReason: textOrNull(row, 'failure_reason'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
    assignedAt: numOrNull(row, 'assigned_at'),
    startedAt: numOrNull(row, 'started_at'),
    completedAt: numOrNull(row, 'completed_at'),
    failedAt: numOrNull(row, 'failed_at'),
    cancelledAt: numOrNull(row, 'cancelled_at'),
    version: num(row, 'version'),
  };
}

/** INSERT of every column, built once from the constant column list (no caller input). Parameters: one per column. */
export const INSERT_TASK_SQL = `INSERT INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES (${TASK_COLUMNS.map((c) => `@${c}`).join(', ')})`;

/**
 * Guarded replace: every column but the keys, only while status and version are as expected.
 * Parameters: one per column, plus @expected_status, @expected_version.
 */
/** Columns an update may write: all but the keys. */
export const UPDATABLE_TASK_COLUMNS: readonly TaskColumn[] = TASK_COLUMNS.filter((c) => c !== 'id' && c !== 'seq');

const narrowUpdates = new Map<string, string>();

/**
 * The guarded UPDATE of only these columns (named parameters as in UPDATE_TASK_SQL).
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

export const UPDATE_TASK_SQL = `UPDATE tasks SET ${TASK_COLUMNS.filter((c) => c !== 'id' && c !== 'seq')
  .map((c) => `${c} = @${c}`)
  .join(', ')} WHERE id = @id AND status = @expected_status AND version = @expected_version`;
