import { describe, expect, it } from 'vitest';
import { AgentNotEligibleError } from '../../core/errors.js';
import { newAgent, newTask } from '../../core/factories.js';
import type { StoreTx } from '../../core/ports.js';
import { transition } from '../../core/state-machine.js';
import type { Task } from '../../core/task.js';
import { T0, assignAction, codeOf, createAgent, createTask, policy, type StoreHarness } from './fixtures.js';

const RACERS = 20;

/** Atomicity, isolation of uncommitted writes, and the races the guards exist for. */
export function transactionCases(h: StoreHarness): void {
  /** The assignment transaction of the dispatcher: guarded task update, then the agent's slot. */
  async function assignIn(tx: StoreTx, task: Task, agentId: string): Promise<Task> {
    const result = transition(task, assignAction(agentId), { now: T0, policy });
    await tx.tasks.update({ next: result.task, expected: { status: task.status, version: task.version } });
    const agent = await tx.agents.adjustLoad({ agentId, delta: 1, outcome: null, force: false, now: T0 });
    if (agent === null) throw new AgentNotEligibleError(agentId, task.id, 'it has no free slot');
    if (result.event !== null) await tx.events.append({ draft: result.event, at: T0, actor: 'racer' });
    return result.task;
  }

  async function totalLoad(): Promise<number> {
    return (await h.store.agents.list()).reduce((sum, a) => sum + a.load, 0);
  }

  describe('store', () => {
    it('declares its dialect and capabilities', () => {
      const caps = h.store.capabilities;
      expect(['sqlite', 'postgres']).toContain(caps.dialect);
      expect(typeof caps.listenNotify).toBe('boolean');
      expect(typeof caps.concurrentWriters).toBe('boolean');
    });

    it('migrate() again is a no-op that keeps the data', async () => {
      const task = await createTask(h.store);
      await h.store.migrate();
      expect(await h.store.tasks.get({ id: task.id })).toEqual(task);
      expect(await h.store.transaction((tx) => tx.tasks.allocateSeq())).toBe(task.seq + 1);
    });
  });

  describe('transactions', () => {
    it('returns the value of the callback and commits its writes', async () => {
      const value = await h.store.transaction(async (tx) => {
        const seq = await tx.tasks.allocateSeq();
        await tx.tasks.insert(newTask({ title: 'committed' }, { seq, now: T0, policy, blocked: false }));
        return { seq };
      });
      expect(value).toEqual({ seq: 1 });
      expect((await h.store.tasks.get({ id: 'TASK-001' }))?.title).toBe('committed');
    });

    it('keeps nothing a throwing callback wrote, and passes its error through unchanged', async () => {
      const boom = new Error('boom');
      const err = await h.store
        .transaction(async (tx) => {
          await tx.tasks.insert(newTask({ title: 'doomed' }, { seq: await tx.tasks.allocateSeq(), now: T0, policy, blocked: false }));
          await tx.agents.insert(newAgent({ id: 'doomed-agent', name: 'Doomed', capabilities: ['x'] }, T0));
          await tx.events.append({
            draft: {
              type: 'task.created',
              taskId: 'TASK-001',
              agentId: null,
              payload: { title: 'doomed', priority: 'P2', status: 'PENDING' },
            },
            at: T0,
            actor: 't',
          });
          await tx.idempotency.put({ key: 'doomed-key', requestHash: 'h', statusCode: 201, body: null, createdAt: T0 });
          expect(await tx.tasks.get({ id: 'TASK-001' })).not.toBeNull();
          throw boom;
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBe(boom);
      expect(await h.store.tasks.get({ id: 'TASK-001' })).toBeNull();
      expect(await h.store.tasks.list({ limit: 10 })).toEqual([]);
      expect(await h.store.agents.get({ id: 'doomed-agent' })).toBeNull();
      expect(await h.store.agents.listCandidates({ requiredCapabilities: ['x'], excluded: [], limit: 10 })).toEqual([]);
      expect(await h.store.events.lastId()).toBe(0);
      expect(await h.store.events.list({ order: 'asc', limit: 10 })).toEqual([]);
      expect(await h.store.idempotency.get({ key: 'doomed-key' })).toBeNull();
      const after = await createTask(h.store, { title: 'after' });
      expect(await h.store.tasks.get({ id: after.id })).toEqual(after);
    });

    it('rolls back earlier writes when a guarded write in the same transaction conflicts', async () => {
      const task = await createTask(h.store);
      const err = await h.store
        .transaction(async (tx) => {
          await tx.agents.insert(newAgent({ id: 'half', name: 'Half' }, T0));
          await tx.tasks.update({ next: { ...task, title: 'x', version: 99 }, expected: { status: task.status, version: 98 } });
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(codeOf(err)).toBe('VERSION_CONFLICT');
      expect(await h.store.agents.get({ id: 'half' })).toBeNull();
      expect(await h.store.tasks.get({ id: task.id })).toEqual(task);
    });

    it('reads inside a transaction see its writes; reads on the store see only committed data', async () => {
      let resume: () => void = () => undefined;
      const gate = new Promise<void>((r) => {
        resume = r;
      });
      let signalInserted: () => void = () => undefined;
      const inserted = new Promise<void>((r) => {
        signalInserted = r;
      });
      const task = newTask({ title: 'in flight' }, { seq: 1, now: T0, policy, blocked: false });
      const pending = h.store.transaction(async (tx) => {
        try {
          expect(await tx.tasks.allocateSeq()).toBe(1);
          await tx.tasks.insert(task);
          return await tx.tasks.get({ id: task.id });
        } finally {
          signalInserted();
          await gate;
        }
      });
      await inserted;
      expect(await h.store.tasks.get({ id: task.id })).toBeNull();
      expect(await h.store.tasks.countByStatus()).toMatchObject({ PENDING: 0 });
      resume();
      expect(await pending).toEqual(task);
      expect(await h.store.tasks.get({ id: task.id })).toEqual(task);
    });
  });

  describe('concurrent claimers', () => {
    it(`${RACERS} claimers with the same snapshot of one task: exactly one wins, the rest get VERSION_CONFLICT`, async () => {
      const task = await createTask(h.store);
      for (let i = 0; i < RACERS; i += 1) await createAgent(h.store, { id: `agent-${i}`, name: `Agent ${i}`, maxConcurrentTasks: 1 });
      const snapshots = await Promise.all(Array.from({ length: RACERS }, () => h.store.tasks.get({ id: task.id })));
      const outcomes = await Promise.allSettled(
        snapshots.map((snap, i) => h.store.transaction((tx) => assignIn(tx, snap as Task, `agent-${i}`))),
      );
      const winners = outcomes.filter((o): o is PromiseFulfilledResult<Task> => o.status === 'fulfilled');
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers.map((l) => codeOf(l.reason))).toEqual(Array.from({ length: RACERS - 1 }, () => 'VERSION_CONFLICT'));
      const stored = await h.store.tasks.get({ id: task.id });
      expect(stored).toEqual(winners[0]?.value);
      expect(stored?.status).toBe('ASSIGNED');
      expect(stored?.version).toBe(task.version + 1);
      expect(await totalLoad()).toBe(1);
      expect((await h.store.agents.get({ id: stored?.agent ?? '' }))?.load).toBe(1);
      expect(await h.store.events.list({ types: ['task.assigned'], order: 'asc', limit: 100 })).toHaveLength(1);
    });

    it(`${RACERS} claimers reading the task inside their transaction: exactly one holder, one slot taken`, async () => {
      const task = await createTask(h.store);
      for (let i = 0; i < RACERS; i += 1) await createAgent(h.store, { id: `agent-${i}`, name: `Agent ${i}` });
      const outcomes = await Promise.allSettled(
        Array.from({ length: RACERS }, (_, i) =>
          h.store.transaction(async (tx) => {
            const current = await tx.tasks.get({ id: task.id });
            if (current === null) throw new Error('task vanished');
            return assignIn(tx, current, `agent-${i}`);
          }),
        ),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(winners).toHaveLength(1);
      // A loser that read before the winner committed hits the guard; one that read after is refused by the state machine.
      for (const l of losers) expect(['VERSION_CONFLICT', 'TASK_INVALID_TRANSITION']).toContain(codeOf(l.reason));
      expect(await totalLoad()).toBe(1);
      expect(
        (await h.store.tasks.listHeldBy({ agentId: (await h.store.tasks.get({ id: task.id }))?.agent ?? '' })).map((t) => t.id),
      ).toEqual([task.id]);
    });

    it(`${RACERS} tasks raced onto one agent with 3 slots: exactly 3 assigned, the rest roll back`, async () => {
      await createAgent(h.store, { id: 'solo', name: 'Solo', maxConcurrentTasks: 3 });
      const tasks: Task[] = [];
      for (let i = 0; i < RACERS; i += 1) tasks.push(await createTask(h.store));
      const outcomes = await Promise.allSettled(
        tasks.map((t) =>
          h.store.transaction(async (tx) => {
            const current = await tx.tasks.get({ id: t.id });
            if (current === null) throw new Error('task vanished');
            return assignIn(tx, current, 'solo');
          }),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(3);
      expect(refused.map((r) => codeOf(r.reason))).toEqual(Array.from({ length: RACERS - 3 }, () => 'AGENT_NOT_ELIGIBLE'));
      expect((await h.store.agents.get({ id: 'solo' }))?.load).toBe(3);
      expect(await h.store.tasks.countByStatus()).toMatchObject({ ASSIGNED: 3, PENDING: RACERS - 3 });
      expect(await h.store.tasks.listHeldBy({ agentId: 'solo' })).toHaveLength(3);
      for (const t of await h.store.tasks.list({ status: ['PENDING'], limit: 100 })) {
        expect(t.version).toBe(1);
        expect(t.agent).toBeNull();
      }
      expect(await h.store.events.list({ types: ['task.assigned'], order: 'asc', limit: 100 })).toHaveLength(3);
    });

    describe('concurrent units of work (group commit)', () => {
      const UNITS = 40;

      it(`${UNITS} concurrent units, every third failing: each failure is its own, its writes are gone, its neighbours keep theirs`, async () => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: UNITS }, (_, i) =>
            h.store.transaction(async (tx) => {
              await tx.agents.insert(newAgent({ id: `unit-${i}`, name: `Unit ${i}`, capabilities: [] }, T0));
              await tx.events.append({
                draft: {
                  type: 'agent.registered',
                  taskId: null,
                  agentId: `unit-${i}`,
                  payload: { name: `Unit ${i}`, capabilities: [], availability: 'AVAILABLE' },
                },
                at: T0,
                actor: 'unit',
              });
              if (i % 3 === 0) throw new Error(`unit ${i} fails`);
              return i;
            }),
          ),
        );
        outcomes.forEach((o, i) => {
          if (i % 3 === 0) expect(o).toMatchObject({ status: 'rejected', reason: { message: `unit ${i} fails` } });
          else expect(o).toEqual({ status: 'fulfilled', value: i });
        });
        const kept = (await h.store.agents.list()).map((a) => a.id).sort();
        const expected = Array.from({ length: UNITS }, (_, i) => i)
          .filter((i) => i % 3 !== 0)
          .map((i) => `unit-${i}`)
          .sort();
        expect(kept).toEqual(expected);
        const events = await h.store.events.list({ types: ['agent.registered'], order: 'asc', limit: 100 });
        expect(events.map((e) => e.agentId).sort()).toEqual(expected);
      });

      it('a unit that loses a guarded write fails alone; the unit that won it commits', async () => {
        const task = await createTask(h.store);
        await createAgent(h.store, { id: 'a1', name: 'A1' });
        await createAgent(h.store, { id: 'a2', name: 'A2' });
        const [first, second, bystander] = await Promise.allSettled([
          h.store.transaction((tx) => assignIn(tx, task, 'a1')),
          h.store.transaction((tx) => assignIn(tx, task, 'a2')),
          h.store.transaction(async (tx) => tx.tasks.allocateSeq()),
        ]);
        const outcomes = [first, second].map((o) => o?.status);
        expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
        const loser = [first, second].find((o) => o?.status === 'rejected') as PromiseRejectedResult;
        expect(codeOf(loser.reason)).toBe('VERSION_CONFLICT');
        expect(bystander).toEqual({ status: 'fulfilled', value: task.seq + 1 });
        const stored = await h.store.tasks.get({ id: task.id });
        expect(stored?.status).toBe('ASSIGNED');
        expect(((await h.store.agents.get({ id: 'a1' }))?.load ?? 0) + ((await h.store.agents.get({ id: 'a2' }))?.load ?? 0)).toBe(1);
      });

      it('concurrent units share commits: the store reports batches carrying several units, every unit counted once', async () => {
        const batches: number[] = [];
        h.store.onCommit((units) => batches.push(units));
        await Promise.all(Array.from({ length: UNITS }, () => h.store.transaction((tx) => tx.tasks.allocateSeq())));
        expect(batches.reduce((a, b) => a + b, 0)).toBe(UNITS);
        expect(Math.max(...batches)).toBeGreaterThan(1);
      });

      it('settles no unit before its writes are committed: a resolved unit is visible to a fresh read at once', async () => {
        const seen = await Promise.all(
          Array.from({ length: UNITS }, async (_, i) => {
            const id = `visible-${i}`;
            await h.store.transaction((tx) => tx.agents.insert(newAgent({ id, name: id, capabilities: [] }, T0)));
            return (await h.store.agents.get({ id })) !== null;
          }),
        );
        expect(seen.every(Boolean)).toBe(true);
      });
    });
  });
}
