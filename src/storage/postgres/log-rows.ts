import type { LogReads, LogWrites } from '../../core/ports.js';
import { tailOf, type LogLine, type LogStream, type LogTail, type StoredLogLine } from '../../core/task-log.js';
import type { Db } from './sql.js';

/** A `task_logs` row as pg returns it (int8 parsed to number). */
interface LogRow {
  seq: number;
  attempt: number;
  stream: LogStream;
  text: string;
  at: number;
  bytes_total: number;
  truncation: boolean;
}

const SELECT_LIST = 'seq, attempt, stream, text, at, bytes_total, truncation';

function rowToLine(r: LogRow): StoredLogLine {
  return { seq: r.seq, attempt: r.attempt, stream: r.stream, text: r.text, at: r.at, bytesTotal: r.bytes_total, truncation: r.truncation };
}

/** Reads of task logs. */
export class PostgresLogReads implements LogReads {
  constructor(protected readonly db: Db) {}

  async list({ taskId, after, limit }: { taskId: string; after: number; limit: number }): Promise<LogLine[]> {
    // $1 = task id, $2 = after seq, $3 = limit. A range of the (task_id, seq) primary key.
    const res = await this.db.query<LogRow>(`SELECT ${SELECT_LIST} FROM task_logs WHERE task_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [
      taskId,
      after,
      limit,
    ]);
    return res.rows.map(rowToLine);
  }

  async tail({ taskId }: { taskId: string }): Promise<LogTail> {
    // $1 = task id. One backward seek on the primary key.
    const res = await this.db.query<LogRow>(`SELECT ${SELECT_LIST} FROM task_logs WHERE task_id = $1 ORDER BY seq DESC LIMIT 1`, [taskId]);
    const last = res.rows[0];
    return tailOf(last === undefined ? null : rowToLine(last));
  }
}

/** Appends, only ever built on a transaction's client. */
export class PostgresLogRepo extends PostgresLogReads implements LogWrites {
  async append({ taskId, lines }: { taskId: string; lines: readonly StoredLogLine[] }): Promise<void> {
    if (lines.length === 0) return;
    // One INSERT for the batch: $1 = task id, then one array per column (unnest keeps them aligned).
    await this.db.query(
      `INSERT INTO task_logs (task_id, seq, attempt, stream, text, at, bytes_total, truncation)
       SELECT $1, * FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[])`,
      [
        taskId,
        lines.map((l) => l.seq),
        lines.map((l) => l.attempt),
        lines.map((l) => l.stream),
        lines.map((l) => l.text),
        lines.map((l) => l.at),
        lines.map((l) => l.bytesTotal),
        lines.map((l) => l.truncation),
      ],
    );
  }
}
