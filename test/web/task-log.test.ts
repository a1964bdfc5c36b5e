import { describe, expect, it } from 'vitest';
import type { LogLineView } from 'switchboard/sdk';
import { EMPTY_TASK_LOG, mergeLogLines, resumeSeq, type TaskLog } from '../../web/src/lib/task-log.js';

const line = (seq: number, text = `line ${seq}`): LogLineView => ({
  seq,
  attempt: 1,
  stream: 'stdout',
  text,
  at: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(),
});
const lines = (...seqs: number[]) => seqs.map((s) => line(s));
const seqs = (log: TaskLog) => log.lines.map((l) => l.seq);

describe('task log (REST catch-up and live task:log lines, merged by seq)', () => {
  it('appends live lines after the last one held', () => {
    const log = mergeLogLines(mergeLogLines(EMPTY_TASK_LOG, lines(1, 2, 3)), lines(4, 5));
    expect(seqs(log)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps each seq once when the read and the socket both bring a line, whichever lands first', () => {
    const liveFirst = mergeLogLines(mergeLogLines(EMPTY_TASK_LOG, lines(3, 4)), lines(1, 2, 3));
    const readFirst = mergeLogLines(mergeLogLines(EMPTY_TASK_LOG, lines(1, 2, 3)), lines(3, 4));
    expect(seqs(liveFirst)).toEqual([1, 2, 3, 4]);
    expect(seqs(readFirst)).toEqual([1, 2, 3, 4]);
  });

  it('orders lines that arrive out of order and drops repeats within one batch', () => {
    expect(seqs(mergeLogLines(EMPTY_TASK_LOG, lines(2, 1, 2, 3)))).toEqual([1, 2, 3]);
  });

  it('keeps the copy it holds for a seq it already has', () => {
    const held = mergeLogLines(EMPTY_TASK_LOG, [line(1, 'first copy')]);
    expect(mergeLogLines(held, [line(1, 'second copy')])).toBe(held);
  });

  it('returns the same log when nothing is new, and records truncation once the server says so', () => {
    const log = mergeLogLines(EMPTY_TASK_LOG, lines(1, 2));
    expect(mergeLogLines(log, lines(1, 2))).toBe(log);
    expect(mergeLogLines(log, [], true).truncated).toBe(true);
    expect(mergeLogLines(mergeLogLines(log, [], true), lines(3)).truncated).toBe(true);
  });

  it('resumes a catch-up at the first hole, so lines that landed live before their read do not hide the gap', () => {
    expect(resumeSeq(EMPTY_TASK_LOG)).toBe(0);
    expect(resumeSeq(mergeLogLines(EMPTY_TASK_LOG, lines(1, 2, 3)))).toBe(3);
    expect(resumeSeq(mergeLogLines(EMPTY_TASK_LOG, lines(1, 2, 6, 7)))).toBe(2);
    expect(resumeSeq(mergeLogLines(EMPTY_TASK_LOG, lines(5, 6)))).toBe(0);
  });
});
