import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { choice, deadline, decimal, integer, listOf } from './options.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = deadline(() => NOW);

describe('option parsers', () => {
  it('deadline: a duration from now, or an ISO date-time with its zone; a past or zoneless one is refused', () => {
    expect(at('2h')).toBe('2026-12-01T14:00:00.000Z');
    expect(at('90m')).toBe('2026-12-01T13:30:00.000Z');
    expect(at('1d12h')).toBe('2026-12-03T00:00:00.000Z');
    expect(at('45s')).toBe('2026-12-01T12:00:45.000Z');
    expect(at('2026-12-24T18:00:00+01:00')).toBe('2026-12-24T17:00:00.000Z');
    for (const bad of ['', '0h', '2 hours', 'tomorrow', '2026-12-24T18:00:00', '2026-11-30T00:00:00Z']) {
      expect(() => at(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('listOf: repeated and comma-separated values add up; a closed set is matched ignoring case', () => {
    const labels = listOf();
    expect(labels('b, c', labels('a', undefined))).toEqual(['a', 'b', 'c']);
    const statuses = listOf(['PENDING', 'FAILED'] as const);
    expect(statuses('pending,Failed', undefined)).toEqual(['PENDING', 'FAILED']);
    expect(() => statuses('done', undefined)).toThrow('"done" is not one of PENDING, FAILED');
    expect(() => labels(' , ', undefined)).toThrow(InvalidArgumentError);
  });

  it('choice, integer and decimal keep to their bounds', () => {
    expect(choice(['P0', 'P1'])('p1')).toBe('P1');
    expect(integer(1, 20)('3')).toBe(3);
    for (const bad of ['0', '21', '2.5', 'x', '']) expect(() => integer(1, 20)(bad), bad).toThrow(InvalidArgumentError);
    expect(decimal(0, 1)('0.25')).toBe(0.25);
    for (const bad of ['-0.1', '1.5', 'NaN', '']) expect(() => decimal(0, 1)(bad), bad).toThrow(InvalidArgumentError);
  });
});
