import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { SwitchboardError } from '../../src/core/errors.js';
import { startOrchestrator, type OrchestratorHarness } from '../support/orchestrator-harness.js';

const OP = 'test';
let h: OrchestratorHarness;
afterEach(async () => h?.close());

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return err instanceof SwitchboardError ? err.code : String(err);
  }
  return undefined;
}

describe('automatic dispatch (event-driven)', () => {
  it('assigns a new task to the best eligible agent at once and stores why', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'tester', name: 'Tester', capabilities: ['testing'], reliability: 0.98, maxConcurrentTasks: 2 }, OP);
    await o.registerAgent({ id: 'writer', name: 'Writer', capabilities: ['docs'], reliability: 0.99 }, OP);
    const task = await o.createTask({ title: 'Add tests', requiredCapabilities: ['Testing'] }, OP);
    await h.advance(0);
    const after = await o.getTask(task.id);
    expect(after).toMatchObject({ status: 'ASSIGNED', agent: 'tester' });
    expect(after.assignment).toMatchObject({ mode: 'auto', chosen: { agentId: 'tester' }, consideredCount: 1 });
    expect(h.types((p) => p.event.taskId === task.id)).toEqual(['task.created', 'task.assigned']);
    expect((await o.getAgent('tester')).currentTasks).toEqual([task.id]);
  });

  it('a freed slot pulls the next task in queue order (priority first)', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'solo', name: 'Solo' }, OP);
    const first = await o.createTask({ title: 'first', priority: 'P2' }, OP);
    await h.advance(0);
    const low = await o.createTask({ title: 'low', priority: 'P3' }, OP);
    const urgent = await o.createTask({ title: 'urgent', priority: 'P0' }, OP);
    await h.advance(0);
    expect((await o.getTask(first.id)).agent).toBe('solo');
    await o.completeTask(first.id, null, {}, OP);
    await h.advance(0);
    expect((await o.getTask(urgent.id)).status).toBe('ASSIGNED');
    expect((await o.getTask(low.id)).status).toBe('PENDING');
  });

  it('never exceeds capacity under a burst of creates', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', maxConcurrentTasks: 3 }, OP);
    await o.registerAgent({ id: 'b', name: 'B', maxConcurrentTasks: 2 }, OP);
    await Promise.all(Array.from({ length: 20 }, (_, i) => o.createTask({ title: `t${i}` }, OP)));
    await h.advance(0);
    const agents = await o.listAgents();
    expect(agents.map((a) => [a.id, a.load, a.currentTasks.length])).toEqual([
      ['a', 3, 3],
      ['b', 2, 2],
    ]);
    expect((await o.metrics()).byStatus.PENDING).toBe(15);
  });

  it('unblocks dependents when their dependencies complete', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', maxConcurrentTasks: 5 }, OP);
    const base = await o.createTask({ title: 'schema' }, OP);
    const dependent = await o.createTask({ title: 'api', dependsOn: [base.id] }, OP);
    await h.advance(0);
    expect((await o.getTask(dependent.id)).status).toBe('BLOCKED');
    await o.completeTask(base.id, null, {}, OP);
    await h.advance(0);
    expect((await o.getTask(dependent.id)).status).toBe('ASSIGNED');
    expect(await codeOf(o.createTask({ title: 'x', dependsOn: ['TASK-999'] }, OP))).toBe('DEPENDENCY_NOT_FOUND');
  });
});

describe('dependencies that end without completing', () => {
  it('a final failure cancels the waiting dependents, cascading, each with an event naming its dependency', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    const base = await o.createTask({ title: 'schema' }, OP);
    const api = await o.createTask({ title: 'api', dependsOn: [base.id] }, OP);
    const ui = await o.createTask({ title: 'ui', dependsOn: [api.id] }, OP);
    const unrelated = await o.createTask({ title: 'docs' }, OP);
    await o.failTask(base.id, 'schema is wrong', {}, OP);
    expect((await o.getTask(api.id)).status).toBe('CANCELLED');
    expect((await o.getTask(ui.id)).status).toBe('CANCELLED');
    expect((await o.getTask(unrelated.id)).status).toBe('PENDING');
    const cancelled = h.published.filter((p) => p.event.type === 'task.cancelled').map((p) => [p.event.taskId, p.event.payload]);
    expect(cancelled).toEqual([
      [api.id, { reason: `dependency ${base.id} failed`, dependency: base.id }],
      [ui.id, { reason: `dependency ${api.id} was cancelled`, dependency: api.id }],
    ]);
  });

  it('a failure with attempts left leaves dependents waiting; a cancellation cancels them', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    const base = await o.createTask({ title: 'flaky', maxAttempts: 2 }, OP);
    const dependent = await o.createTask({ title: 'after', dependsOn: [base.id] }, OP);
    await o.failTask(base.id, 'flaked', {}, OP);
    expect((await o.getTask(dependent.id)).status).toBe('BLOCKED');
    await o.cancelTask(base.id, 'not needed', OP);
    expect((await o.getTask(dependent.id)).status).toBe('CANCELLED');
    expect(await codeOf(o.createTask({ title: 'late', dependsOn: [base.id] }, OP))).toBe('VALIDATION_FAILED');
  });
});

