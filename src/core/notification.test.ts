import { describe, expect, it } from 'vitest';
import { parseEscalation, raisedPriority } from './escalation.js';
import type { StoredEvent } from './events.js';
import { newTask } from './factories.js';
import { backoffDelay, channelWants, dedupKey, DEFAULT_CHANNEL_EVENTS, type Channel } from './notification.js';
import { DEFAULT_POLICY } from './policy.js';

const T0 = Date.UTC(2026, 0, 1);
const task = newTask(
  { title: 'Deploy', priority: 'P1', labels: ['prod'], requiredCapabilities: ['deploy'] },
  { seq: 7, now: T0, policy: DEFAULT_POLICY, blocked: false },
);
const channel = (extra: Partial<Channel> = {}): Channel => ({
  id: 'ch_1',
  name: 'ops',
  type: 'webhook',
  events: [...DEFAULT_CHANNEL_EVENTS],
  filters: {},
  enabled: true,
  settings: {},
  createdAt: T0,
  updatedAt: T0,
  ...extra,
});
const failed = {
  id: 10,
  type: 'task.failed',
  taskId: task.id,
  agentId: 'claude-1',
  actor: 'system',
  at: T0,
  payload: {},
} as unknown as StoredEvent;
const offline = {
  id: 11,
  type: 'agent.offline',
  taskId: null,
  agentId: 'claude-1',
  actor: 'system',
  at: T0,
  payload: { reason: 'x' },
} as StoredEvent;

describe('notification rules', () => {
  it('a channel wants its subscribed types while enabled', () => {
    expect(channelWants(channel(), failed, task)).toBe(true);
    expect(channelWants(channel({ enabled: false }), failed, task)).toBe(false);
    expect(channelWants(channel({ events: ['task.sla_violated'] }), failed, task)).toBe(false);
  });

  it('filters: any value of each list, every list; a task filter never matches an event without a task', () => {
    expect(channelWants(channel({ filters: { priorities: ['P0', 'P1'] } }), failed, task)).toBe(true);
    expect(channelWants(channel({ filters: { priorities: ['P0'] } }), failed, task)).toBe(false);
    expect(channelWants(channel({ filters: { labels: ['staging', 'prod'], capabilities: ['deploy'] } }), failed, task)).toBe(true);
    expect(channelWants(channel({ filters: { labels: ['prod'], capabilities: ['review'] } }), failed, task)).toBe(false);
    expect(channelWants(channel({ filters: { agents: ['claude-1'] } }), offline, null)).toBe(true);
    expect(channelWants(channel({ filters: { agents: ['codex'] } }), offline, null)).toBe(false);
    expect(channelWants(channel({ filters: { priorities: ['P1'] } }), offline, null)).toBe(false);
  });

  it('notification.failed never goes to the channel that failed', () => {
    const about = (channelId: string) =>
      ({
        ...failed,
        type: 'notification.failed',
        payload: { channelId, channelName: 'x', deliveryId: 'msg_1', attempt: 1, detail: 'x', dead: false },
      }) as StoredEvent;
    expect(channelWants(channel(), about('ch_1'), task)).toBe(false);
    expect(channelWants(channel(), about('ch_2'), task)).toBe(true);
  });

  it('dedup: SLA events per task, type and deadline; every other event per event', () => {
    const sla = (id: number, deadline: number) =>
      ({ id, type: 'task.sla_violated', taskId: task.id, agentId: null, actor: 'system', at: T0, payload: { deadline } }) as StoredEvent;
    expect(dedupKey(sla(1, 5))).toBe(dedupKey(sla(2, 5)));
    expect(dedupKey(sla(1, 5))).not.toBe(dedupKey(sla(3, 6)));
    expect(dedupKey(failed)).toBe('event:10');
  });

  it('backoff doubles from the base up to the cap, with half of it random', () => {
    const policy = { baseMs: 1_000, maxMs: 8_000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, 0))).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, 0.999_999))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });
});

describe('escalation policy', () => {
  it('reads priorities case-insensitively, leaves the rest off, and words what it refuses', () => {
    expect(parseEscalation({ p1: { raisePriority: true } })).toMatchObject({
      P1: { raisePriority: true, reassign: false },
      P0: { raisePriority: false },
    });
    expect(parseEscalation([])).toMatch(/JSON object/);
    expect(parseEscalation({ P5: {} })).toMatch(/P5/);
    expect(parseEscalation({ P1: { reassign: 'yes' } })).toMatch(/booleans/);
    expect(raisedPriority('P3')).toBe('P2');
    expect(raisedPriority('P0')).toBeNull();
  });
});
