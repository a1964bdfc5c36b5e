import { describe, expect, it } from 'vitest';
import { BUCKETS, BUCKET_MS, completionBuckets, rebuildQueueSeries } from '../../web/src/lib/history.js';
import { event } from './fixtures.js';

const NOW = Date.parse('2026-01-01T12:00:30.000Z');
const MIN = 60_000;

describe('chart history from the event log', () => {
  it('rebuilds queue depth backwards from the current counts', () => {
    const events = [
      event('task.created', 'T1', NOW - 30 * MIN, { status: 'PENDING' }),
      event('task.created', 'T2', NOW - 20 * MIN, { status: 'PENDING' }),
      event('task.assigned', 'T1', NOW - 10 * MIN, {}, 'a'),
      event('task.started', 'T1', NOW - 5 * MIN, {}, 'a'),
    ];
    // Now: T2 pending, T1 in progress.
    const samples = rebuildQueueSeries(events, { pending: 1, inProgress: 1 }, NOW, true);
    const at = (minutesAgo: number) => samples.find((s) => s.t <= NOW - minutesAgo * MIN && s.t > NOW - (minutesAgo + 1) * MIN);
    expect(at(45)).toMatchObject({ pending: 0, inProgress: 0 });
    expect(at(25)).toMatchObject({ pending: 1, inProgress: 0 });
    expect(at(15)).toMatchObject({ pending: 2, inProgress: 0 });
    expect(at(7)).toMatchObject({ pending: 1, inProgress: 0 });
    expect(at(1)).toMatchObject({ pending: 1, inProgress: 1 });
    expect(samples.at(-1)).toEqual({ t: NOW, pending: 1, inProgress: 1 });
  });

  it('knows where a cancelled task came from when the window shows it', () => {
    const events = [event('task.assigned', 'T1', NOW - 10 * MIN, {}, 'a'), event('task.cancelled', 'T1', NOW - 5 * MIN)];
    const samples = rebuildQueueSeries(events, { pending: 0, inProgress: 0 }, NOW, true);
    // T1 was PENDING before the assignment, ASSIGNED (not pending) when cancelled.
    expect(samples.find((s) => s.t <= NOW - 12 * MIN)?.pending).toBe(1);
    expect(samples.find((s) => s.t >= NOW - 7 * MIN && s.t < NOW - 6 * MIN)?.pending).toBe(0);
  });

  it('starts at the oldest event when the history was cut', () => {
    const events = [event('task.created', 'T1', NOW - 10 * MIN, { status: 'PENDING' })];
    const samples = rebuildQueueSeries(events, { pending: 1, inProgress: 0 }, NOW, false);
    expect(samples[0]?.t).toBeGreaterThanOrEqual(NOW - 10 * MIN);
  });

  it('counts completions per minute over the last hour', () => {
    const events = [
      event('task.completed', 'T1', NOW - 2 * MIN),
      event('task.completed', 'T2', NOW - 2 * MIN + 1000),
      event('task.completed', 'T3', NOW - 2 * 60 * MIN),
      event('task.created', 'T4', NOW),
    ];
    const { start, counts } = completionBuckets(events, NOW);
    expect(counts).toHaveLength(BUCKETS);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(counts[Math.floor((NOW - 2 * MIN - start) / BUCKET_MS)]).toBe(2);
  });
});
