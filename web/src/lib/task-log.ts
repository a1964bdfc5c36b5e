import type { LogLineView } from 'switchboard/sdk';

/** A task's log as the detail view holds it: lines by increasing seq, each seq once. */
export interface TaskLog {
  lines: readonly LogLineView[];
  /** The server stopped storing lines: the task's log reached its size cap. */
  truncated: boolean;
}

export const EMPTY_TASK_LOG: TaskLog = { lines: [], truncated: false };

/**
 * Merges lines into a log by seq, each seq once. The REST catch-up and the live `task:log`
 * messages overlap (a line committed while the page reads arrives both ways) and come in
 * either order, so lines are placed by seq, never by arrival. The live case, lines after
 * the last one held, only appends. Returns `log` itself when nothing changed, so React
 * Query notifies nobody.
 */
export function mergeLogLines(log: TaskLog, lines: readonly LogLineView[], truncated = false): TaskLog {
  const nextTruncated = log.truncated || truncated;
  const incoming = isStrictlyAscending(lines) ? lines : dedupeSorted([...lines].sort((a, b) => a.seq - b.seq));
  const first = incoming[0];
  if (first === undefined) return nextTruncated === log.truncated ? log : { lines: log.lines, truncated: nextTruncated };
  const last = log.lines.at(-1)?.seq ?? 0;
  if (first.seq > last) return { lines: [...log.lines, ...incoming], truncated: nextTruncated };

  const merged: LogLineView[] = [];
  let i = 0;
  let j = 0;
  while (i < log.lines.length || j < incoming.length) {
    const held = log.lines[i];
    const fresh = incoming[j];
    if (fresh === undefined || (held !== undefined && held.seq <= fresh.seq)) {
      merged.push(held as LogLineView);
      i++;
      if (fresh !== undefined && held?.seq === fresh.seq) j++;
    } else {
      merged.push(fresh);
      j++;
    }
  }
  if (merged.length === log.lines.length && nextTruncated === log.truncated) return log;
  return { lines: merged, truncated: nextTruncated };
}

/**
 * Where a catch-up read resumes (`after`): the last seq of the run 1, 2, ... held without
 * a hole. Live lines can land before the read that precedes them (the socket connected
 * after the page read), leaving a hole that resuming from the last line would never fill.
 * Seqs are per task and increasing from 1, so line i holds seq i + 1 exactly up to the
 * first hole: a binary search finds it.
 */
export function resumeSeq(log: TaskLog): number {
  let lo = 0;
  let hi = log.lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log.lines[mid] as LogLineView).seq === mid + 1) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isStrictlyAscending(lines: readonly LogLineView[]): boolean {
  for (let k = 1; k < lines.length; k++) if ((lines[k] as LogLineView).seq <= (lines[k - 1] as LogLineView).seq) return false;
  return true;
}

function dedupeSorted(lines: LogLineView[]): LogLineView[] {
  return lines.filter((line, k) => k === 0 || line.seq !== (lines[k - 1] as LogLineView).seq);
}