describe('editing dependencies while a task waits', () => {
  it('blocks a pending task on an open dependency and unblocks it when the list is emptied', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    const first = await o.createTask({ title: 'first' }, OP);
    const second = await o.createTask({ title: 'second' }, OP);
    expect((await o.updateTask(second.id, { dependsOn: [first.id] }, OP)).status).toBe('BLOCKED');
    expect((await o.updateTask(second.id, { dependsOn: [] }, OP)).status).toBe('PENDING');
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    await o.assignTask(first.id, { agentId: 'a' }, OP);
    await o.completeTask(first.id, null, {}, OP);
    expect((await o.updateTask(second.id, { dependsOn: [first.id] }, OP)).status).toBe('PENDING');
  });

  it('refuses a cycle, an unknown id, and an edit once the task has been offered', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    const a = await o.createTask({ title: 'a' }, OP);
    const b = await o.createTask({ title: 'b', dependsOn: [a.id] }, OP);
    const c = await o.createTask({ title: 'c', dependsOn: [b.id] }, OP);
    expect(await codeOf(o.updateTask(a.id, { dependsOn: [c.id] }, OP))).toBe('DEPENDENCY_CYCLE');
    expect(await codeOf(o.updateTask(a.id, { dependsOn: [a.id] }, OP))).toBe('DEPENDENCY_CYCLE');
    expect(await codeOf(o.updateTask(a.id, { dependsOn: ['TASK-404'] }, OP))).toBe('DEPENDENCY_NOT_FOUND');
    expect((await o.getTask(a.id)).dependsOn).toEqual([]);
    await o.assignTask(a.id, { agentId: 'a' }, OP);
    expect(await codeOf(o.updateTask(a.id, { dependsOn: [] }, OP))).toBe('TASK_INVALID_TRANSITION');
  });
});

describe('manual dispatch', () => {
  it('assigns nothing by itself; queue/next skips groups no agent can serve (no head-of-line blocking)', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'web', name: 'Web', capabilities: ['react'] }, OP);
    const impossible = await o.createTask({ title: 'devcontainer', priority: 'P0', requiredCapabilities: ['docker'] }, OP);
    const doable = await o.createTask({ title: 'qr scanner', priority: 'P2', requiredCapabilities: ['react'] }, OP);
    await h.advance(0);
    expect((await o.getTask(doable.id)).status).toBe('PENDING');
    const next = await o.processNext(OP);
    expect(next?.task.id).toBe(doable.id);
    expect(await o.processNext(OP)).toBeNull();
    expect((await o.getTask(impossible.id)).status).toBe('PENDING');
  });

  it('manual assign: returns an already-assigned task unchanged, refuses an ineligible agent, force overrides and flags overload', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', capabilities: ['go'] }, OP);
    const t1 = await o.createTask({ title: 'one' }, OP);
    const t2 = await o.createTask({ title: 'two', requiredCapabilities: ['rust'] }, OP);
    const first = await o.assignTask(t1.id, {}, OP);
    expect(first).toMatchObject({ changed: true, agent: { id: 'a', currentTasks: [t1.id] } });
    expect((await o.assignTask(t1.id, {}, OP)).changed).toBe(false);
    expect(await codeOf(o.assignTask(t2.id, {}, OP))).toBe('NO_AVAILABLE_AGENT');
    expect(await codeOf(o.assignTask(t2.id, { agentId: 'a' }, OP))).toBe('AGENT_NOT_ELIGIBLE');
    const forced = await o.assignTask(t2.id, { agentId: 'a', force: true }, OP);
    expect(forced.agent).toMatchObject({ load: 2, overloaded: true });
    expect(h.types().filter((t) => t === 'agent.overloaded')).toHaveLength(1);
  });
});

