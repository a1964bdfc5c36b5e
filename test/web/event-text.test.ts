import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../web/src/lib/event-text.js';
import { event } from './fixtures.js';

describe('event sentences in the feed and the timeline', () => {
  it('says which dependency a cascaded cancellation follows from', () => {
    const e = event('task.cancelled', 'TASK-002', Date.parse('2026-01-01T12:00:00Z'), {
      reason: 'dependency TASK-001 failed',
      dependency: 'TASK-001',
    });
    expect(describeEvent(e)).toEqual({ verb: 'cancelled', detail: 'dependency TASK-001 failed', tone: 'neutral' });
  });

  it("gives a released task's note after the reason, and the reason alone for a timer's requeue", () => {
    const at = Date.parse('2026-01-01T12:00:00Z');
    const released = event('task.requeued', 'TASK-003', at, { reason: 'released', note: 'usage limit', agentId: 'a1' });
    const expired = event('task.requeued', 'TASK-003', at, { reason: 'lease_expired', note: null });
    expect(describeEvent(released).detail).toBe('released: usage limit');
    expect(describeEvent(expired).detail).toBe('lease expired');
  });
});
