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

  it('tells each escalation step and a failed notification (its channel, attempt and status) in the timeline', () => {
    const at = Date.parse('2026-01-01T12:00:00Z');
    const raised = event('task.escalated', 'TASK-004', at, { step: 'priority_raised', from: 'P2', to: 'P1' });
    const moved = event('task.escalated', 'TASK-004', at, { step: 'reassigned', from: 'slow', to: 'spare' });
    expect(describeEvent(raised)).toEqual({ verb: 'escalated: priority raised', detail: 'P2 → P1', tone: 'warning' });
    expect(describeEvent(moved).detail).toBe('slow → spare');
    const failed = {
      channelId: 'ch_1',
      channelName: 'ops',
      deliveryId: 'msg_1',
      attempt: 2,
      status: 503,
      detail: '503 Service Unavailable',
      dead: false,
    };
    expect(describeEvent(event('notification.failed', 'TASK-004', at, failed))).toEqual({
      verb: 'notification failed',
      detail: 'ops, attempt 2: 503',
      tone: 'warning',
    });
    const { status: _none, ...refused } = { ...failed, attempt: 12, detail: 'ECONNREFUSED', dead: true };
    expect(describeEvent(event('notification.failed', 'TASK-004', at, refused))).toMatchObject({
      verb: 'notification gave up',
      detail: 'ops, attempt 12: ECONNREFUSED',
      tone: 'danger',
    });
  });
});
