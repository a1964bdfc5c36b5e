/**
 * Seeds realistic queues straight through the Store port, bypassing the use cases: a
 * 100k-task queue built one `createTask` at a time would eat the whole time budget, and
 * the figures we want are about reading a big queue, not about filling it. The rows are
 * still built by core's own factories (`newTask`, `newAgent`) with ids from
 * `allocateSeq`, so the store cannot tell them from tasks created through the API.
 */
import { newAgent, newTask } from '../src/core/factories.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import type { Store } from '../src/core/ports.js';
import { PRIORITIES, type NewTaskInput, type Priority } from '../src/core/task.js';
import { yieldToEventLoop } from './support.js';

/**
 * The ~10 distinct requiredCapabilities groups of the seeded queue (each is one
 * `cap_key`, i.e. one range of the queue index). The empty group is "anyone can do it".
 */
export const CAPABILITY_GROUPS: readonly (readonly string[])[] = [
  [],
  ['typescript'],
  ['python'],
  ['go'],
  ['typescript', 'react'],
  ['python', 'ml'],
  ['rust', 'systems'],
  ['devops', 'kubernetes'],
  ['docs'],
  ['security', 'typescript'],
];

/** Share of each priority in the seeded queue (P0 rare, P2 the bulk). */
const PRIORITY_WEIGHTS: Record<Priority, number> = { P0: 0.1, P1: 0.2, P2: 0.4, P3: 0.3 };

/** Seeded tasks were created up to this long ago, so creation times and deadlines interleave. */
const CREATED_SPREAD_MS = 3_600_000;

/** Rows per seeding transaction: big enough to amortise the commit, small enough to keep one transaction short. */
export const SEED_BATCH = 2_000;

/** Seeding transactions run at once on PostgreSQL (the pool holds 10 connections; the machine has 2 cores). */
export const SEED_PARALLEL_PG = 4;

function priorityFrom(random: () => number): Priority {
  let x = random();
  for (const p of PRIORITIES) {
    x -= PRIORITY_WEIGHTS[p];
    if (x < 0) return p;
  }
  return 'P3';
}

/**
 * Inserts `count` PENDING tasks in batches of {@link SEED_BATCH} per transaction, with the
 * priority, capability-group and deadline spread described above. Returns their ids.
 */
export async function seedTasks(
  store: Store,
  count: number,
  opts: { random: () => number; now: number; parallel?: number },
): Promise<string[]> {
  const ids: string[] = [];
  const batches: number[] = [];
  for (let left = count; left > 0; left -= SEED_BATCH) batches.push(Math.min(SEED_BATCH, left));
  // PostgreSQL takes writers in parallel (one pooled connection each); SQLite queues them anyway.
  const lanes = store.capabilities.concurrentWriters ? (opts.parallel ?? SEED_PARALLEL_PG) : 1;
  const lane = async (): Promise<void> => {
    for (let size = batches.pop(); size !== undefined; size = batches.pop()) {
      const drafts = Array.from({ length: size }, () => draftTask(opts.random, opts.now));
      await store.transaction(async (tx) => {
        for (const d of drafts) {
          const task = newTask(d.input, { seq: await tx.tasks.allocateSeq(), now: d.createdAt, policy: DEFAULT_POLICY, blocked: false });
          await tx.tasks.insert(task);
          ids.push(task.id);
        }
      });
      await yieldToEventLoop();
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return ids;
}

/** One task's input and creation time, drawn from the spread described above. */
function draftTask(random: () => number, now: number): { input: NewTaskInput; createdAt: number } {
  const priority = priorityFrom(random);
  const createdAt = now - Math.floor(random() * CREATED_SPREAD_MS);
  // Deadline = the priority's policy window, +-20%: SLA order is not creation order.
  const window = DEFAULT_POLICY.slaByPriorityMs[priority];
  const slaDeadline = createdAt + Math.floor(window * (0.8 + 0.4 * random()));
  const input: NewTaskInput = {
    title: 'Bench task',
    description: 'Seeded by npm run bench',
    priority,
    requiredCapabilities: [...pick(CAPABILITY_GROUPS, random)],
    labels: ['bench'],
    slaDeadline,
  };
  return { input, createdAt };
}

/**
 * Inserts agents `bench-agent-<from>` .. `bench-agent-<to - 1>`. Agent i holds the group
 * i mod 10 plus one random group, so every group has holders once there are 10 agents and
 * each group is held by roughly a fifth of the fleet.
 */
export async function seedAgents(
  store: Store,
  range: { from: number; to: number },
  opts: { maxConcurrentTasks: number; random: () => number; now: number },
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = range.from; start < range.to; start += SEED_BATCH) {
    const end = Math.min(range.to, start + SEED_BATCH);
    await store.transaction(async (tx) => {
      for (let i = start; i < end; i++) {
        const own = CAPABILITY_GROUPS[i % CAPABILITY_GROUPS.length] ?? [];
        const extra = pick(CAPABILITY_GROUPS, opts.random);
        const agent = newAgent(
          {
            id: `bench-agent-${i}`,
            name: `Bench agent ${i}`,
            capabilities: [...new Set([...own, ...extra])],
            maxConcurrentTasks: opts.maxConcurrentTasks,
            reliability: 0.7 + 0.29 * opts.random(),
          },
          opts.now,
        );
        await tx.agents.insert(agent);
        ids.push(agent.id);
      }
    });
    await yieldToEventLoop();
  }
  return ids;
}

/** A small seeded PRNG (mulberry32), so every run seeds the same spread of tasks and agents. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One item of a non-empty list, drawn with `random`. */
export function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/** Ids of the seeded tasks still PENDING, for picking a random one to assign. */
export class PendingQueue {
  readonly #ids: string[];
  readonly #live: Set<string>;

  constructor(
    ids: string[],
    private readonly random: () => number,
  ) {
    this.#ids = [...ids];
    this.#live = new Set(ids);
  }

  get size(): number {
    return this.#live.size;
  }

  add(ids: string[]): void {
    for (const id of ids) if (!this.#live.has(id)) (this.#live.add(id), this.#ids.push(id));
  }

  /** Marks `id` as no longer pending (processNext took it). */
  taken(id: string): void {
    this.#live.delete(id);
  }

  /** A random pending id, removed from the queue. */
  takeRandom(): string {
    for (;;) {
      if (this.#ids.length === 0) throw new Error('the seeded queue is empty');
      const i = Math.floor(this.random() * this.#ids.length);
      const id = this.#ids[i];
      const last = this.#ids.pop();
      if (id === undefined || last === undefined) throw new Error('the seeded queue is empty');
      if (i < this.#ids.length) this.#ids[i] = last;
      if (this.#live.delete(id)) return id;
    }
  }
}