describe('timers (fake clock)', () => {
  it('an offer not started in time goes back to the queue', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    const t = await o.createTask({ title: 't' }, OP);
    await o.assignTask(t.id, {}, OP);
    await h.advance(DEFAULT_POLICY.offerTimeoutMs - 1);
    expect((await o.getTask(t.id)).status).toBe('ASSIGNED');
    await h.advance(1);
    expect(await o.getTask(t.id)).toMatchObject({ status: 'PENDING', agent: null });
    expect((await o.getAgent('a')).load).toBe(0);
    expect(h.published.find((p) => p.event.type === 'task.requeued')?.event.payload).toMatchObject({ reason: 'offer_expired' });
  });

  it('a silent agent loses its lease: the task is requeued, the agent goes OFFLINE, and a heartbeat brings it back', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    const t = await o.createTask({ title: 't' }, OP);
    await o.assignTask(t.id, {}, OP);
    await o.startTask(t.id, { agentId: 'a' }, OP);
    await h.advance(DEFAULT_POLICY.leaseMs / 2);
    await o.heartbeat('a', OP);
    await h.advance(DEFAULT_POLICY.leaseMs - 1);
    expect((await o.getTask(t.id)).status).toBe('IN_PROGRESS');
    await h.advance(1);
    expect((await o.getTask(t.id)).status).toBe('PENDING');
    expect((await o.getAgent('a')).availability).toBe('OFFLINE');
    expect(await codeOf(o.completeTask(t.id, null, { agentId: 'a' }, OP))).toBe('STALE_LEASE');
    await o.heartbeat('a', OP);
    expect((await o.getAgent('a')).availability).toBe('AVAILABLE');
  });

  it('fires the SLA warning at 80% and the violation at the deadline, once each, for waiting tasks too', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    const t = await o.createTask({ title: 't', priority: 'P0' }, OP);
    const hour = DEFAULT_POLICY.slaByPriorityMs.P0;
    await h.advance(hour * 0.8 - 1);
    expect(h.types().filter((x) => x.startsWith('task.sla'))).toEqual([]);
    await h.advance(1);
    expect(h.types().filter((x) => x.startsWith('task.sla'))).toEqual(['task.sla_warning']);
    await h.advance(hour * 0.2);
    await h.advance(hour * 10);
    expect(h.types().filter((x) => x.startsWith('task.sla'))).toEqual(['task.sla_warning', 'task.sla_violated']);
    expect((await o.getTask(t.id)).slaViolated).toBe(true);
    expect((await o.metrics()).slaViolated).toBe(1);
  });

  it('timers survive a restart: they are rebuilt from the store', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const t = await h.orchestrator.createTask({ title: 't', priority: 'P0' }, OP);
    h = await h.restart();
    await h.advance(DEFAULT_POLICY.slaByPriorityMs.P0);
    expect(h.types()).toEqual(['task.sla_warning', 'task.sla_violated']);
    expect((await h.orchestrator.getTask(t.id)).slaViolated).toBe(true);
  });

  it('retries a failed attempt after backoff with another agent', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', reliability: 0.99 }, OP);
    const t = await o.createTask({ title: 't', maxAttempts: 2 }, OP);
    await h.advance(0);
    expect((await o.getTask(t.id)).agent).toBe('a');
    await o.registerAgent({ id: 'b', name: 'B', reliability: 0.5 }, OP);
    await o.failTask(t.id, 'flaky', { agentId: 'a' }, OP);
    await h.advance(0);
    expect(await o.getTask(t.id)).toMatchObject({ status: 'PENDING', attempts: 1, excludedAgents: ['a'] });
    await h.advance(DEFAULT_POLICY.retryBaseMs);
    expect(await o.getTask(t.id)).toMatchObject({ status: 'ASSIGNED', agent: 'b' });
    expect((await o.getAgent('a')).failedCount).toBe(1);
  });

  it('ages a waiting P3 task one rank per step', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const t = await h.orchestrator.createTask({ title: 'low', priority: 'P3' }, OP);
    await h.advance(DEFAULT_POLICY.agingStepMs);
    expect((await h.orchestrator.getTask(t.id)).queueRank).toBe(2);
    await h.advance(DEFAULT_POLICY.agingStepMs);
    expect((await h.orchestrator.getTask(t.id)).queueRank).toBe(1);
    expect((await h.orchestrator.getTask(t.id)).priority).toBe('P3');
  });
});

