/**
 * A task's log: the lines its runner streams while it works (a CLI's stdout and stderr,
 * the runner's own notes). Not events: volume would drown the event log, so lines live
 * in their own table, numbered per task, and are kept with the task.
 */

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** Stored text per task at most (UTF-8 bytes of the lines): a runaway CLI cannot fill the disk. */
export const TASK_LOG_MAX_BYTES = 5 * 1024 * 1024;
/** The one `system` line stored when a task's log first reaches {@link TASK_LOG_MAX_BYTES}. */
export const LOG_TRUNCATED_TEXT = "log truncated: the task's log reached 5 MiB";

export interface LogLine {
  /** 1, 2, ... per task, in append order. */
  seq: number;
  /** The task's `attempts` when the line was appended: which attempt wrote it. */
  attempt: number;
  stream: LogStream;
  text: string;
  /** Epoch ms: when the runner saw the line, or when the server stored it. */
  at: number;
}

/**
 * A line as stored: with the log's size up to and including it, so the last line alone
 * tells the next append where the log stands (no scan of a 5 MiB log per append).
 */
export interface StoredLogLine extends LogLine {
  bytesTotal: number;
  /** The truncation marker: always the last line of a truncated log. */
  truncation: boolean;
}

/** Where a task's log stands: read from its last line. */
export interface LogTail {
  lastSeq: number;
  bytes: number;
  truncated: boolean;
}

export const EMPTY_LOG_TAIL: LogTail = Object.freeze({ lastSeq: 0, bytes: 0, truncated: false });

export function tailOf(last: StoredLogLine | null): LogTail {
  return last === null ? EMPTY_LOG_TAIL : { lastSeq: last.seq, bytes: last.bytesTotal, truncated: last.truncation };
}

export interface NewLogLine {
  text: string;
  stream: LogStream;
  /** When the runner saw the line; null: when it is stored. */
  at: number | null;
}

export interface LogAppendPlan {
  rows: StoredLogLine[];
  accepted: number;
  dropped: number;
  /** The log is truncated after this append (now or by an earlier one). */
  truncated: boolean;
}

/**
 * What an append stores: the lines in order until one would pass the cap; that one and
 * every later one are dropped (a log with holes would mislead), and the first time the
 * cap is hit the truncation marker is stored after the last kept line.
 */
export function planLogAppend(tail: LogTail, lines: readonly NewLogLine[], attempt: number, now: number): LogAppendPlan {
  if (tail.truncated) return { rows: [], accepted: 0, dropped: lines.length, truncated: true };
  const rows: StoredLogLine[] = [];
  let { lastSeq: seq, bytes } = tail;
  for (const line of lines) {
    const size = utf8ByteLength(line.text);
    if (bytes + size > TASK_LOG_MAX_BYTES) {
      rows.push({ seq: seq + 1, attempt, stream: 'system', text: LOG_TRUNCATED_TEXT, at: now, bytesTotal: bytes, truncation: true });
      return { rows, accepted: rows.length - 1, dropped: lines.length - (rows.length - 1), truncated: true };
    }
    seq += 1;
    bytes += size;
    rows.push({ seq, attempt, stream: line.stream, text: line.text, at: line.at ?? now, bytesTotal: bytes, truncation: false });
  }
  return { rows, accepted: rows.length, dropped: 0, truncated: false };
}

/**
 * The UTF-8 size of a text, counted rather than encoded: no copy per line, and no Node
 * `Buffer` in the core. A lone surrogate counts 3 bytes, as its U+FFFD replacement does.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
