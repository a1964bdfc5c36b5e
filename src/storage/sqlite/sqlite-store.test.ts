import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentNotEligibleError, SwitchboardError } from '../../core/errors.js';
import { newAgent, newTask } from '../../core/factories.js';
import { DEFAULT_POLICY } from '../../core/policy.js';
import type { StoreTx } from '../../core/ports.js';
import { transition } from '../../core/state-machine.js';
import type { Task } from '../../core/task.js';
import { exerciseStore } from '../conformance/exercise-store.js';
import { loadMigrations } from '../migration-files.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const T0 = Date.UTC(2026, 0, 1);

/** A database file in a directory that does not exist yet (the store creates it); removeDir deletes both. */
function tempDbFile(): { file: string; removeDir: () => void } {
  const dir = join(tmpdir(), `switchboard-test-${randomBytes(6).toString('hex')}`);
  return { file: join(dir, 'nested', 'switchboard.db'), removeDir: () => rmSync(dir, { recursive: true, force: true }) };
}

exerciseStore('SqliteStore', async () => {
  const { file, removeDir } = tempDbFile();
  const store = openSqliteStore({ file });
  return {
    store,
    cleanup: async () => {
      await store.close();
      removeDir();
    },
  };
});

describe('SqliteStore on a file', () => {
  const opened: SqliteStore[] = [];
  const raws: Database.Database[] = [];
  const dirs: (() => void)[] = [];

  function fresh(): string {
    const { file, removeDir } = tempDbFile();
    dirs.push(removeDir);
    return file;
  }
  function open(file: string, busyTimeoutMs?: number): SqliteStore {
    const store = openSqliteStore(busyTimeoutMs === undefined ? { file } : { file, busyTimeoutMs });
    opened.push(store);
    return store;
  }
  function raw(file: string): Database.Database {
    const db = new Database(file);
    raws.push(db);
    return db;
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const db of raws.splice(0)) db.close();
    for (const removeDir of dirs.splice(0)) removeDir();
  });

  async function seedTask(store: SqliteStore, title = 'race me'): Promise<Task> {
    return store.transaction(async (tx) => {
      const task = newTask({ title }, { seq: await tx.tasks.allocateSeq(), now: T0, policy: DEFAULT_POLICY, blocked: false });
      await tx.tasks.insert(task);
      return task;
    });
  }

  async function assignIn(tx: StoreTx, task: Task, agentId: string): Promise<void> {
    const decision = {
      mode: 'manual' as const,
      chosen: { agentId, score: 1, terms: { capabilityFit: 1, reliability: 1, spareCapacity: 1, deadlineFit: 1, recency: 1 } },
      runnersUp: [],
      consideredCount: 1,
      decidedAt: T0,
    };
    const { task: next } = transition(task, { type: 'assign', agentId, decision }, { now: T0, policy: DEFAULT_POLICY });
    await tx.tasks.update({ next, expected: { status: task.status, version: task.version } });
    if ((await tx.agents.adjustLoad({ agentId, delta: 1, outcome: null, force: false, now: T0 })) === null) {
      throw new AgentNotEligibleError(agentId, task.id, 'it has no free slot');
    }
  }

  it('creates the directory and runs in WAL mode', async () => {
    const file = fresh();
    await open(file).migrate();
    expect(existsSync(file)).toBe(true);
    expect(raw(file).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('is durable by default: synchronous=FULL on both connections, and no checkpoint runs inside a COMMIT', async () => {
    const store = open(fresh());
    await store.migrate();
    const connections = store as unknown as { writer: Database.Database; reader: Database.Database };
    // 2 = FULL, 1 = NORMAL.
    expect(connections.writer.pragma('synchronous', { simple: true })).toBe(2);
    expect(connections.reader.pragma('synchronous', { simple: true })).toBe(2);
    expect(connections.writer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('the background checkpointer copies committed WAL pages into the database file', async () => {
    const file = fresh();
    const store = open(file);
    await store.migrate();
    for (let i = 0; i < 50; i++) await seedTask(store, `task ${i}`);
    const connections = store as unknown as { reader: Database.Database };
    const logicalBytes =
      Number(connections.reader.pragma('page_count', { simple: true })) * Number(connections.reader.pragma('page_size', { simple: true }));
    // The writer never checkpoints (wal_autocheckpoint=0) and nothing else here does: only the worker can grow the main file to the database's size.
    await expect.poll(() => statSync(file).size, { timeout: 5_000 }).toBeGreaterThanOrEqual(logicalBytes);
  });

  it('concurrent transactions share commits: one batch carries many units, each settled after the COMMIT', async () => {
    const store = open(fresh());
    await store.migrate();
    const batches: number[] = [];
    store.onCommit((units) => batches.push(units));
    await Promise.all(Array.from({ length: 30 }, (_, i) => seedTask(store, `t${i}`)));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(30);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(30);
  });

  it('keeps committed data across close and reopen', async () => {
    const file = fresh();
    const first = open(file);
    await first.migrate();
    const task = await seedTask(first);
    await first.transaction((tx) => tx.agents.insert(newAgent({ id: 'a', name: 'A', capabilities: ['x'] }, T0)));
    await first.close();
    const second = open(file);
    await second.migrate();
    expect(await second.tasks.get({ id: task.id })).toEqual(task);
    expect((await second.agents.listCandidates({ requiredCapabilities: ['x'], excluded: [], limit: 5 })).map((a) => a.id)).toEqual(['a']);
    expect(await second.transaction((tx) => tx.tasks.allocateSeq())).toBe(task.seq + 1);
  });

  it('two connections racing to assign one task: exactly one wins, one slot taken', async () => {
    const file = fresh();
    const [a, b] = [open(file), open(file)];
    await a.migrate();
    await b.migrate();
    const task = await seedTask(a);
    for (let i = 0; i < 10; i += 1) await a.transaction((tx) => tx.agents.insert(newAgent({ id: `agent-${i}`, name: `A${i}` }, T0)));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).transaction((tx) => assignIn(tx, task, `agent-${i}`))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((o) => (o.status === 'rejected' && o.reason instanceof SwitchboardError ? [o.reason.code] : []));
    expect(codes).toEqual(Array.from({ length: 9 }, () => 'VERSION_CONFLICT'));
    expect((await b.agents.list()).reduce((sum, ag) => sum + ag.load, 0)).toBe(1);
    expect((await a.tasks.get({ id: task.id }))?.status).toBe('ASSIGNED');
  });

  it('two connections filling one agent with 3 slots: exactly 3 assignments commit', async () => {
    const file = fresh();
    const [a, b] = [open(file), open(file)];
    await Promise.all([a.migrate(), b.migrate()]);
    await a.transaction((tx) => tx.agents.insert(newAgent({ id: 'solo', name: 'Solo', maxConcurrentTasks: 3 }, T0)));
    const tasks: Task[] = [];
    for (let i = 0; i < 12; i += 1) tasks.push(await seedTask(a, `t${i}`));
    const outcomes = await Promise.allSettled(tasks.map((t, i) => (i % 2 === 0 ? a : b).transaction((tx) => assignIn(tx, t, 'solo'))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect((await a.agents.get({ id: 'solo' }))?.load).toBe(3);
    expect((await b.tasks.countByStatus()).ASSIGNED).toBe(3);
  });

  it('migrate() twice, or from two connections at once, applies each migration exactly once', async () => {
    const file = fresh();
    const [a, b] = [open(file), open(file)];
    await Promise.all([a.migrate(), b.migrate()]);
    const rows = (): unknown[] => raw(file).prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    const before = rows();
    expect(before.map((r) => (r as { version: number }).version)).toEqual(loadMigrations('sqlite').map((m) => m.version));
    await a.migrate();
    await a.migrate();
    expect(rows()).toEqual(before);
  });

  it('refuses to run on a database recorded with a migration this build does not have', async () => {
    const file = fresh();
    const store = open(file);
    await store.migrate();
    raw(file).prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)").run();
    await expect(store.migrate()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('waits for another process holding the write lock, and reports STORE_UNAVAILABLE when it never lets go', async () => {
    const file = fresh();
    const impatient = open(file, 100);
    const patient = open(file);
    await patient.migrate();
    const other = raw(file);
    other.exec('BEGIN IMMEDIATE');
    await expect(seedTask(impatient)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // The first attempt runs in this tick and finds the lock taken; the other "process" lets go
    // right after, and the retry (which yields to the event loop) then gets it.
    const waiting = seedTask(patient, 'patient');
    setImmediate(() => other.exec('COMMIT'));
    expect((await waiting).title).toBe('patient');
    expect((await impatient.tasks.get({ id: 'TASK-001' }))?.title).toBe('patient');
  });

  it('refuses a nested transaction instead of deadlocking, and a StoreTx used after its transaction', async () => {
    const store = open(fresh());
    await store.migrate();
    await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toMatchObject({ code: 'INTERNAL' });
    let leaked: StoreTx | null = null;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect((leaked as StoreTx | null)?.tasks.allocateSeq()).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await store.transaction((tx) => tx.tasks.allocateSeq())).toBe(1);
  });

  it('reads a log page and the log tail as ranges of the (task_id, seq) key, never a scan', async () => {
    const file = fresh();
    await open(file).migrate();
    const plan = (sql: string) =>
      raw(file)
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join('; ');
    const page = plan("SELECT * FROM task_logs WHERE task_id = 'TASK-001' AND seq > 10 ORDER BY seq LIMIT 500");
    const tail = plan("SELECT * FROM task_logs WHERE task_id = 'TASK-001' ORDER BY seq DESC LIMIT 1");
    for (const p of [page, tail]) {
      expect(p).toContain('USING PRIMARY KEY');
      expect(p).not.toContain('TEMP B-TREE');
      expect(p).not.toMatch(/SCAN task_logs(?! USING)/);
    }
  });

  it('also runs in memory (one connection), for throwaway tests', async () => {
    const store = open(':memory:');
    await store.migrate();
    const task = await seedTask(store);
    expect(await store.tasks.get({ id: task.id })).toEqual(task);
  });

  it('refuses work after close', async () => {
    const store = open(fresh());
    await store.migrate();
    await store.close();
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
