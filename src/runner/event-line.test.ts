import { describe, expect, it } from 'vitest';
import { storableLogText as storable } from '../sdk/index.js';
import { eventLine, readableEvents } from './event-line.js';

describe('eventLine: one normalised event as a task log line', () => {
  it('text as is on stdout, the rest tagged, bookkeeping on the system stream, stderr kept apart', () => {
    expect(eventLine({ type: 'text', text: 'Looking at it.' })).toEqual({ text: 'Looking at it.', stream: 'stdout' });
    expect(eventLine({ type: 'tool', id: 't1', name: 'Bash', input: { command: 'npm test' }, status: 'started' })).toEqual({
      text: '[tool] Bash started {"command":"npm test"}',
      stream: 'stdout',
    });
    expect(eventLine({ type: 'tool', id: 't1', name: null, status: 'failed' }).text).toBe('[tool] t1 failed');
    expect(eventLine({ type: 'usage', inputTokens: 1, outputTokens: 2, cachedTokens: 3, costUsd: 0.5 })).toEqual({
      text: '[usage] in 1 out 2 cached 3 $0.5000',
      stream: 'system',
    });
    expect(eventLine({ type: 'quota', status: 'rejected', resetsAt: null, message: 'limit' }).text).toBe('[quota] rejected: limit');
    expect(eventLine({ type: 'log', stream: 'stderr', line: 'warn' })).toEqual({ text: 'warn', stream: 'stderr' });
    expect(eventLine({ type: 'session', sessionId: 's1', model: 'm' }).text).toBe('[session] s1 (m)');
    expect(eventLine({ type: 'finished', ok: false, reason: 'no' }).text).toBe('[finished] not ok: no');
  });

  it('lines are storable: NUL and lone surrogates (which the server refuses) replaced, pairs kept', () => {
    expect(storable('a\u0000b\uD800c\uDC00d😀')).toBe('a\uFFFDb\uFFFDc\uFFFDd😀');
    // A tool input clipped in the middle of a pair loses the orphaned half, not the line.
    const input = `${'x'.repeat(197)}😀`;
    expect(eventLine({ type: 'tool', id: null, name: 'Edit', input, status: 'started' }).text).toBe(
      `[tool] Edit started "${'x'.repeat(197)}\uFFFD…`,
    );
  });
});

describe('readableEvents: the stream as a log reads it', () => {
  it('joins chunks up to a newline or the next other event, and flushes the rest at the end', () => {
    const joiner = readableEvents();
    const chunk = (text: string) => ({ type: 'text' as const, text, delta: true as const });
    expect(joiner.push(chunk('Done: the change'))).toEqual([]);
    expect(joiner.push(chunk(' is in\nand tests'))).toEqual([{ type: 'text', text: 'Done: the change is in' }]);
    const usage = { type: 'usage' as const, inputTokens: 1, outputTokens: 1, cachedTokens: 0 };
    expect(joiner.push(usage)).toEqual([{ type: 'text', text: 'and tests' }, usage]);
    expect(joiner.push(chunk('tail'))).toEqual([]);
    expect(joiner.end()).toEqual([{ type: 'text', text: 'tail' }]);
    expect(joiner.end()).toEqual([]);
  });

  it('a tool result known only by its call id gets the call’s name', () => {
    const events = readableEvents();
    events.push({ type: 'tool', id: 't1', name: 'Bash', status: 'started' });
    expect(events.push({ type: 'tool', id: 't1', name: null, status: 'succeeded' })).toEqual([
      { type: 'tool', id: 't1', name: 'Bash', status: 'succeeded' },
    ]);
    expect(events.push({ type: 'tool', id: 't2', name: null, status: 'failed' })[0]).toMatchObject({ name: null });
  });
});
