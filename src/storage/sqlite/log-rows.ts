import type { LogReads, LogWrites } from '../../core/ports.js';
import { LOG_STREAMS, tailOf, type LogLine, type LogTail, type StoredLogLine } from '../../core/task-log.js';
import type { SqlRow, SqlRunner } from './connection.js';
import { bool, num, oneOf, text, toBit } from './row-codec.js';

function rowToLine(row: SqlRow): StoredLogLine {
  return {
    seq: num(row, 'seq'),
    attempt: num(row, 'attempt'),
    stream: oneOf(row, 'stream', LOG_STREAMS),
    text: text(row, 'text'),
    at: num(row, 'at'),
    bytesTotal: num(row, 'bytes_total'),
    truncation: bool(row, 'truncation'),
  };
}

/** Task log lines; one instance per connection (see SqliteTaskRows). */
export class SqliteLogRows implements LogReads, LogWrites {
  constructor(private readonly sql: SqlRunner) {}

  async list({ taskId, after, limit }: { taskId: string; after: number; limit: number }): Promise<LogLine[]> {
    // @taskId @after @limit. A range of the (task_id, seq) primary key.
    return this.sql
      .all('SELECT * FROM task_logs WHERE task_id = @taskId AND seq > @after ORDER BY seq LIMIT @limit', { taskId, after, limit })
      .map(rowToLine);
  }

  async tail({ taskId }: { taskId: string }): Promise<LogTail> {
    // @taskId. One backward seek on the primary key.
    const row = this.sql.get('SELECT * FROM task_logs WHERE task_id = @taskId ORDER BY seq DESC LIMIT 1', { taskId });
    return tailOf(row === undefined ? null : rowToLine(row));
  }

  async append({ taskId, lines }: { taskId: string; lines: readonly StoredLogLine[] }): Promise<void> {
    for (const line of lines) {
      // @taskId @seq @attempt @stream @text @at @bytesTotal @truncation. A taken seq fails on the primary key.
      this.sql.run(
        `INSERT INTO task_logs (task_id, seq, attempt, stream, text, at, bytes_total, truncation)
         VALUES (@taskId, @seq, @attempt, @stream, @text, @at, @bytesTotal, @truncation)`,
        { taskId, ...line, truncation: toBit(line.truncation) },
        { entity: 'record', id: `${taskId} log line ${line.seq}` },
      );
    }
  }
}
