import { VersionConflictError, ConflictError } from '../../core/errors.js';
import type { QueueCount, TaskCriteria, TaskFilter, TaskReads, TaskWrites, TimerKind } from '../../core/ports.js';
import { DEFAULT_TASK_SORT } from '../../core/task-order.js';
import { SORT_COLUMN, priorityAt } from '../task-sort-columns.js';
import { PRIORITIES, TASK_STATUSES, type Priority, type Task, type TaskStatus } from '../../core/task.js';
import { Params, likeContains, type Db } from './sql.js';
import { DUE_COLUMN } from '../task-fields.js';
import { INSERT_TASK, UPDATE_TASK, narrowUpdate, rowToTask, taskParams, taskSelectList, type TaskRow } from './task-columns.js';

const COLUMNS = taskSelectList();
const T_COLUMNS = taskSelectList('t');

/**
 * WHERE clauses of the criteria given, their values added to `p` in this order: status, priority,
 * agent, capability, label, text. An empty list matches nothing, as on SQLite (`IN` over an empty json_each).
 */
function criteriaClauses(params: TaskCriteria, p: Params): string[] {
  const where: string[] = [];
  if (params.status !== undefined) where.push(`status = ANY (${p.add(params.status)}::text[])`);
  if (params.priority !== undefined) where.push(`priority = ANY (${p.add(params.priority)}::text[])`);
  if (params.agent !== undefined) where.push(`agent = ${p.add(params.agent)}`);
  // Array containment uses the GIN index on required_capabilities / labels (SQLite looks the capability
  // up in its task_capabilities mirror and scans the labels with json_each).
  if (params.capability !== undefined) where.push(`required_capabilities @> ARRAY[${p.add(params.capability)}::text]`);
  if (params.label !== undefined) where.push(`labels @> ARRAY[${p.add(params.label)}::text]`);
  if (params.text !== undefined && params.text !== '') {
    // ILIKE is case-insensitive beyond ASCII, as SQLite's instr() over sb_casefold() is; % and _ are
    // escaped so they match literally, as they do there.
    const pattern = p.add(likeContains(params.text));
    where.push(`(id ILIKE ${pattern} ESCAPE '\\' OR title ILIKE ${pattern} ESCAPE '\\' OR description ILIKE ${pattern} ESCAPE '\\')`);
  }
  return where;
}

/**
 * Task reads over the pool (or a transaction's client). Every query is backed by an
 * index of migrations/0001_init.sql; the comments say which and where SQLite differs.
 */
export class PostgresTaskReads implements TaskReads {
  constructor(protected readonly db: Db) {}

  protected async many(text: string, values: readonly unknown[]): Promise<Task[]> {
    const res = await this.db.query<TaskRow>(text, values);
    return res.rows.map(rowToTask);
  }

  async get(params: { id: string }): Promise<Task | null> {
    // $1 = id.
    const rows = await this.many(`SELECT ${COLUMNS} FROM tasks WHERE id = $1`, [params.id]);
    return rows[0] ?? null;
  }

  async getMany(params: { ids: readonly string[] }): Promise<Task[]> {
    if (params.ids.length === 0) return [];
    // $1 = ids as text[]; PostgreSQL binds the whole list as one array (SQLite binds one JSON array, read with json_each).
    return this.many(`SELECT ${COLUMNS} FROM tasks WHERE id = ANY ($1::text[]) ORDER BY seq`, [[...params.ids]]);
  }

