import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newAgent, newTask } from './factories.js';
import { DEFAULT_POLICY } from './policy.js';
import { transition, type TaskAction } from './state-machine.js';
import { HELD_STATUSES, TERMINAL_STATUSES, type AssignmentDecision, type Task } from './task.js';
import { SwitchboardError } from './errors.js';
import type { Agent } from './agent.js';
import { isEligible } from './scoring.js';

const T0 = Date.UTC(2026, 0, 1);
const ctx = (now = T0) => ({ now, policy: DEFAULT_POLICY });
const decision = (agentId: string): AssignmentDecision => ({
  mode: 'manual',
  chosen: { agentId, score: 1, terms: { capabilityFit: 1, reliability: 1, spareCapacity: 1, deadlineFit: 1, recency: 1 } },
  runnersUp: [],
  consideredCount: 1,
  decidedAt: T0,
});

function pending(overrides: Partial<Task> = {}): Task {
  return {
    ...newTask({ title: 'Write tests', priority: 'P1' }, { seq: 1, now: T0, policy: DEFAULT_POLICY, blocked: false }),
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SwitchboardError ? err.code : 'NOT_CODED';
  }
  return undefined;
}

describe('transition: release and usage (issue 7)', () => {
  const usage = { inputTokens: 1200, outputTokens: 300, turns: 4, durationMs: 9000, costUsd: 0.02, model: 'm', exitCode: 0 };
  const held = () => {
    const assigned = transition(pending({ maxAttempts: 2 }), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    return { assigned, running: transition(assigned, { type: 'start', by: { agentId: 'a1' } }, ctx()).task };
  };
  const release = { type: 'requeue', reason: 'released', by: { agentId: 'a1' }, note: 'usage limit', usage } as const;

  it('gives a running attempt back, keeps the agent eligible and records the note and usage', () => {
    const { running } = held();
    const out = transition(running, release, ctx());
    expect(out.task).toMatchObject({ status: 'PENDING', agent: null, attempts: 0, excludedAgents: [] });
    expect(out.event).toMatchObject({ type: 'task.requeued', payload: { agentId: 'a1', reason: 'released', note: 'usage limit', usage } });
    expect(out.slot).toEqual({ agentId: 'a1', delta: -1, outcome: null });
  });

  it('releases an offer too, and refuses any other state or a reporter that does not hold the task', () => {
    const { assigned, running } = held();
    expect(transition(assigned, release, ctx()).task).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(codeOf(() => transition(pending(), { ...release, by: {} }, ctx()))).toBe('TASK_INVALID_TRANSITION');
    expect(codeOf(() => transition({ ...running, status: 'COMPLETED' }, { ...release, by: {} }, ctx()))).toBe('TASK_INVALID_TRANSITION');
    expect(codeOf(() => transition(running, { ...release, by: { agentId: 'a2' } }, ctx()))).toBe('STALE_LEASE');
    expect(codeOf(() => transition(running, { ...release, by: { leaseToken: running.leaseToken + 1 } }, ctx()))).toBe('STALE_LEASE');
  });

  it('stores usage on completion and failure, null when none was reported', () => {
    const { running } = held();
    expect(transition(running, { type: 'complete', by: {}, result: 1, usage }, ctx()).event?.payload).toMatchObject({ usage });
    expect(transition(running, { type: 'fail', by: {}, reason: 'r', usage }, ctx()).event?.payload).toMatchObject({ usage });
    expect(transition(running, { type: 'complete', by: {}, result: 1 }, ctx()).event?.payload).toMatchObject({ usage: null });
    expect(transition(running, { type: 'requeue', reason: 'lease_expired' }, ctx()).event?.payload).toMatchObject({
      note: null,
      usage: null,
    });
  });
});

describe('transition: the documented paths', () => {
  it('counts attempts started: a running first attempt is attempt 1, a requeue gives it back, a failure keeps it', () => {
    const assigned = transition(pending({ maxAttempts: 3 }), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    expect(assigned.attempts).toBe(0);
    const running = transition(assigned, { type: 'start', by: { agentId: 'a1' } }, ctx()).task;
    expect(running.attempts).toBe(1);
    expect(transition(running, { type: 'requeue', reason: 'lease_expired' }, ctx()).task.attempts).toBe(0);
    const failed = transition(running, { type: 'fail', by: { agentId: 'a1' }, reason: 'red' }, ctx()).task;
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(transition(running, { type: 'complete', by: {}, result: null }, ctx()).task.attempts).toBe(1);
    expect(transition(assigned, { type: 'complete', by: {}, result: null }, ctx()).task.attempts).toBe(1);
  });

  it('refuses an agent that does not hold the task, in every state, before looking at the state', () => {
    for (const task of [pending(), pending({ status: 'COMPLETED' }), pending({ status: 'BLOCKED' })]) {
      for (const action of [
        { type: 'fail', by: { agentId: 'x' }, reason: 'r' },
        { type: 'start', by: { agentId: 'x' } },
        { type: 'complete', by: { agentId: 'x' }, result: null },
        { type: 'heartbeat', by: { agentId: 'x' } },
      ] as TaskAction[]) {
        expect(
          codeOf(() => transition(task, action, ctx())),
          `${action.type} on ${task.status}`,
        ).toBe('STALE_LEASE');
      }
    }
  });

  it('assigns a PENDING task, takes one slot, bumps version and fencing token, arms the offer timer', () => {
    const r = transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx());
    expect(r.task).toMatchObject({
      status: 'ASSIGNED',
      agent: 'a1',
      version: 2,
      leaseToken: 1,
      offerExpiresAt: T0 + DEFAULT_POLICY.offerTimeoutMs,
    });
    expect(r.slot).toEqual({ agentId: 'a1', delta: 1, outcome: null });
    expect(r.event?.type).toBe('task.assigned');
  });

  it('starts on the first progress report and renews the lease on later ones', () => {
    const assigned = transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    const running = transition(assigned, { type: 'progress', by: {}, progress: 40 }, ctx(T0 + 1000)).task;
    expect(running).toMatchObject({
      status: 'IN_PROGRESS',
      progress: 40,
      startedAt: T0 + 1000,
      leaseExpiresAt: T0 + 1000 + DEFAULT_POLICY.leaseMs,
      offerExpiresAt: null,
    });
    const later = transition(running, { type: 'progress', by: {}, progress: 250 }, ctx(T0 + 5000)).task;
    expect(later.progress).toBe(100);
    expect(later.leaseExpiresAt).toBe(T0 + 5000 + DEFAULT_POLICY.leaseMs);
  });

  it('completes and gives the slot back with the outcome counted', () => {
    const assigned = transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    const r = transition(assigned, { type: 'complete', by: {}, result: { pr: 12 } }, ctx(T0 + 10));
    expect(r.task).toMatchObject({ status: 'COMPLETED', progress: 100, completedAt: T0 + 10, result: { pr: 12 } });
    expect(r.slot).toEqual({ agentId: 'a1', delta: -1, outcome: 'completed' });
  });

  it('fails terminally with maxAttempts 1 (the seed default) and clears the agent so it can be retried', () => {
    const assigned = transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    const failed = transition(assigned, { type: 'fail', by: {}, reason: 'tests red' }, ctx()).task;
    expect(failed).toMatchObject({ status: 'FAILED', agent: null, attempts: 1, failureReason: 'tests red' });
    const retried = transition(failed, { type: 'retry' }, ctx()).task;
    expect(retried).toMatchObject({ status: 'PENDING', attempts: 0, failureReason: null });
  });

  it('with attempts left, a failure goes back to PENDING with exponential backoff and excludes the agent', () => {
    const t = pending({ maxAttempts: 3 });
    const a1 = transition(t, { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    const f1 = transition(a1, { type: 'fail', by: {}, reason: 'flaky' }, ctx()).task;
    expect(f1).toMatchObject({ status: 'PENDING', attempts: 1, retryAt: T0 + DEFAULT_POLICY.retryBaseMs, excludedAgents: ['a1'] });
    expect(codeOf(() => transition(f1, { type: 'assign', agentId: 'a2', decision: decision('a2') }, ctx()))).toBe(
      'TASK_INVALID_TRANSITION',
    );
    const ready = transition(f1, { type: 'backoff_over' }, ctx(T0 + DEFAULT_POLICY.retryBaseMs)).task;
    const a2 = transition(ready, { type: 'assign', agentId: 'a2', decision: decision('a2') }, ctx(T0 + DEFAULT_POLICY.retryBaseMs)).task;
    const f2 = transition(a2, { type: 'fail', by: {}, reason: 'flaky' }, ctx(T0 + 60_000)).task;
    expect(f2.retryAt).toBe(T0 + 60_000 + 2 * DEFAULT_POLICY.retryBaseMs);
  });

  it('refuses what the seed accepted: completing a never-assigned task, completing a FAILED one, failing a COMPLETED one', () => {
    const t = pending();
    expect(codeOf(() => transition(t, { type: 'complete', by: {}, result: null }, ctx()))).toBe('TASK_INVALID_TRANSITION');
    const failed = pending({ status: 'FAILED' });
    expect(codeOf(() => transition(failed, { type: 'complete', by: {}, result: null }, ctx()))).toBe('TASK_INVALID_TRANSITION');
    const done = pending({ status: 'COMPLETED' });
    expect(codeOf(() => transition(done, { type: 'fail', by: {}, reason: 'x' }, ctx()))).toBe('TASK_INVALID_TRANSITION');
  });

  it('refuses a report from a superseded holder (fencing token) with STALE_LEASE', () => {
    const assigned = transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task;
    expect(codeOf(() => transition(assigned, { type: 'start', by: { agentId: 'a2' } }, ctx()))).toBe('STALE_LEASE');
    expect(codeOf(() => transition(assigned, { type: 'complete', by: { agentId: 'a1', leaseToken: 0 }, result: null }, ctx()))).toBe(
      'STALE_LEASE',
    );
    expect(transition(assigned, { type: 'start', by: { agentId: 'a1', leaseToken: 1 } }, ctx()).task.status).toBe('IN_PROGRESS');
  });

  it('an SLA violation of a waiting task escalates it to the front rank, once', () => {
    const t = pending({ queueRank: 3, priority: 'P3' });
    const v = transition(t, { type: 'sla_violate' }, ctx()).task;
    expect(v).toMatchObject({ slaViolated: true, slaWarned: true, queueRank: 0 });
    expect(codeOf(() => transition(v, { type: 'sla_violate' }, ctx()))).toBe('TASK_INVALID_TRANSITION');
  });

  it('ages a waiting task one rank per step', () => {
    const t = pending({ queueRank: 3, priority: 'P3', promoteAt: T0 });
    const p = transition(t, { type: 'promote' }, ctx()).task;
    expect(p).toMatchObject({ queueRank: 2, promoteAt: T0 + DEFAULT_POLICY.agingStepMs, priority: 'P3' });
  });

  it('a heartbeat renews the lease without an event', () => {
    const running = transition(
      transition(pending(), { type: 'assign', agentId: 'a1', decision: decision('a1') }, ctx()).task,
      { type: 'start', by: {} },
      ctx(),
    ).task;
    const r = transition(running, { type: 'heartbeat', by: { agentId: 'a1' } }, ctx(T0 + 5000));
    expect(r.event).toBeNull();
    expect(r.task.leaseExpiresAt).toBe(T0 + 5000 + DEFAULT_POLICY.leaseMs);
  });
});

// ------------------------------------------------------------------ properties

interface Model {
  tasks: Task[];
  agents: Agent[];
  now: number;
}

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('assign' as const), task: fc.nat(7), agent: fc.nat(3) }),
  fc.record({ kind: fc.constantFrom('start' as const, 'complete' as const, 'reject' as const, 'heartbeat' as const), task: fc.nat(7) }),
  fc.record({ kind: fc.constant('progress' as const), task: fc.nat(7), progress: fc.double({ min: -50, max: 250, noNaN: true }) }),
  fc.record({ kind: fc.constant('fail' as const), task: fc.nat(7) }),
  fc.record({
    kind: fc.constantFrom(
      'requeue' as const,
      'cancel' as const,
      'retry' as const,
      'unblock' as const,
      'backoff_over' as const,
      'sla_warn' as const,
      'sla_violate' as const,
      'promote' as const,
    ),
    task: fc.nat(7),
  }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3_600_000 }) }),
);

