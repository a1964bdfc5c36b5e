import { describe, expect, it } from 'vitest';
import { duration, list, orNone, time } from './values.js';

describe('values', () => {
  it('time: UTC to the second, a dash for none, an unreadable value as it came', () => {
    expect(time('2026-12-01T13:53:17.456Z')).toBe('2026-12-01 13:53:17Z');
    expect(time(null)).toBe('-');
    expect(time('soon')).toBe('soon');
  });

  it('duration: the unit that reads at a glance', () => {
    expect([850, 12_340, 245_000, 7_380_000].map(duration)).toEqual(['850ms', '12.3s', '4m05s', '2h03m']);
  });

  it('list and orNone: a dash for nothing', () => {
    expect([list(['a', 'b']), list([]), orNone(''), orNone(0), orNone(null)]).toEqual(['a, b', '-', '-', '0', '-']);
  });
});
