import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../core/agent.js';
import { ConflictError, InvalidTransitionError, SwitchboardError, VersionConflictError } from '../../core/errors.js';
import { newAgent, newTask } from '../../core/factories.js';
import { DEFAULT_POLICY } from '../../core/policy.js';
import { transition } from '../../core/state-machine.js';
import type { AssignmentDecision, Task } from '../../core/task.js';
import { exerciseStore } from '../conformance/exercise-store.js';
import { loadMigrations } from '../migration-files.js';
import { PostgresNotifier } from './notifications.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import { translatePgError } from './sql.js';
import { createTestSchema, describePg, pgTestUrl } from './test-database.js';

const NOW = 1_700_000_000_000;

/** Opens a migrated store on a fresh schema; cleanup closes it and drops the schema. */
async function freshStore(): Promise<{ store: PostgresStore; cleanup: () => Promise<void> }> {
  const { schema, dropSchema } = createTestSchema();
  const store = await openPostgresStore({ connectionString: pgTestUrl(), schema, poolSize: 4 });
  await store.migrate();
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema();
    },
  };
}

function decision(agentId: string): AssignmentDecision {
  return {
    mode: 'manual',
    chosen: { agentId, score: 1, terms: { capabilityFit: 1, reliability: 1, spareCapacity: 1, deadlineFit: 1, recency: 1 } },
    runnersUp: [],
    consideredCount: 1,
    decidedAt: NOW,
  };
}

/** Resolves once `n` callers have arrived: every racer has read the task before any writes. */
/**
 * Holds each arriving transaction until `n` have arrived, or `maxWaitMs` has passed: units
 * that group commit put in one shared transaction run one after another, so they can
 * never all be open at once, and must not wait for each other forever.
 */
function barrier(n: number, maxWaitMs = 300): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return Promise.race([gate, new Promise<void>((resolve) => setTimeout(resolve, maxWaitMs))]);
  };
}

/** The transaction the dispatcher runs for one assignment: read, take a slot, then guard the task. */
async function assign(
  store: PostgresStore,
  taskId: string,
  agentId: string,
  afterRead: () => Promise<void> = async () => undefined,
): Promise<'won' | 'no-slot' | 'conflict' | 'already-assigned'> {
  try {
    return await store.transaction(async (tx) => {
      const task = await tx.tasks.get({ id: taskId });
      if (task === null) throw new Error(`missing ${taskId}`);
      await afterRead();
      const agent = await tx.agents.adjustLoad({ agentId, delta: 1, outcome: null, force: false, now: NOW });
      if (agent === null) return 'no-slot';
      const { task: next, event } = transition(
        task,
        { type: 'assign', agentId, decision: decision(agentId) },
        { now: NOW, policy: DEFAULT_POLICY },
      );
      await tx.tasks.update({ next, expected: { status: task.status, version: task.version } });
      if (event !== null) await tx.events.append({ draft: event, at: NOW, actor: 'test' });
      return 'won';
    });
  } catch (err) {
    if (err instanceof VersionConflictError) return 'conflict';
    // A racer that group commit ran after the winner, in the winner's transaction, reads the task already ASSIGNED.
    if (err instanceof InvalidTransitionError) return 'already-assigned';
    throw err;
  }
}

async function seed(
  store: PostgresStore,
  tasks: number,
  agents: { id: string; capacity: number }[],
): Promise<{ tasks: Task[]; agents: Agent[] }> {
  return store.transaction(async (tx) => {
    const out: Task[] = [];
    for (let i = 0; i < tasks; i++) {
      const task = newTask({ title: `task ${i}` }, { seq: await tx.tasks.allocateSeq(), now: NOW, policy: DEFAULT_POLICY, blocked: false });
      await tx.tasks.insert(task);
      out.push(task);
    }
    const made = agents.map((a) => newAgent({ id: a.id, name: a.id, maxConcurrentTasks: a.capacity }, NOW));
    for (const agent of made) await tx.agents.insert(agent);
    return { tasks: out, agents: made };
  });
}

