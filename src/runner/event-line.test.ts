import { describe, expect, it } from 'vitest';
import { clipLine, eventLine, LOG_LINE_MAX_CHARS } from './event-line.js';

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

  it('lines fit the server: clipped to its limit, and NUL or a lone surrogate (which it refuses) replaced', () => {
    expect(clipLine('x'.repeat(LOG_LINE_MAX_CHARS + 10))).toHaveLength(LOG_LINE_MAX_CHARS);
    expect(clipLine('a\u0000b\uD800c')).toBe('a\uFFFDb\uFFFDc');
    // A pair cut by the clip loses its orphaned half, not the line.
    const cut = clipLine(`${'x'.repeat(LOG_LINE_MAX_CHARS - 2)}😀y`);
    expect(cut.endsWith('\uFFFD…')).toBe(true);
  });
});
