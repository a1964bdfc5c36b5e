import { describe, expect, it } from 'vitest';
import { EMPTY_LOG_TAIL, planLogAppend, type StoredLogLine } from '../../core/task-log.js';
import { T0, codeOf, createTask, rejectionOf, type StoreHarness } from './fixtures.js';

/** Task logs: lines per task in seq order, pages as ranges, the tail read from the last line. */
export function logCases(h: StoreHarness): void {
  const line = (seq: number, text: string, extra: Partial<StoredLogLine> = {}): StoredLogLine => ({
    seq,
    attempt: 1,
    stream: 'stdout',
    text,
    at: T0 + seq,
    bytesTotal: seq * 10,
    truncation: false,
    ...extra,
  });
  const append = (taskId: string, lines: StoredLogLine[]) => h.store.transaction((tx) => tx.logs.append({ taskId, lines }));
  const strip = ({ bytesTotal: _b, truncation: _t, ...rest }: StoredLogLine) => rest;

  describe('task logs', () => {
    it('round-trips every field, pages by seq within one task, and keeps tasks apart', async () => {
      const a = await createTask(h.store, { title: 'a' });
      const b = await createTask(h.store, { title: 'b' });
      const lines = [line(1, 'héllo “one”'), line(2, 'two', { stream: 'stderr', attempt: 2 }), line(3, '', { stream: 'system' })];
      await append(a.id, lines);
      await append(b.id, [line(1, 'other task')]);
      expect(await h.store.logs.list({ taskId: a.id, after: 0, limit: 10 })).toEqual(lines.map((l) => expect.objectContaining(strip(l))));
      expect((await h.store.logs.list({ taskId: a.id, after: 1, limit: 1 })).map((l) => l.seq)).toEqual([2]);
      expect(await h.store.logs.list({ taskId: a.id, after: 3, limit: 10 })).toEqual([]);
      expect((await h.store.logs.list({ taskId: b.id, after: 0, limit: 10 })).map((l) => l.text)).toEqual(['other task']);
    });

    it('reads the tail from the last line, and the empty tail for a task without lines', async () => {
      const a = await createTask(h.store, { title: 'a' });
      expect(await h.store.logs.tail({ taskId: a.id })).toEqual(EMPTY_LOG_TAIL);
      await append(a.id, [line(1, 'x'), line(2, 'y', { bytesTotal: 77 })]);
      expect(await h.store.logs.tail({ taskId: a.id })).toEqual({ lastSeq: 2, bytes: 77, truncated: false });
      await append(a.id, [line(3, 'marker', { stream: 'system', truncation: true, bytesTotal: 77 })]);
      expect(await h.store.logs.tail({ taskId: a.id })).toEqual({ lastSeq: 3, bytes: 77, truncated: true });
    });

    it('refuses a seq already taken, and keeps nothing of the refused batch', async () => {
      const a = await createTask(h.store, { title: 'a' });
      await append(a.id, [line(1, 'x')]);
      expect(codeOf(await rejectionOf(append(a.id, [line(2, 'y'), line(1, 'again')])))).toBe('ALREADY_EXISTS');
      expect((await h.store.logs.list({ taskId: a.id, after: 0, limit: 10 })).map((l) => l.text)).toEqual(['x']);
    });

    it('stores a planned append as planned: lines up to the cap, then the marker', async () => {
      const a = await createTask(h.store, { title: 'a' });
      const plan = planLogAppend(
        { lastSeq: 0, bytes: 5 * 1024 * 1024 - 3, truncated: false },
        [
          { text: 'abc', stream: 'stdout', at: T0 },
          { text: 'd', stream: 'stderr', at: T0 },
        ],
        1,
        T0,
      );
      await append(a.id, plan.rows);
      expect(await h.store.logs.tail({ taskId: a.id })).toEqual({ lastSeq: 2, bytes: 5 * 1024 * 1024, truncated: true });
    });
  });
}