describe('PostgreSQL migrations', () => {
  it('use the same numbers and names as the SQLite ones (style rule 10)', () => {
    const shape = (d: 'sqlite' | 'postgres'): string[] => loadMigrations(d).map((m) => `${m.version}_${m.name}`);
    expect(shape('postgres')).toEqual(shape('sqlite'));
  });
});

await describePg('PostgresStore', () => {
  // One schema for the whole conformance suite, emptied before each test (a fresh schema
  // per test costs ~200 ms of CREATE/DROP; emptying ~5 ms). Tests in a file run one by one.
  const conformance = createTestSchema();
  afterAll(async () => conformance.dropSchema());
  exerciseStore('conformance', async () => {
    const store = await openPostgresStore({ connectionString: pgTestUrl(), schema: conformance.schema });
    await store.migrate();
    await conformance.reset();
    return { store, cleanup: () => store.close() };
  });

  describe('two nodes sharing one schema', () => {
    const shared = createTestSchema();
    let nodeA: PostgresStore;
    let nodeB: PostgresStore;

    beforeAll(async () => {
      nodeA = await openPostgresStore({ connectionString: pgTestUrl(), schema: shared.schema, poolSize: 10 });
      nodeB = await openPostgresStore({ connectionString: pgTestUrl(), schema: shared.schema, poolSize: 10 });
      await nodeA.migrate();
    });

    afterAll(async () => {
      await nodeA.close();
      await nodeB.close();
      await shared.dropSchema();
    });

    it('lets exactly one of 20 racing assignments of one task win', async () => {
      const agents = Array.from({ length: 20 }, (_, i) => ({ id: `racer-${i}`, capacity: 1 }));
      const { tasks } = await seed(nodeA, 1, agents);
      const task = tasks[0] as Task;
      // Racers in different lanes (and nodes) read version 1 before any of them writes and
      // meet at the guard; racers sharing a lane's transaction run after the winner and see it.
      const allRead = barrier(agents.length);
      const outcomes = await Promise.all(agents.map((a, i) => assign(i % 2 === 0 ? nodeA : nodeB, task.id, a.id, allRead)));
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'conflict' || o === 'already-assigned')).toHaveLength(19);
      expect(outcomes.filter((o) => o === 'conflict').length).toBeGreaterThan(0);

      const stored = await nodeB.tasks.get({ id: task.id });
      expect(stored).toMatchObject({ status: 'ASSIGNED', version: 2, leaseToken: 1 });
      const holders = (await nodeA.agents.list()).filter((a) => a.id.startsWith('racer-') && a.load > 0);
      expect(holders.map((a) => a.id)).toEqual([stored?.agent]);
      const assigned = await nodeA.events.list({ taskId: task.id, types: ['task.assigned'], order: 'asc', limit: 100 });
      expect(assigned).toHaveLength(1);
    });

    it('never gives an agent of capacity 3 more than 3 of 30 concurrent assignments', async () => {
      const { tasks } = await seed(nodeA, 30, [{ id: 'busy', capacity: 3 }]);
      const outcomes = await Promise.all(tasks.map((t, i) => assign(i % 2 === 0 ? nodeA : nodeB, t.id, 'busy')));
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(3);
      expect(outcomes.filter((o) => o === 'no-slot')).toHaveLength(27);
      expect(await nodeB.agents.get({ id: 'busy' })).toMatchObject({ load: 3, overloaded: false });
      expect(await nodeA.tasks.listHeldBy({ agentId: 'busy' })).toHaveLength(3);
    });
  });

  describe('lockPending across two nodes', () => {
    const shared = createTestSchema();
    let nodeA: PostgresStore;
    let nodeB: PostgresStore;

    beforeAll(async () => {
      nodeA = await openPostgresStore({ connectionString: pgTestUrl(), schema: shared.schema, poolSize: 4 });
      nodeB = await openPostgresStore({ connectionString: pgTestUrl(), schema: shared.schema, poolSize: 4 });
      await nodeA.migrate();
    });

    afterAll(async () => {
      await nodeA.close();
      await nodeB.close();
      await shared.dropSchema();
    });

    // A short timeout: were the lock waited for instead of skipped, B would wait on A while A
    // waits for B's release(), and the test would fail here rather than after the default 30 s.
    it('skips a task another transaction has locked, and sees it leave PENDING once that one commits', { timeout: 5_000 }, async () => {
      const { tasks } = await seed(nodeA, 2, [{ id: 'agent-a', capacity: 1 }]);
      const [first, second] = tasks as [Task, Task];
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const txA = nodeA.transaction(async (tx) => {
        const task = await tx.tasks.lockPending({ id: first.id });
        if (task === null) throw new Error(`${first.id} was not locked`);
        locked();
        await held;
        await tx.agents.adjustLoad({ agentId: 'agent-a', delta: 1, outcome: null, force: false, now: NOW });
        const { task: next } = transition(
          task,
          { type: 'assign', agentId: 'agent-a', decision: decision('agent-a') },
          { now: NOW, policy: DEFAULT_POLICY },
        );
        await tx.tasks.update({ next, expected: { status: task.status, version: task.version } });
      });
      try {
        await lockTaken;
        await nodeB.transaction(async (tx) => {
          expect(await tx.tasks.lockPending({ id: first.id })).toBeNull();
          expect(await nodeB.tasks.get({ id: first.id })).toMatchObject({ status: 'PENDING' });
          expect(await tx.tasks.lockPending({ id: second.id })).toEqual(second);
          release();
          await txA;
          // READ COMMITTED: the next statement sees A's commit, and the task is no longer PENDING.
          expect(await tx.tasks.lockPending({ id: first.id })).toBeNull();
        });
      } finally {
        release();
        await txA.catch(() => undefined);
      }
      expect(await nodeB.tasks.get({ id: first.id })).toMatchObject({ status: 'ASSIGNED', agent: 'agent-a' });
      expect(await nodeB.transaction((tx) => tx.tasks.lockPending({ id: first.id }))).toBeNull();
      expect(await nodeA.transaction((tx) => tx.tasks.lockPending({ id: second.id }))).toEqual(second);
    });
  });

  describe('migrate()', () => {
    it('succeeds once when two nodes migrate a fresh schema at the same time', async () => {
      const { schema, dropSchema } = createTestSchema();
      const a = await openPostgresStore({ connectionString: pgTestUrl(), schema });
      const b = await openPostgresStore({ connectionString: pgTestUrl(), schema });
      const client = new pg.Client({ connectionString: pgTestUrl() });
      try {
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        await client.connect();
        const res = await client.query<{ version: number; name: string }>(
          `SELECT version, name FROM ${schema}.schema_migrations ORDER BY version`,
        );
        expect(res.rows).toEqual(loadMigrations('postgres').map((m) => ({ version: m.version, name: m.name })));
        expect(await b.tasks.countByStatus()).toMatchObject({ PENDING: 0 });
      } finally {
        await client.end();
        await a.close();
        await b.close();
        await dropSchema();
      }
    });
  });

  describe('transactions', () => {
    let store: PostgresStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await freshStore());
    });
    afterAll(async () => cleanup());

    it('declares the PostgreSQL capabilities', () => {
      expect(store.capabilities).toEqual({ dialect: 'postgres', listenNotify: true, concurrentWriters: true });
    });

    it('parses BIGINT columns to numbers', async () => {
      const seq = await store.transaction((tx) => tx.tasks.allocateSeq());
      expect(typeof seq).toBe('number');
      expect(await store.events.lastId()).toBe(0);
    });

    it('refuses to commit when the callback swallowed a failed statement', async () => {
      const bad = {
        ...newTask({ title: 'bad' }, { seq: 9_000, now: NOW, policy: DEFAULT_POLICY, blocked: false }),
        status: 'BOGUS',
      } as unknown as Task;
      const good = newTask({ title: 'good' }, { seq: 9_001, now: NOW, policy: DEFAULT_POLICY, blocked: false });
      const attempt = store.transaction(async (tx) => {
        await tx.tasks.insert(good);
        await tx.tasks.insert(bad).catch(() => undefined);
        return 'returned';
      });
      await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(await store.tasks.get({ id: good.id })).toBeNull();
    });

    it('keeps the transaction usable after a duplicate insert (ConflictError without aborting)', async () => {
      const task = newTask({ title: 'dup' }, { seq: 9_100, now: NOW, policy: DEFAULT_POLICY, blocked: false });
      await store.transaction(async (tx) => {
        await tx.tasks.insert(task);
        await expect(tx.tasks.insert(task)).rejects.toBeInstanceOf(ConflictError);
        await tx.idempotency.put({ key: 'k', requestHash: 'h', statusCode: 201, body: { id: task.id }, createdAt: NOW });
      });
      expect(await store.idempotency.get({ key: 'k' })).toMatchObject({ body: { id: task.id } });
    });

    it('refuses a StoreTx used after its transaction ended', async () => {
      let leaked: Parameters<Parameters<PostgresStore['transaction']>[0]>[0] | undefined;
      await store.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.tasks.get({ id: 'TASK-001' })).rejects.toMatchObject({ code: 'INTERNAL' });
    });

    it('refuses a nested transaction, as SQLite does', async () => {
      await expect(store.transaction(async () => store.transaction(async () => 1))).rejects.toMatchObject({ code: 'INTERNAL' });
    });

    it('translates unique violations and lost connections to coded errors', () => {
      expect(translatePgError(Object.assign(new Error('dup'), { code: '23505' }))).toBeInstanceOf(ConflictError);
      expect(translatePgError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(translatePgError(Object.assign(new Error('deadlock'), { code: '40P01' }))).toMatchObject({ code: 'VERSION_CONFLICT' });
      expect(translatePgError(new Error('odd'))).toBeInstanceOf(SwitchboardError);
    });

    it('reports an unreachable server as STORE_UNAVAILABLE when opening', async () => {
      await expect(openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    });

    it('rejects a schema name that would need quoting', async () => {
      await expect(openPostgresStore({ connectionString: pgTestUrl(), schema: 'x; DROP' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });
  });

  describe('PostgresNotifier', () => {
    const notifiers: PostgresNotifier[] = [];
    const make = (opts: Partial<ConstructorParameters<typeof PostgresNotifier>[0]> = {}): PostgresNotifier => {
      const n = new PostgresNotifier({ connectionString: pgTestUrl(), reconnectDelayMs: 10, ...opts });
      notifiers.push(n);
      return n;
    };
    afterAll(async () => {
      await Promise.all(notifiers.map((n) => n.close()));
    });

    const channel = `sb_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

    it('carries a payload from one node to another', async () => {
      const sender = make();
      const receiver = make();
      const received = new Promise<string>((resolve) => {
        void receiver.listen(channel, resolve);
      });
      await receiver.listen(channel, () => undefined);
      await sender.notify(channel, 'event:42');
      expect(await received).toBe('event:42');
    });

    it('listens again after its connection is killed and says so', async () => {
      const reconnectChannel = `${channel}_r`;
      let reconnected!: () => void;
      const back = new Promise<void>((resolve) => {
        reconnected = resolve;
      });
      const receiver = make({ onReconnect: () => reconnected() });
      const sender = make();
      const payloads: string[] = [];
      let delivered!: () => void;
      const second = new Promise<void>((resolve) => {
        delivered = resolve;
      });
      await receiver.listen(reconnectChannel, (p) => {
        payloads.push(p);
        if (p === 'after') delivered();
      });

      const admin = new pg.Client({ connectionString: pgTestUrl() });
      await admin.connect();
      try {
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`,
          [`LISTEN "${reconnectChannel}"`],
        );
        expect(killed.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      await back;
      await sender.notify(reconnectChannel, 'after');
      await second;
      expect(payloads).toEqual(['after']);
    });

    it('rejects a channel name that is not a plain identifier', async () => {
      await expect(make().notify('bad channel', 'x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });
});