type Op = { kind: string; agent?: number; progress?: number };

function actionFor(op: Op, model: Model, task: Task): TaskAction | null {
  switch (op.kind) {
    case 'assign': {
      const agent = model.agents[op.agent ?? 0];
      // The store refuses a slot the agent does not have; the model does the same.
      if (agent === undefined || !isEligible(task, agent)) return null;
      return { type: 'assign', agentId: agent.id, decision: decision(agent.id) };
    }
    case 'start':
    case 'heartbeat':
      return { type: op.kind, by: {} };
    case 'complete':
      return { type: 'complete', by: {}, result: null };
    case 'reject':
      return { type: 'reject', by: {}, reason: 'busy' };
    case 'progress':
      return { type: 'progress', by: {}, progress: op.progress ?? 0 };
    case 'fail':
      return { type: 'fail', by: {}, reason: 'boom' };
    case 'requeue':
      return { type: 'requeue', reason: 'lease_expired' };
    case 'cancel':
      return { type: 'cancel', reason: null };
    case 'retry':
    case 'unblock':
    case 'backoff_over':
    case 'sla_warn':
    case 'sla_violate':
    case 'promote':
      return { type: op.kind };
    default:
      return null;
  }
}

describe('transition: properties over random operation sequences', () => {
  it('never reaches an invalid state, never loses a task, never exceeds an agent capacity', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
        (ops, caps) => {
          const model: Model = {
            now: T0,
            agents: caps.map((max, i) =>
              newAgent({ id: `a${i}`, name: `Agent ${i}`, maxConcurrentTasks: max, capabilities: i % 2 === 0 ? ['testing'] : [] }, T0),
            ),
            tasks: Array.from({ length: 8 }, (_, i) =>
              newTask(
                {
                  title: `t${i}`,
                  priority: (['P0', 'P1', 'P2', 'P3'] as const)[i % 4],
                  requiredCapabilities: i % 3 === 0 ? ['testing'] : [],
                  maxAttempts: 1 + (i % 3),
                },
                { seq: i + 1, now: T0, policy: DEFAULT_POLICY, blocked: i === 7 },
              ),
            ),
          };
          for (const op of ops) {
            if (op.kind === 'tick') {
              model.now += op.ms;
              continue;
            }
            const index = op.task;
            const task = model.tasks[index];
            if (task === undefined) continue;
            const action = actionFor(op, model, task);
            if (action === null) continue;
            let result;
            try {
              result = transition(task, action, { now: model.now, policy: DEFAULT_POLICY });
            } catch (err) {
              expect(err).toBeInstanceOf(SwitchboardError);
              continue;
            }
            expect(result.task.version).toBe(task.version + 1);
            expect(result.task.id).toBe(task.id);
            if (TERMINAL_STATUSES.has(task.status) && task.status !== 'FAILED')
              throw new Error(`left terminal ${task.status} via ${action.type}`);
            model.tasks[index] = result.task;
            if (result.slot !== null) {
              const agent = model.agents.find((a) => a.id === result.slot?.agentId);
              if (agent === undefined) throw new Error('slot change for unknown agent');
              agent.load += result.slot.delta;
            }
          }
          expect(model.tasks).toHaveLength(8);
          for (const t of model.tasks) {
            expect(t.progress).toBeGreaterThanOrEqual(0);
            expect(t.progress).toBeLessThanOrEqual(100);
            if (HELD_STATUSES.has(t.status)) expect(t.agent).not.toBeNull();
            if (t.status === 'PENDING' || t.status === 'BLOCKED' || t.status === 'FAILED') expect(t.agent).toBeNull();
            expect(t.attempts).toBeLessThanOrEqual(t.maxAttempts);
          }
          for (const a of model.agents) {
            const held = model.tasks.filter((t) => HELD_STATUSES.has(t.status) && t.agent === a.id).length;
            expect(a.load).toBe(held);
            expect(a.load).toBeLessThanOrEqual(a.maxConcurrentTasks);
            expect(a.load).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
