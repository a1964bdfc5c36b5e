import { VersionConflictError } from '../../core/errors.js';
import type { QueueCount, TaskCriteria, TaskFilter, TaskReads, TaskWrites, TimerKind } from '../../core/ports.js';
import { DEFAULT_TASK_SORT } from '../../core/task-order.js';
import { SORT_COLUMN, priorityAt } from '../task-sort-columns.js';
import { DUE_COLUMN } from '../task-fields.js';
import { PRIORITIES, TASK_STATUSES, type Priority, type Task, type TaskStatus } from '../../core/task.js';
import type { SqlParams, SqlRunner } from './connection.js';
import { num, numOrNull, text } from './row-codec.js';
import { INSERT_TASK_SQL, UPDATABLE_TASK_COLUMNS, UPDATE_TASK_SQL, narrowUpdateSql, rowToTask, taskToParams } from './task-codec.js';

/**
 * WHERE clauses and parameters of the criteria given: @statuses @priorities (JSON arrays),
 * @agent, @capability, @label, @text (lower-cased). Postgres binds arrays natively and uses
 * ILIKE with escaping.
 */
function criteriaClauses(filter: TaskCriteria): { where: string[]; params: SqlParams } {
  const where: string[] = [];
  const params: SqlParams = {};
  if (filter.status !== undefined) {
    where.push('status IN (SELECT value FROM json_each(@statuses))');
    params.statuses = JSON.stringify(filter.status);
  }
  if (filter.priority !== undefined) {
    where.push('priority IN (SELECT value FROM json_each(@priorities))');
    params.priorities = JSON.stringify(filter.priority);
  }
  if (filter.agent !== undefined) {
    where.push('agent = @agent');
    params.agent = filter.agent;
  }
  if (filter.capability !== undefined) {
    where.push('id IN (SELECT task_id FROM task_capabilities WHERE capability = @capability)');
    params.capability = filter.capability;
  }
  if (filter.label !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(tasks.labels) WHERE value = @label)');
    params.label = filter.label;
  }
  if (filter.text !== undefined) {
    // instr() on case-folded text: a plain substring, so % and _ in the query are literal.
    where.push('(instr(sb_casefold(id), @text) > 0 OR instr(sb_casefold(title), @text) > 0 OR instr(sb_casefold(description), @text) > 0)');
    params.text = filter.text.toLowerCase();
  }
  return { where, params };
}

/**
 * Queries of the task aggregate. One instance runs on the read connection (Store reads),
 * one on the write connection (inside transactions); the SQL is the same.
 */
export class SqliteTaskRows implements TaskReads, TaskWrites {
  constructor(private readonly sql: SqlRunner) {}

  async get({ id }: { id: string }): Promise<Task | null> {
    // @id. The UNIQUE index on id.
    const row = this.sql.get('SELECT * FROM tasks WHERE id = @id', { id });
    return row === undefined ? null : rowToTask(row);
  }

  async getMany({ ids }: { ids: readonly string[] }): Promise<Task[]> {
    if (ids.length === 0) return [];
    // @ids: JSON array of ids (SQLite has no array bind; Postgres binds text[] with = ANY).
    const rows = this.sql.all('SELECT * FROM tasks WHERE id IN (SELECT value FROM json_each(@ids)) ORDER BY seq', {
      ids: JSON.stringify(ids),
    });
    return rows.map(rowToTask);
  }

  async list(filter: TaskFilter): Promise<Task[]> {
    const { where, params } = criteriaClauses(filter);
    const sort = filter.sort ?? DEFAULT_TASK_SORT;
    const column = SORT_COLUMN[sort.key];
    const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
    const beyond = sort.direction === 'asc' ? '>' : '<';
    if (filter.after !== undefined) {
      if (sort.key === 'created') {
        where.push(`seq ${beyond} @afterSeq`);
      } else {
        where.push(`(${column}, seq) ${beyond} (@afterValue, @afterSeq)`);
        params.afterValue = sort.key === 'priority' ? priorityAt(filter.after.value) : filter.after.value;
      }
      params.afterSeq = filter.after.seq;
    }
    params.limit = filter.limit;
    // The criteria parameters (see criteriaClauses), @afterValue @afterSeq (the previous page's last
    // task), @limit. created walks the rowid (seq), priority tasks_priority_seq, deadline
    // tasks_deadline_seq (0004), forwards or backwards; the row-value comparison is a range of
    // those indexes. updated has no index on purpose (updated_at changes on every write, so an
    // index would cost every transition): it is a bounded top-`limit` sort of the matching rows.
    // Postgres is the same SQL with $n parameters.
    const order = sort.key === 'created' ? `seq ${dir}` : `${column} ${dir}, seq ${dir}`;
    const sql = `SELECT * FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT @limit`;
    return this.sql.all(sql, params).map(rowToTask);
  }

