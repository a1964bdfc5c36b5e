import { describe, expect, it } from 'vitest';
import { formatAgo } from '../../web/src/lib/format.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

describe('formatAgo: how long ago an event happened', () => {
  it('never puts a past event in the future when the browser clock runs behind the server', () => {
    expect(formatAgo(at(5_000), NOW)).toBe('just now');
    expect(formatAgo(at(5_999), NOW)).toBe('just now');
    expect(formatAgo(at(90_000), NOW)).toBe('just now');
  });

  it('says "just now" for the first seconds, then how long ago', () => {
    expect(formatAgo(at(0), NOW)).toBe('just now');
    expect(formatAgo(at(-9_999), NOW)).toBe('just now');
    expect(formatAgo(at(-10_000), NOW)).toBe('10s ago');
    expect(formatAgo(at(-5 * 60_000), NOW)).toBe('5m ago');
    expect(formatAgo(at(-(2 * 3_600_000 + 60_000)), NOW)).toBe('2h 1m ago');
  });

  it('has words for no instant and for an unreadable one', () => {
    expect(formatAgo(null, NOW)).toBe('never');
    expect(formatAgo('not a date', NOW)).toBe('—');
  });
});
