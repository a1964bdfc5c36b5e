import { describe, expect, it } from 'vitest';
import type { Agent } from '../../core/agent.js';
import { ConflictError } from '../../core/errors.js';
import { newAgent } from '../../core/factories.js';
import { T0, createAgent, ids, insertAgent, rejectionOf, type StoreHarness } from './fixtures.js';

/** Agent aggregate: round-trips, guarded update, the adjustLoad guard, candidate search. */
export function agentCases(h: StoreHarness): void {
  const adjust = (agentId: string, delta: 1 | -1, opts: { outcome?: 'completed' | 'failed' | null; force?: boolean; now?: number } = {}) =>
    h.store.transaction((tx) =>
      tx.agents.adjustLoad({ agentId, delta, outcome: opts.outcome ?? null, force: opts.force ?? false, now: opts.now ?? T0 + 100 }),
    );
  const setAvailability = async (agent: Agent, availability: Agent['availability']): Promise<Agent> => {
    const next = { ...agent, availability, version: agent.version + 1 };
    await h.store.transaction((tx) => tx.agents.update({ next, expectedVersion: agent.version }));
    return next;
  };

  describe('agents: round-trip, insert, update, delete', () => {
    it('stores and returns every field of an agent', async () => {
      const full: Agent = {
        ...newAgent(
          { id: 'claude-1', name: 'Claude “one”', kind: 'human', capabilities: ['TypeScript', 'SQL'], maxConcurrentTasks: 4 },
          T0,
        ),
        availability: 'PAUSED',
        load: 2,
        declaredReliability: 0.73,
        completedCount: 5,
        failedCount: 2,
        costPerHour: 12.5,
        lastHeartbeatAt: T0 + 1,
        lastAssignedAt: T0 + 2,
        overloaded: true,
        updatedAt: T0 + 3,
        version: 3,
      };
      await insertAgent(h.store, full);
      expect(await h.store.agents.get({ id: 'claude-1' })).toEqual(full);
      expect(await h.store.agents.list()).toEqual([full]);
      const plain = await createAgent(h.store, { id: 'plain', name: 'Plain' });
      expect(plain.costPerHour).toBeNull();
      expect(await h.store.agents.get({ id: 'plain' })).toEqual(plain);
      expect(await h.store.agents.get({ id: 'nobody' })).toBeNull();
    });

    it('refuses a second agent with the same id with ConflictError and keeps the first', async () => {
      const agent = await createAgent(h.store, { id: 'dup', name: 'First' });
      const err = await rejectionOf(insertAgent(h.store, { ...agent, name: 'Second' }));
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(await h.store.agents.get({ id: 'dup' })).toEqual(agent);
    });

    it('lists agents in registration order', async () => {
      await createAgent(h.store, { id: 'zeta', name: 'Z' }, T0);
      await createAgent(h.store, { id: 'alpha', name: 'A' }, T0 + 1);
      await createAgent(h.store, { id: 'mike', name: 'M' }, T0 + 2);
      expect(ids(await h.store.agents.list())).toEqual(['zeta', 'alpha', 'mike']);
    });

    it('update writes the descriptive fields and never load, counters or lastAssignedAt', async () => {
      const agent = await createAgent(h.store, { id: 'a', name: 'A', capabilities: ['x'], maxConcurrentTasks: 2 });
      const loaded = await adjust('a', 1, { now: T0 + 50 });
      expect(loaded?.load).toBe(1);
      const next: Agent = {
        ...agent,
        name: 'Renamed',
        kind: 'service',
        capabilities: ['y', 'z'],
        maxConcurrentTasks: 5,
        availability: 'OFFLINE',
        declaredReliability: 0.5,
        costPerHour: 3.25,
        lastHeartbeatAt: T0 + 60,
        overloaded: true,
        updatedAt: T0 + 70,
        version: agent.version + 1,
        load: 99,
        completedCount: 99,
        failedCount: 99,
        lastAssignedAt: 1,
      };
      await h.store.transaction((tx) => tx.agents.update({ next, expectedVersion: agent.version }));
      expect(await h.store.agents.get({ id: 'a' })).toEqual({
        ...next,
        load: 1,
        completedCount: 0,
        failedCount: 0,
        lastAssignedAt: T0 + 50,
      });
    });

    it('update throws VersionConflictError on a stale version or unknown id and changes nothing', async () => {
      const agent = await createAgent(h.store, { id: 'a', name: 'A' });
      const renamed = await setAvailability(agent, 'PAUSED');
      const stale = { ...agent, name: 'Stale', version: agent.version + 1 };
      const err = await rejectionOf(h.store.transaction((tx) => tx.agents.update({ next: stale, expectedVersion: agent.version })));
      expect(err).toMatchObject({ code: 'VERSION_CONFLICT' });
      expect(await h.store.agents.get({ id: 'a' })).toEqual(renamed);
      const ghost = { ...agent, id: 'ghost', version: 2 };
      expect(await rejectionOf(h.store.transaction((tx) => tx.agents.update({ next: ghost, expectedVersion: 1 })))).toMatchObject({
        code: 'VERSION_CONFLICT',
      });
      expect(await h.store.agents.get({ id: 'ghost' })).toBeNull();
    });

    it('delete removes the agent everywhere, and the id can be registered again', async () => {
      await createAgent(h.store, { id: 'gone', name: 'Gone', capabilities: ['x'] });
      await createAgent(h.store, { id: 'stays', name: 'Stays', capabilities: ['x'] }, T0 + 1);
      await h.store.transaction((tx) => tx.agents.delete({ id: 'gone' }));
      expect(await h.store.agents.get({ id: 'gone' })).toBeNull();
      expect(ids(await h.store.agents.list())).toEqual(['stays']);
      expect(ids(await h.store.agents.listCandidates({ requiredCapabilities: ['x'], excluded: [], limit: 10 }))).toEqual(['stays']);
      await createAgent(h.store, { id: 'gone', name: 'Back', capabilities: ['y'] }, T0 + 2);
      expect(ids(await h.store.agents.listCandidates({ requiredCapabilities: ['x'], excluded: [], limit: 10 }))).toEqual(['stays']);
      expect(ids(await h.store.agents.listCandidates({ requiredCapabilities: ['y'], excluded: [], limit: 10 }))).toEqual(['gone']);
      expect(ids(await h.store.agents.list())).toEqual(['stays', 'gone']);
    });
  });

  describe('agents: adjustLoad', () => {
    it('takes a slot: load +1, lastAssignedAt = now, version and descriptive fields untouched', async () => {
      const agent = await createAgent(h.store, { id: 'a', name: 'A', maxConcurrentTasks: 2 });
      const after = await adjust('a', 1, { now: T0 + 10 });
      expect(after).toEqual({ ...agent, load: 1, lastAssignedAt: T0 + 10, updatedAt: T0 + 10 });
      expect(await h.store.agents.get({ id: 'a' })).toEqual(after);
    });

    it('refuses (null) at capacity and changes nothing', async () => {
      await createAgent(h.store, { id: 'a', name: 'A', maxConcurrentTasks: 2 });
      expect((await adjust('a', 1, { now: T0 + 1 }))?.load).toBe(1);
      expect((await adjust('a', 1, { now: T0 + 2 }))?.load).toBe(2);
      expect(await adjust('a', 1, { now: T0 + 3 })).toBeNull();
      const agent = await h.store.agents.get({ id: 'a' });
      expect(agent?.load).toBe(2);
      expect(agent?.lastAssignedAt).toBe(T0 + 2);
      expect(agent?.overloaded).toBe(false);
    });

    it.each([['PAUSED'], ['OFFLINE']] as const)('refuses a %s agent and changes nothing', async (availability) => {
      const agent = await setAvailability(await createAgent(h.store, { id: 'a', name: 'A', maxConcurrentTasks: 3 }), availability);
      expect(await adjust('a', 1)).toBeNull();
      expect(await h.store.agents.get({ id: 'a' })).toEqual(agent);
    });

    it('force overrides capacity and availability and sets overloaded while load > capacity', async () => {
      await createAgent(h.store, { id: 'a', name: 'A', maxConcurrentTasks: 1 });
      expect((await adjust('a', 1))?.overloaded).toBe(false);
      const over = await adjust('a', 1, { force: true, now: T0 + 7 });
      expect(over).toMatchObject({ load: 2, overloaded: true, lastAssignedAt: T0 + 7 });
      const back = await adjust('a', -1);
      expect(back).toMatchObject({ load: 1, overloaded: false, lastAssignedAt: T0 + 7 });
      await setAvailability((await h.store.agents.get({ id: 'a' })) as Agent, 'PAUSED');
      expect(await adjust('a', 1)).toBeNull();
      expect(await adjust('a', 1, { force: true })).toMatchObject({ load: 2, overloaded: true, availability: 'PAUSED' });
    });

    it('counts outcomes and gives slots back even when PAUSED or OFFLINE', async () => {
      const agent = await createAgent(h.store, { id: 'a', name: 'A', maxConcurrentTasks: 3 });
      await adjust('a', 1);
      await adjust('a', 1);
      await adjust('a', 1);
      expect(await adjust('a', -1, { outcome: 'completed' })).toMatchObject({ load: 2, completedCount: 1, failedCount: 0 });
      await setAvailability({ ...agent, version: agent.version }, 'PAUSED');
      expect(await adjust('a', -1, { outcome: 'failed' })).toMatchObject({ load: 1, completedCount: 1, failedCount: 1 });
      const paused = (await h.store.agents.get({ id: 'a' })) as Agent;
      await setAvailability(paused, 'OFFLINE');
      expect(await adjust('a', -1, { outcome: null })).toMatchObject({
        load: 0,
        completedCount: 1,
        failedCount: 1,
        availability: 'OFFLINE',
      });
    });

    it('never takes load below 0 (the outcome still counts)', async () => {
      await createAgent(h.store, { id: 'a', name: 'A' });
      expect(await adjust('a', -1, { outcome: 'completed' })).toMatchObject({
        load: 0,
        completedCount: 1,
        overloaded: false,
        lastAssignedAt: null,
      });
      expect(await adjust('a', -1)).toMatchObject({ load: 0 });
      expect((await h.store.agents.get({ id: 'a' }))?.load).toBe(0);
    });

    it('returns null for an unknown agent', async () => {
      expect(await adjust('nobody', 1)).toBeNull();
      expect(await adjust('nobody', 1, { force: true })).toBeNull();
      expect(await adjust('nobody', -1, { outcome: 'failed' })).toBeNull();
    });
  });

  describe('agents: listCandidates', () => {
    async function seedCandidates(): Promise<void> {
      const at = (i: number): number => T0 + i;
      const put = (agent: Agent): Promise<void> => insertAgent(h.store, agent);
      const mk = (id: string, capabilities: string[], i: number, extra: Partial<Agent> = {}): Agent => ({
        ...newAgent({ id, name: id, capabilities, maxConcurrentTasks: 2 }, at(i)),
        ...extra,
      });
      await put(mk('a1', ['x', 'y'], 1, { lastAssignedAt: T0 + 500 }));
      await put(mk('a2', ['x'], 2));
      await put(mk('a3', ['x', 'y', 'z'], 3));
      await put(mk('a4', ['x', 'y'], 4, { availability: 'PAUSED' }));
      await put(mk('a5', ['x', 'y'], 5, { availability: 'OFFLINE' }));
      await put(mk('a6', ['x', 'y'], 6, { maxConcurrentTasks: 1, load: 1 }));
      await put(mk('a7', ['x', 'y'], 7, { lastAssignedAt: T0 + 100 }));
      await put(mk('a0', ['x', 'y', 'z'], 8));
      await put(mk('a9', ['y', 'x'], 9, { maxConcurrentTasks: 3, load: 2, lastAssignedAt: T0 + 300 }));
      await put(mk('a8', ['x', 'y'], 10, { maxConcurrentTasks: 1, load: 2, overloaded: true }));
    }
    const candidates = async (requiredCapabilities: string[], excluded: string[] = [], limit = 100): Promise<string[]> =>
      ids(await h.store.agents.listCandidates({ requiredCapabilities, excluded, limit }));

    it('returns AVAILABLE agents below capacity holding every required capability, least recently assigned first', async () => {
      await seedCandidates();
      expect(await candidates(['x', 'y'])).toEqual(['a0', 'a3', 'a7', 'a9', 'a1']);
      expect(await candidates(['y', 'x'])).toEqual(['a0', 'a3', 'a7', 'a9', 'a1']);
      expect(await candidates(['z'])).toEqual(['a0', 'a3']);
      expect(await candidates(['x', 'y', 'z'])).toEqual(['a0', 'a3']);
      expect(await candidates(['x'])).toEqual(['a0', 'a2', 'a3', 'a7', 'a9', 'a1']);
      expect(await candidates([])).toEqual(['a0', 'a2', 'a3', 'a7', 'a9', 'a1']);
      expect(await candidates(['nope'])).toEqual([]);
      expect(await candidates(['x', 'nope'])).toEqual([]);
    });

    it('honours exclusions and the limit', async () => {
      await seedCandidates();
      expect(await candidates(['x', 'y'], ['a3', 'a1', 'unknown'])).toEqual(['a0', 'a7', 'a9']);
      expect(await candidates(['x', 'y'], [], 2)).toEqual(['a0', 'a3']);
      expect(await candidates(['x', 'y'], ['a0'], 1)).toEqual(['a3']);
    });

    it('agrees with filtering and sorting list() for common, rare and unheld capabilities at every limit', async () => {
      // 60 agents registered in an order unrelated to their ids, with tied and null lastAssignedAt,
      // so the id tie-break matters. 'common' is held by most, 'mid' by a third, 'rare' by three:
      // a store may plan each differently (SQLite starts from the holders of a rare one).
      const fleet: Agent[] = Array.from({ length: 60 }, (_, i) => {
        const capabilities = [...(i % 10 === 0 ? [] : ['common']), ...(i % 3 === 0 ? ['mid'] : []), ...(i % 20 === 7 ? ['rare'] : [])];
        return {
          ...newAgent({ id: `cand-${String((i * 37) % 60).padStart(2, '0')}`, name: `C${i}`, capabilities, maxConcurrentTasks: 2 }, T0),
          availability: i % 11 === 5 ? 'PAUSED' : i % 13 === 6 ? 'OFFLINE' : 'AVAILABLE',
          load: i % 7 === 2 ? 2 : i % 2,
          lastAssignedAt: i % 4 === 0 ? null : T0 + (i % 9) * 1_000,
        };
      });
      await h.store.transaction(async (tx) => {
        for (const agent of fleet) await tx.agents.insert(agent);
      });
      const all = await h.store.agents.list();
      // lastAssignedAt ascending with nulls first (every time is positive), then id.
      const byOrder = (a: Agent, b: Agent): number =>
        (a.lastAssignedAt ?? -1) - (b.lastAssignedAt ?? -1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      for (const required of [[], ['common'], ['mid'], ['rare'], ['common', 'mid'], ['mid', 'rare'], ['unheld']]) {
        for (const excluded of [[], ['cand-01', 'cand-38', 'nobody']]) {
          for (const limit of [1, 3, 10, 64]) {
            const expected = all
              .filter((a) => a.availability === 'AVAILABLE' && a.load < a.maxConcurrentTasks && !excluded.includes(a.id))
              .filter((a) => required.every((c) => a.capabilities.includes(c)))
              .sort(byOrder)
              .slice(0, limit);
            const got = await h.store.agents.listCandidates({ requiredCapabilities: required, excluded, limit });
            expect(ids(got), JSON.stringify({ required, excluded, limit })).toEqual(ids(expected));
          }
        }
      }
      expect(await candidates(['rare'])).not.toEqual([]);
    });

    it('follows adjustLoad and update: a full agent drops out, a freed or re-skilled one comes back', async () => {
      await seedCandidates();
      await adjust('a3', 1, { now: T0 + 900 });
      expect(await candidates(['z'])).toEqual(['a0', 'a3']);
      await adjust('a3', 1, { now: T0 + 901 });
      expect(await candidates(['z'])).toEqual(['a0']);
      await adjust('a3', -1);
      expect(await candidates(['x', 'y'])).toEqual(['a0', 'a7', 'a9', 'a1', 'a3']);
      const a2 = (await h.store.agents.get({ id: 'a2' })) as Agent;
      await h.store.transaction((tx) =>
        tx.agents.update({ next: { ...a2, capabilities: ['x', 'y', 'z'], version: a2.version + 1 }, expectedVersion: a2.version }),
      );
      expect(await candidates(['z'])).toEqual(['a0', 'a2', 'a3']);
    });
  });
}