  async count(criteria: TaskCriteria): Promise<number> {
    const { where, params } = criteriaClauses(criteria);
    // The criteria parameters (see criteriaClauses). With no criteria SQLite counts over its
    // narrowest index; otherwise the same indexes as list(). Postgres: count(*) is int8, parsed to a number.
    const row = this.sql.get(`SELECT COUNT(*) AS n FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`, params);
    return row === undefined ? 0 : num(row, 'n');
  }

  async countByStatus(): Promise<Record<TaskStatus, number>> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    // No parameters. Walks tasks_status_seq.
    for (const row of this.sql.all('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status')) {
      const status = TASK_STATUSES.find((s) => s === row.status);
      if (status !== undefined) counts[status] = num(row, 'n');
    }
    return counts;
  }

  async countByPriority(): Promise<Record<Priority, number>> {
    const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    // No parameters. Walks tasks_priority_seq.
    for (const row of this.sql.all('SELECT priority, COUNT(*) AS n FROM tasks GROUP BY priority')) {
      const priority = PRIORITIES.find((p) => p === row.priority);
      if (priority !== undefined) counts[priority] = num(row, 'n');
    }
    return counts;
  }

  async countSla(): Promise<{ atRisk: number; violated: number }> {
    // No parameters. Open tasks only (terminal statuses excluded); the flags are the state
    // machine's, so "violated" means the sla_violation timer fired, not a comparison with a clock.
    const row = this.sql.get(
      `SELECT COALESCE(SUM(sla_warned = 1 AND sla_violated = 0), 0) AS at_risk, COALESCE(SUM(sla_violated = 1), 0) AS violated
       FROM tasks WHERE status IN ('BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS')`,
    );
    return row === undefined ? { atRisk: 0, violated: 0 } : { atRisk: num(row, 'at_risk'), violated: num(row, 'violated') };
  }

  async listHeldBy({ agentId }: { agentId: string }): Promise<Task[]> {
    // @agentId. tasks_agent_status; oldest assignment first, seq breaks ties.
    const rows = this.sql.all(
      "SELECT * FROM tasks WHERE agent = @agentId AND status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY assigned_at, seq",
      { agentId },
    );
    return rows.map(rowToTask);
  }

  async listDependents({ taskId }: { taskId: string }): Promise<Task[]> {
    // @taskId. task_dependencies_depends_on, then each dependent by its id; CROSS JOIN is SQLite's
    // way to fix that join order (otherwise it may walk every BLOCKED task instead).
    const rows = this.sql.all(
      `SELECT t.* FROM task_dependencies d CROSS JOIN tasks t ON t.id = d.task_id
       WHERE d.depends_on = @taskId AND t.status = 'BLOCKED' ORDER BY t.seq`,
      { taskId },
    );
    return rows.map(rowToTask);
  }

  async pendingCapabilityKeys(): Promise<string[]> {
    // No parameters. Loose index scan over tasks_queue: each step is one MIN() seek past the
    // previous key, so the cost follows the number of keys, not of pending tasks. INDEXED BY
    // pins the index (unanalysed, the planner may pick tasks_status_seq and walk every pending row).
    const rows = this.sql.all(
      `WITH RECURSIVE keys(k) AS (
         SELECT MIN(cap_key) FROM tasks INDEXED BY tasks_queue WHERE status = 'PENDING'
         UNION ALL
         SELECT (SELECT MIN(cap_key) FROM tasks INDEXED BY tasks_queue WHERE status = 'PENDING' AND cap_key > keys.k) FROM keys WHERE keys.k IS NOT NULL
       )
       SELECT k FROM keys WHERE k IS NOT NULL`,
    );
    return rows.map((r) => text(r, 'k'));
  }

  async peekQueue({ capabilityKey, now, limit }: { capabilityKey: string; now: number; limit: number }): Promise<Task[]> {
    // @capabilityKey @now @limit. A range of tasks_queue, already in queue order (no sort); rows in retry backoff are skipped.
    const rows = this.sql.all(
      `SELECT * FROM tasks INDEXED BY tasks_queue
       WHERE status = 'PENDING' AND cap_key = @capabilityKey AND (retry_at IS NULL OR retry_at <= @now)
       ORDER BY queue_rank, sla_deadline, seq LIMIT @limit`,
      { capabilityKey, now, limit },
    );
    return rows.map(rowToTask);
  }

  async countQueue(): Promise<QueueCount[]> {
    // No parameters. A covering scan of tasks_queue (only PENDING rows are in it; cap_key and
    // queue_rank lead it), so no task row is read and the groups come out in index order.
    // Postgres is the same SQL over its twin index; its count(*) is int8, parsed to a number.
    const rows = this.sql.all(
      `SELECT cap_key, queue_rank, COUNT(*) AS n FROM tasks INDEXED BY tasks_queue WHERE status = 'PENDING' GROUP BY cap_key, queue_rank`,
    );
    return rows.map((row) => ({ queueRank: num(row, 'queue_rank'), capabilityKey: text(row, 'cap_key'), count: num(row, 'n') }));
  }

  async nextDueAt(): Promise<number | null> {
    // No parameters. Six MIN() lookups, one per partial due index; MIN() over them ignores NULLs.
    const parts = Object.values(DUE_COLUMN).map((c) => `SELECT (SELECT MIN(${c}) FROM tasks WHERE ${c} IS NOT NULL) AS due`);
    const row = this.sql.get(`SELECT MIN(due) AS due FROM (${parts.join(' UNION ALL ')})`);
    return row === undefined ? null : numOrNull(row, 'due');
  }

  async listDue({ kind, now, limit }: { kind: TimerKind; now: number; limit: number }): Promise<Task[]> {
    const column = DUE_COLUMN[kind];
    // @now @limit. A range of the kind's partial due index, earliest first (seq breaks ties).
    const rows = this.sql.all(
      `SELECT * FROM tasks WHERE ${column} IS NOT NULL AND ${column} <= @now ORDER BY ${column}, seq LIMIT @limit`,
      {
        now,
        limit,
      },
    );
    return rows.map(rowToTask);
  }

  async lockPending({ id }: { id: string }): Promise<Task | null> {
    // @id. The UNIQUE index on id. No lock clause: the enclosing BEGIN IMMEDIATE already holds
    // the only write lock, so no other writer can claim the task before this transaction ends
    // (Postgres adds FOR UPDATE SKIP LOCKED to pass over rows other claimers hold).
    const row = this.sql.get("SELECT * FROM tasks WHERE id = @id AND status = 'PENDING'", { id });
    return row === undefined ? null : rowToTask(row);
  }

  async allocateSeq(): Promise<number> {
    // No parameters. The counter row is write-locked by the enclosing transaction, so values are unique.
    const row = this.sql.get("UPDATE sequences SET value = value + 1 WHERE name = 'task' RETURNING value");
    if (row === undefined) throw new Error("The 'task' sequence is missing: run migrate() first");
    return num(row, 'value');
  }

  async insert(task: Task): Promise<void> {
    // One parameter per column (see task-fields.ts). A taken id (or seq) fails on its unique index.
    this.sql.run(INSERT_TASK_SQL, taskToParams(task), { entity: 'task', id: task.id });
  }

  async update({
    next,
    expected,
    previous,
  }: {
    next: Task;
    expected: { status: TaskStatus; version: number };
    previous?: Task;
  }): Promise<void> {
    const params = taskToParams(next);
    const guard = { id: next.id, expected_status: expected.status, expected_version: expected.version };
    let changed: number;
    if (previous === undefined) {
      // One parameter per column, plus @expected_status and @expected_version (the guard).
      changed = this.sql.run(UPDATE_TASK_SQL, { ...params, ...guard });
    } else {
      // Only the columns that differ from the row as read: indexes on the others are left alone.
      const before = taskToParams(previous);
      const columns = UPDATABLE_TASK_COLUMNS.filter((c) => before[c] !== params[c]);
      const values: SqlParams = { ...guard };
      for (const c of columns) values[c] = params[c];
      changed = this.sql.run(narrowUpdateSql(columns), values);
    }
    if (changed === 0) throw new VersionConflictError('task', next.id);
  }
}