  async list(params: TaskFilter): Promise<Task[]> {
    const p = new Params();
    const where = criteriaClauses(params, p);
    const sort = params.sort ?? DEFAULT_TASK_SORT;
    const column = SORT_COLUMN[sort.key];
    const dir = sort.direction === 'asc' ? 'ASC' : 'DESC';
    const beyond = sort.direction === 'asc' ? '>' : '<';
    if (params.after !== undefined) {
      if (sort.key === 'created') {
        where.push(`seq ${beyond} ${p.add(params.after.seq)}::bigint`);
      } else if (sort.key === 'priority') {
        where.push(`(priority, seq) ${beyond} (${p.add(priorityAt(params.after.value))}::text, ${p.add(params.after.seq)}::bigint)`);
      } else {
        where.push(`(${column}, seq) ${beyond} (${p.add(params.after.value)}::bigint, ${p.add(params.after.seq)}::bigint)`);
      }
    }
    const limit = p.add(params.limit);
    // Params: the criteria present (see criteriaClauses), then the previous page's last sort value
    // and seq, then limit. created walks the unique index on seq, priority tasks_priority_seq_idx and
    // deadline tasks_deadline_seq_idx (0004; SQLite already had its priority index), forwards or
    // backwards; the row comparison is a range of those indexes. updated has no index on purpose
    // (updated_at changes on every write): a top-N sort of the matching rows, as on SQLite.
    const order = sort.key === 'created' ? `seq ${dir}` : `${column} ${dir}, seq ${dir}`;
    return this.many(
      `SELECT ${COLUMNS} FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${limit}`,
      p.values,
    );
  }

  async count(params: TaskCriteria): Promise<number> {
    const p = new Params();
    const where = criteriaClauses(params, p);
    // Params: the criteria present (see criteriaClauses). count(*) is int8, parsed to a number by the
    // pool's type parser. Without criteria PostgreSQL reads the whole table (no cached row count), like SQLite.
    const res = await this.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
      p.values,
    );
    return res.rows[0]?.n ?? 0;
  }

  async countByStatus(): Promise<Record<TaskStatus, number>> {
    // No params; count(*) is int8, parsed to number by the pool's type parser.
    const res = await this.db.query<{ status: TaskStatus; n: number }>('SELECT status, count(*) AS n FROM tasks GROUP BY status', []);
    const out = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const r of res.rows) out[r.status] = r.n;
    return out;
  }

  async countByPriority(): Promise<Record<Priority, number>> {
    // No params.
    const res = await this.db.query<{ priority: Priority; n: number }>('SELECT priority, count(*) AS n FROM tasks GROUP BY priority', []);
    const out = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    for (const r of res.rows) out[r.priority] = r.n;
    return out;
  }

  async countSla(): Promise<{ atRisk: number; violated: number }> {
    // No params. Reads the partial index tasks_sla_flagged_idx (same predicate); a violation
    // always carries the warning flag too, so "flagged and not violated" is "at risk".
    const res = await this.db.query<{ at_risk: number; violated: number }>(
      `SELECT count(*) FILTER (WHERE NOT sla_violated) AS at_risk, count(*) FILTER (WHERE sla_violated) AS violated
       FROM tasks
       WHERE (sla_warned OR sla_violated) AND status IN ('BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS')`,
      [],
    );
    const row = res.rows[0];
    return { atRisk: row?.at_risk ?? 0, violated: row?.violated ?? 0 };
  }

  async listHeldBy(params: { agentId: string }): Promise<Task[]> {
    // $1 = agent id; index (agent, status).
    return this.many(`SELECT ${COLUMNS} FROM tasks WHERE agent = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY assigned_at, seq`, [
      params.agentId,
    ]);
  }

  async listDependents(params: { taskId: string }): Promise<Task[]> {
    // $1 = the task others depend on; index task_dependencies (depends_on, task_id).
    return this.many(
      `SELECT ${T_COLUMNS} FROM task_dependencies d JOIN tasks t ON t.id = d.task_id
       WHERE d.depends_on = $1 AND t.status = 'BLOCKED' ORDER BY t.seq`,
      [params.taskId],
    );
  }

  async pendingCapabilityKeys(): Promise<string[]> {
    // No params. Loose index scan over tasks_queue_idx: one index probe per distinct key
    // (PostgreSQL has no skip scan, so DISTINCT would read every pending row).
    const res = await this.db.query<{ k: string }>(
      `WITH RECURSIVE keys (k) AS (
         SELECT min(cap_key) FROM tasks WHERE status = 'PENDING'
         UNION ALL
         SELECT (SELECT min(cap_key) FROM tasks WHERE status = 'PENDING' AND cap_key > keys.k)
         FROM keys WHERE keys.k IS NOT NULL
       )
       SELECT k FROM keys WHERE k IS NOT NULL`,
      [],
    );
    return res.rows.map((r) => r.k);
  }

  async peekQueue(params: { capabilityKey: string; now: number; limit: number }): Promise<Task[]> {
    // $1 = capability key, $2 = now, $3 = limit; ordered range of tasks_queue_idx.
    return this.many(
      `SELECT ${COLUMNS} FROM tasks
       WHERE status = 'PENDING' AND cap_key = $1 AND (retry_at IS NULL OR retry_at <= $2)
       ORDER BY queue_rank, sla_deadline, seq LIMIT $3`,
      [params.capabilityKey, params.now, params.limit],
    );
  }

  async countQueue(): Promise<QueueCount[]> {
    // No params. cap_key and queue_rank lead the partial index tasks_queue_idx, so this can be
    // an index-only scan of the PENDING rows (SQLite pins its twin with INDEXED BY); count(*)
    // is int8, parsed to number by the pool's type parser.
    const res = await this.db.query<{ cap_key: string; queue_rank: number; n: number }>(
      `SELECT cap_key, queue_rank, count(*) AS n FROM tasks WHERE status = 'PENDING' GROUP BY cap_key, queue_rank`,
      [],
    );
    return res.rows.map((r) => ({ queueRank: r.queue_rank, capabilityKey: r.cap_key, count: r.n }));
  }

  async nextDueAt(): Promise<number | null> {
    // No params. Six index-backed MINs; LEAST skips NULLs (SQLite's MIN(a, b) would return NULL).
    const mins = Object.values(DUE_COLUMN).map((c) => `(SELECT min(${c}) FROM tasks WHERE ${c} IS NOT NULL)`);
    const res = await this.db.query<{ due: number | null }>(`SELECT LEAST(${mins.join(', ')}) AS due`, []);
    return res.rows[0]?.due ?? null;
  }

  async listDue(params: { kind: TimerKind; now: number; limit: number }): Promise<Task[]> {
    const col = DUE_COLUMN[params.kind];
    // $1 = now, $2 = limit; range scan of the partial index on the kind's due column.
    return this.many(`SELECT ${COLUMNS} FROM tasks WHERE ${col} <= $1 ORDER BY ${col}, seq LIMIT $2`, [params.now, params.limit]);
  }
}

