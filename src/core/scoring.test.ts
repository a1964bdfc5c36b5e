import { describe, expect, it } from 'vitest';
import { normaliseCapabilities, normaliseCapability } from './capabilities.js';
import { newAgent, newTask } from './factories.js';
import { DEFAULT_POLICY } from './policy.js';
import { RECENCY_WINDOW_MS, SCORE_WEIGHTS, isEligible, parseEtaMs, rankAgents, scoreAgent, whyNoAgent } from './scoring.js';
import { compareQueueOrder } from './queue-order.js';

const T0 = Date.UTC(2026, 0, 1);
const task = (input: Parameters<typeof newTask>[0], seq = 1) => newTask(input, { seq, now: T0, policy: DEFAULT_POLICY, blocked: false });

describe('capabilities', () => {
  it('normalise to lower-kebab, de-duplicated and sorted', () => {
    expect(normaliseCapability('  Code Generation ')).toBe('code-generation');
    expect(normaliseCapability('CI_CD')).toBe('ci-cd');
    expect(normaliseCapabilities(['React', 'react', 'Front End'])).toEqual(['front-end', 'react']);
  });

  it('match exactly, never by substring (seed defect 4: "ai" satisfied "email")', () => {
    const t = task({ title: 'Send mail', requiredCapabilities: ['email'] });
    expect(isEligible(t, newAgent({ id: 'bot', name: 'AI bot', capabilities: ['ai'] }, T0))).toBe(false);
    expect(isEligible(t, newAgent({ id: 'mailer', name: 'Mailer', capabilities: ['Email'] }, T0))).toBe(true);
  });
});

describe('score', () => {
  it('has weights summing to 1, so every term share is readable', () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('prefers reliability, spare capacity and preferred capabilities, and shows every term', () => {
    const t = task({ title: 'Review', preferredCapabilities: ['review'] });
    const strong = newAgent({ id: 'strong', name: 'S', capabilities: ['review'], reliability: 0.95, maxConcurrentTasks: 4 }, T0);
    const weak = newAgent({ id: 'weak', name: 'W', capabilities: [], reliability: 0.6, maxConcurrentTasks: 4 }, T0);
    const ranked = rankAgents(t, [weak, strong], T0);
    expect(ranked.map((c) => c.agentId)).toEqual(['strong', 'weak']);
    expect(ranked[0]?.terms).toEqual({ capabilityFit: 1, reliability: 0.95, spareCapacity: 1, deadlineFit: 1, recency: 1 });
    expect(ranked[1]?.terms.capabilityFit).toBe(0);
  });

  it('learns reliability from outcomes (Bayesian, declared value as prior)', () => {
    const t = task({ title: 'x' });
    const agent = newAgent({ id: 'a', name: 'A', reliability: 0.9 }, T0);
    const after = { ...agent, failedCount: 10 };
    expect(scoreAgent(t, after, T0, null).terms.reliability).toBeCloseTo(0.45, 5);
  });

  it('spreads work: an agent just given work scores lower on recency', () => {
    const t = task({ title: 'x' });
    const a = { ...newAgent({ id: 'a', name: 'A' }, T0), lastAssignedAt: T0 - RECENCY_WINDOW_MS / 2 };
    expect(scoreAgent(t, a, T0, null).terms.recency).toBe(0.5);
  });

  it('penalises an agent predicted to miss the SLA deadline', () => {
    const t = task({ title: 'x', priority: 'P0', eta: '2h' });
    const busy = { ...newAgent({ id: 'a', name: 'A', maxConcurrentTasks: 3 }, T0), load: 1 };
    expect(scoreAgent(t, busy, T0, parseEtaMs(t.eta)).terms.deadlineFit).toBe(0.25);
  });

  it('excludes full, paused and excluded agents, and ties go to the lower id', () => {
    const t = { ...task({ title: 'x' }), excludedAgents: ['c'] };
    const agents = [
      newAgent({ id: 'b', name: 'B' }, T0),
      newAgent({ id: 'a', name: 'A' }, T0),
      newAgent({ id: 'c', name: 'C' }, T0),
      { ...newAgent({ id: 'd', name: 'D' }, T0), availability: 'PAUSED' as const },
      { ...newAgent({ id: 'e', name: 'E' }, T0), load: 1 },
    ];
    expect(rankAgents(t, agents, T0).map((c) => c.agentId)).toEqual(['a', 'b']);
  });

  it('reads the seed eta strings', () => {
    expect(parseEtaMs('30min')).toBe(1_800_000);
    expect(parseEtaMs('2-4h')).toBe(14_400_000);
    expect(parseEtaMs('soon')).toBeNull();
  });
});

describe('queue order', () => {
  it('is priority, then SLA deadline, then creation (seed defect 5: it was load order)', () => {
    const p3 = task({ title: 'p3', priority: 'P3' }, 1);
    const p1late = task({ title: 'p1 late', priority: 'P1', slaDeadline: T0 + 9e6 }, 2);
    const p1soon = task({ title: 'p1 soon', priority: 'P1', slaDeadline: T0 + 1e6 }, 3);
    const p1soon2 = task({ title: 'p1 soon too', priority: 'P1', slaDeadline: T0 + 1e6 }, 4);
    expect([p3, p1late, p1soon2, p1soon].sort(compareQueueOrder).map((t) => t.title)).toEqual(['p1 soon', 'p1 soon too', 'p1 late', 'p3']);
  });
});

describe('why no agent', () => {
  const agent = (id: string, capabilities: string[], extra: Partial<ReturnType<typeof newAgent>> = {}) => ({
    ...newAgent({ id, name: id, capabilities }, T0),
    ...extra,
  });

  it('says the only capable agent is excluded when it rejected or failed the task', () => {
    const t = { ...task({ title: 'Tests', requiredCapabilities: ['testing'] }), excludedAgents: ['claude-1'] };
    const why = whyNoAgent(t, [agent('claude-1', ['testing']), agent('gemini', ['docs'])]);
    expect(why).toBe('the only agent holding testing cannot take it (claude-1: already rejected or failed this task)');
  });

  it('names each capable agent with its own obstacle, and says when nobody holds the capabilities', () => {
    const t = task({ title: 'Go', requiredCapabilities: ['go'] });
    const why = whyNoAgent(t, [agent('a', ['go'], { availability: 'PAUSED' }), agent('b', ['go'], { load: 1, maxConcurrentTasks: 1 })]);
    expect(why).toBe('no agent holding go can take it (a: is PAUSED; b: is at capacity (1/1))');
    expect(whyNoAgent(task({ title: 'Hs', requiredCapabilities: ['haskell'] }), [agent('a', ['go'])])).toBe(
      'no registered agent holds haskell',
    );
    expect(whyNoAgent(t, [])).toBe('no agent is registered');
  });
});