describe('agents', () => {
  it('removing an agent requeues what it held, and the queue moves on to another agent', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    const t = await o.createTask({ title: 't' }, OP);
    await h.advance(0);
    await o.registerAgent({ id: 'b', name: 'B' }, OP);
    expect(await o.removeAgent('a', OP)).toEqual({ requeued: [t.id] });
    await h.advance(0);
    expect(await o.getTask(t.id)).toMatchObject({ status: 'ASSIGNED', agent: 'b' });
  });

  it('PAUSED and OFFLINE agents keep their tasks but get no new work; ACTIVE makes them available again', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', maxConcurrentTasks: 2 }, OP);
    const t1 = await o.createTask({ title: 't1' }, OP);
    await h.advance(0);
    await o.setAgentStatus('a', 'PAUSED', OP);
    const t2 = await o.createTask({ title: 't2' }, OP);
    await h.advance(0);
    expect((await o.getTask(t1.id)).agent).toBe('a');
    expect((await o.getTask(t2.id)).status).toBe('PENDING');
    await o.setAgentStatus('a', 'ACTIVE', OP);
    await h.advance(0);
    expect((await o.getTask(t2.id)).agent).toBe('a');
  });

  it('lowering capacity below the load raises agent.overloaded once', async () => {
    h = await startOrchestrator();
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', maxConcurrentTasks: 3 }, OP);
    for (let i = 0; i < 3; i++) await o.createTask({ title: `t${i}` }, OP);
    await h.advance(0);
    await o.updateAgent('a', { maxConcurrentTasks: 1 }, OP);
    await o.updateAgent('a', { name: 'A2' }, OP);
    expect(h.types().filter((t) => t === 'agent.overloaded')).toHaveLength(1);
    expect((await o.getAgent('a')).overloaded).toBe(true);
  });

  it('claim (pull mode) assigns and starts the first task it may take, and waits for one to arrive', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', capabilities: ['go'] }, OP);
    await o.createTask({ title: 'not mine', requiredCapabilities: ['rust'] }, OP);
    const waiting = o.claim('a', { waitMs: 30_000 }, 'agent:a');
    const mine = await o.createTask({ title: 'mine', requiredCapabilities: ['go'] }, OP);
    const claimed = await waiting;
    expect(claimed).toMatchObject({ id: mine.id, status: 'IN_PROGRESS', agent: 'a' });
    expect(claimed?.assignment?.mode).toBe('claim');
    const none = o.claim('a', { waitMs: 1000 }, 'agent:a');
    await h.advance(1000);
    expect(await none).toBeNull();
  });

  it('refuses a report from an agent that no longer holds the task (fencing)', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A' }, OP);
    await o.registerAgent({ id: 'b', name: 'B' }, OP);
    const t = await o.createTask({ title: 't' }, OP);
    await o.assignTask(t.id, { agentId: 'a' }, OP);
    expect(await codeOf(o.completeTask(t.id, null, { agentId: 'b' }, OP))).toBe('STALE_LEASE');
    expect((await o.getTask(t.id)).status).toBe('ASSIGNED');
  });
});

describe('reports', () => {
  it('metrics and the delegation report agree, including the assigned bucket the seed lacked', async () => {
    h = await startOrchestrator({ dispatch: 'manual' });
    const o = h.orchestrator;
    await o.registerAgent({ id: 'a', name: 'A', maxConcurrentTasks: 3 }, OP);
    const [t1, t2] = [await o.createTask({ title: 't1' }, OP), await o.createTask({ title: 't2' }, OP)];
    await o.createTask({ title: 't3', priority: 'P0' }, OP);
    await o.assignTask(t1.id, {}, OP);
    await o.assignTask(t2.id, {}, OP);
    await o.completeTask(t1.id, null, {}, OP);
    await o.completeTask(t1.id, null, {}, OP).catch(() => undefined);
    const [m, r] = [await o.metrics(), await o.delegationReport()];
    expect(m).toMatchObject({ totalTasks: 3, completedTasks: 1, failedTasks: 0, activeAgents: 1 });
    expect(r.summary).toMatchObject({ totalTasks: 3, completed: 1, assigned: 1, pending: 1, inProgress: 0 });
    expect(r.tasksByPriority).toEqual({ P0: 1, P1: 0, P2: 2, P3: 0 });
    expect(r.agents).toEqual([{ id: 'a', name: 'A', status: 'ACTIVE', currentLoad: '1/3', reliability: '91%' }]);
    expect(r.recentActivity.map((x) => x.id)).toEqual([t1.id, t2.id]);
  });
});