/** Task writes, only ever built on a transaction's client. */
export class PostgresTaskRepo extends PostgresTaskReads implements TaskWrites {
  async lockPending(params: { id: string }): Promise<Task | null> {
    // $1 = id; primary key. FOR UPDATE SKIP LOCKED: a row another transaction has locked is
    // passed over (null) instead of waited for, so concurrent claimers never queue on one task;
    // a row that stopped being PENDING fails the WHERE (SQLite, one writer at a time, plain read).
    const rows = await this.many(`SELECT ${COLUMNS} FROM tasks WHERE id = $1 AND status = 'PENDING' FOR UPDATE SKIP LOCKED`, [params.id]);
    return rows[0] ?? null;
  }

  async allocateSeq(): Promise<number> {
    // No params. A SEQUENCE (SQLite keeps a counter row); nextval is never rolled back.
    const res = await this.db.query<{ seq: number }>(`SELECT nextval('task_seq') AS seq`, []);
    const seq = res.rows[0]?.seq;
    if (seq === undefined) throw new Error('nextval returned no row');
    return seq;
  }

  async insert(task: Task): Promise<void> {
    const res = await this.db.query<{ inserted: number }>(INSERT_TASK, taskParams(task));
    if (res.rows[0]?.inserted !== 1) throw new ConflictError('task', task.id);
  }

  async update(params: { next: Task; expected: { status: TaskStatus; version: number }; previous?: Task }): Promise<void> {
    const { next, expected, previous } = params;
    const { sql, values } =
      previous === undefined
        ? { sql: UPDATE_TASK, values: [...taskParams(next), expected.status, expected.version] }
        : narrowUpdate(previous, next, expected);
    const res = await this.db.query<{ updated: number }>(sql, values);
    if (res.rows[0]?.updated !== 1) throw new VersionConflictError('task', next.id);
  }
}
