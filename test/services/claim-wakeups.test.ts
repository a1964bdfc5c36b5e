import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task.js';
import { startOrchestrator, type OrchestratorHarness } from '../support/orchestrator-harness.js';

/**
 * Long-polling claims and what wakes them (ClaimWaiters): one new task wakes one waiting
 * claim, never all of them, and a wake-up that finds nothing writes nothing. Units of work
 * are counted at the store (every committed batch reports its size).
 */
const OP = 'test';
const AGENTS = 10;
let h: OrchestratorHarness;
afterEach(async () => h?.close());

function countUnits(harness: OrchestratorHarness): { units: number } {
  const counter = { units: 0 };
  harness.store.onCommit((units) => (counter.units += units));
  return counter;
}

/** Real time for the store and the promise chain to settle (the fake clock drives only timers). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('waiting claims', () => {
  it(`one new task wakes one of ${AGENTS} waiting claims; the others stay asleep and cost nothing until they time out`, async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    for (let i = 0; i < AGENTS; i++) await o.registerAgent({ id: `a${i}`, name: `A${i}`, capabilities: ['go'] }, OP);
    const counter = countUnits(h);
    const claims = Array.from({ length: AGENTS }, (_, i) => o.claim(`a${i}`, { waitMs: 30_000 }, `agent:a${i}`));
    const outcomes: (Task | null)[] = [];
    claims.forEach((c) => void c.then((t) => outcomes.push(t)));
    await expect.poll(() => counter.units).toBe(AGENTS);
    await settle();

    const task = await o.createTask({ title: 'one', requiredCapabilities: ['go'] }, OP);
    await expect.poll(() => outcomes.length).toBe(1);
    await settle();
    expect(outcomes[0]).toMatchObject({ id: task.id, status: 'IN_PROGRESS' });
    // The create and the one claim that took the task: no other claim ran a transaction.
    expect(counter.units).toBe(AGENTS + 2);

    await h.advance(30_000);
    await Promise.all(claims);
    expect(outcomes.filter((t) => t === null)).toHaveLength(AGENTS - 1);
  });

  it('a burst of tasks wakes as many claims as there are tasks, and each task is taken once', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    for (let i = 0; i < AGENTS; i++) await o.registerAgent({ id: `a${i}`, name: `A${i}` }, OP);
    const claims = Array.from({ length: AGENTS }, (_, i) => o.claim(`a${i}`, { waitMs: 30_000 }, `agent:a${i}`));
    await settle();
    const created = await Promise.all(Array.from({ length: 4 }, (_, i) => o.createTask({ title: `t${i}` }, OP)));
    const done: Task[] = [];
    claims.forEach((c) => void c.then((t) => t !== null && done.push(t)));
    await expect.poll(() => done.length).toBe(4);
    expect(done.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
    expect(new Set(done.map((t) => t.agent)).size).toBe(4);
    await h.advance(30_000);
    await Promise.all(claims);
  });

  it('passes over a paused agent: the task goes to a claim that can take it', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'paused', name: 'Paused' }, OP);
    await o.registerAgent({ id: 'ready', name: 'Ready' }, OP);
    const first = o.claim('paused', { waitMs: 30_000 }, 'agent:paused');
    await settle();
    const second = o.claim('ready', { waitMs: 30_000 }, 'agent:ready');
    await settle();
    await o.setAgentStatus('paused', 'PAUSED', OP);
    await settle();
    const task = await o.createTask({ title: 'for whoever can' }, OP);
    expect(await second).toMatchObject({ id: task.id, agent: 'ready' });
    await h.advance(30_000);
    expect(await first).toBeNull();
  });

  it('a task in retry backoff wakes a waiting claim when its backoff ends, not before', async () => {
    h = await startOrchestrator({ dispatch: 'manual', policy: { retryBaseMs: 5_000 } });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    await o.registerAgent({ id: 'b', name: 'B' }, OP);
    const task = await o.createTask({ title: 'flaky', maxAttempts: 3 }, OP);
    expect(await o.claim('a', { waitMs: 0 }, 'agent:a')).toMatchObject({ id: task.id });
    await o.failTask(task.id, 'flaked', { agentId: 'a' }, 'agent:a');
    const waiting = o.claim('b', { waitMs: 60_000 }, 'agent:b');
    let taken: Task | null = null;
    void waiting.then((t) => (taken = t));
    await h.advance(4_000);
    await settle();
    expect(taken).toBeNull();
    await h.advance(1_000);
    await expect.poll(() => taken).toMatchObject({ id: task.id, agent: 'b', status: 'IN_PROGRESS' });
  });
});
