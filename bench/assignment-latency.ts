/**
 * Section (b): how assignment latency grows with the queue and with the fleet. The
 * design promises that a decision costs the same with 1k or 100k waiting tasks (the
 * queue is read per capability group, candidates are capped at 64), so this section
 * measures the two hot paths on a grid of queue sizes and fleet sizes and prints the
 * growth ratios next to the acceptance bar (100k within 3x of 1k).
 *
 * Each sample is undone before the next one: the assigned task is cancelled (untimed),
 * which frees the agent's slot, so agents never fill up and the queue shrinks by at most
 * the number of samples before it is topped up again for the next point.
 */
import { CANDIDATES_SCORED_MAX, QUEUE_PEEK } from '../src/services/matching.js';
import type { Orchestrator } from '../src/services/orchestrator.js';
import { CAPABILITY_GROUPS, PendingQueue, seedAgents, seedTasks, seededRandom } from './seed.js';
import {
  isCode,
  log,
  openBenchStore,
  ratio,
  startBenchOrchestrator,
  summarize,
  timed,
  type BenchContext,
  type BenchStore,
  type LatencySummary,
  type StoreKind,
  yieldToEventLoop,
} from './support.js';

const ACTOR = 'bench';

/** Slots per seeded agent; load never exceeds 1 since every sample's task is cancelled. */
const AGENT_CAPACITY = 3;

/** One point of the grid: a queue size, a fleet size, and the p50/p99 of each hot path. */
export interface LatencyPoint {
  tasks: number;
  agents: number;
  /** POST /api/tasks/queue/next: the best assignable task in queue order, to its best agent. */
  processNext: Pick<LatencySummary, 'p50' | 'p99' | 'max'>;
  /** POST /api/tasks/:id/assign without agentId: the best agent for one given task. */
  assign: Pick<LatencySummary, 'p50' | 'p99' | 'max'>;
  /** p50 (ms) of the store reads the hot paths are built from, to say which one grows. */
  storeReadsP50: { pendingCapabilityKeys: number; peekQueue: number; listCandidates: number };
}

export interface GridPlan {
  tasks: readonly number[];
  agents: readonly number[];
  samples: number;
}

export interface StoreLatencyReport {
  store: StoreKind;
  samplesPerPoint: number;
  points: LatencyPoint[];
  /** p50(largest queue) / p50(smallest queue), per fleet size: ~1 means flat, ~100 means linear. */
  queueGrowth: { agents: number; tasksFrom: number; tasksTo: number; processNext: number | null; assign: number | null }[];
  /** p50(largest fleet) / p50(smallest fleet), per queue size. */
  fleetGrowth: { tasks: number; agentsFrom: number; agentsTo: number; processNext: number | null; assign: number | null }[];
  acceptance: { rule: string; worstQueueRatio: number | null; pass: boolean | null };
  seedMs: Record<string, number>;
}

/** Acceptance bar of the brief: latency at 100k pending tasks within 3x of that at 1k. */
export const QUEUE_GROWTH_BAR = 3;

/** Untimed samples per phase, to warm statement caches and the JIT. */
const WARMUP = 10;
/** Samples of each store read in the breakdown. */
const READ_SAMPLES = 50;

/**
 * Runs the grid on one store kind. A fresh store per queue size; fleets grow in place
 * within it (agents are only ever added). A queue size whose estimated seeding and
 * measuring would end past `budget.deadline` is skipped and listed in `skipped`.
 */
export async function measureAssignmentLatency(
  kind: StoreKind,
  ctx: BenchContext,
  plan: GridPlan,
  budget: { deadline: number },
): Promise<StoreLatencyReport & { skipped: string[] }> {
  const points: LatencyPoint[] = [];
  const seedMs: Record<string, number> = {};
  const skipped: string[] = [];
  let seedRateMsPerTask: number | null = null;
  let measureMs = 0;
  for (const taskCount of plan.tasks) {
    // Seeding at the rate seen so far plus measuring as long as the previous queue size took.
    const estimate = seedRateMsPerTask === null ? 0 : taskCount * seedRateMsPerTask * 1.2 + measureMs;
    if (performance.now() + estimate > budget.deadline) {
      skipped.push(`${kind} ${taskCount} tasks: would end past the time budget (estimated ${Math.round(estimate / 1000)} s)`);
      continue;
    }
    const bench = await openBenchStore(kind, ctx);
    try {
      const random = seededRandom(taskCount);
      log(`latency ${kind}: seeding ${taskCount} pending tasks`);
      const seeded = await timed(() => seedTasks(bench.store, taskCount, { random, now: Date.now() }));
      seedMs[`tasks${taskCount}`] = Math.round(seeded.ms);
      seedRateMsPerTask = seeded.ms / taskCount;
      const measuring = performance.now();
      const orchestrator = await startBenchOrchestrator(bench.store);
      try {
        const queue = new PendingQueue(seeded.value, random);
        let agentCount = 0;
        for (const target of plan.agents) {
          await seedAgents(bench.store, { from: agentCount, to: target }, { maxConcurrentTasks: AGENT_CAPACITY, random, now: Date.now() });
          agentCount = target;
          log(`latency ${kind}: ${taskCount} tasks x ${target} agents, ${plan.samples} samples per path`);
          points.push(await measurePoint(bench, orchestrator, queue, { tasks: taskCount, agents: target, samples: plan.samples }));
          // Put back what the samples took, so the next point starts from the same queue size.
          queue.add(await seedTasks(bench.store, taskCount - queue.size, { random, now: Date.now() }));
        }
      } finally {
        await orchestrator.stop();
        measureMs = performance.now() - measuring;
      }
    } finally {
      await bench.dispose();
    }
  }
  return { store: kind, samplesPerPoint: plan.samples, points, ...growth(points), seedMs, skipped };
}

async function measurePoint(
  bench: BenchStore,
  orchestrator: Orchestrator,
  queue: PendingQueue,
  point: { tasks: number; agents: number; samples: number },
): Promise<LatencyPoint> {
  const undo = async (taskId: string): Promise<void> => {
    await orchestrator.cancelTask(taskId, 'bench sample', ACTOR);
    await orchestrator.settled();
    await yieldToEventLoop();
  };
  const next: number[] = [];
  for (let i = 0; i < WARMUP + point.samples; i++) {
    const { value, ms } = await timed(() => orchestrator.processNext(ACTOR));
    if (value === null) throw new Error(`processNext found nothing to assign with ${point.agents} agents`);
    queue.taken(value.task.id);
    if (i >= WARMUP) next.push(ms);
    await undo(value.task.id);
  }
  const assign: number[] = [];
  for (let i = 0; i < WARMUP + point.samples; i++) {
    const id = queue.takeRandom();
    try {
      const { ms } = await timed(() => orchestrator.assignTask(id, {}, ACTOR));
      if (i >= WARMUP) assign.push(ms);
    } catch (err) {
      // Only possible when no agent of the fleet holds the group; not with this seeding.
      if (!isCode(err, 'NO_AVAILABLE_AGENT')) throw err;
    }
    await undo(id);
  }
  const pick = (s: LatencySummary) => ({ p50: s.p50, p99: s.p99, max: s.max });
  return {
    tasks: point.tasks,
    agents: point.agents,
    processNext: pick(summarize(next)),
    assign: pick(summarize(assign)),
    storeReadsP50: await storeReads(bench),
  };
}

/** The three store reads both hot paths are made of, timed one by one through the port. */
async function storeReads(bench: BenchStore): Promise<LatencyPoint['storeReadsP50']> {
  const reads = bench.store;
  const sample = async (fn: () => Promise<unknown>): Promise<number> => {
    const ms: number[] = [];
    for (let i = 0; i < READ_SAMPLES; i++) {
      ms.push((await timed(fn)).ms);
      await yieldToEventLoop();
    }
    return summarize(ms).p50;
  };
  const groups = CAPABILITY_GROUPS.map((g) => [...g]);
  const keys = await reads.tasks.pendingCapabilityKeys();
  let k = 0;
  return {
    pendingCapabilityKeys: await sample(() => reads.tasks.pendingCapabilityKeys()),
    peekQueue: await sample(() =>
      reads.tasks.peekQueue({ capabilityKey: keys[k++ % keys.length] ?? '', now: Date.now(), limit: QUEUE_PEEK }),
    ),
    listCandidates: await sample(() =>
      reads.agents.listCandidates({ requiredCapabilities: groups[k++ % groups.length] ?? [], excluded: [], limit: CANDIDATES_SCORED_MAX }),
    ),
  };
}

function growth(points: LatencyPoint[]): Pick<StoreLatencyReport, 'queueGrowth' | 'fleetGrowth' | 'acceptance'> {
  const at = (t: number, a: number) => points.find((p) => p.tasks === t && p.agents === a);
  const taskLevels = [...new Set(points.map((p) => p.tasks))].sort((x, y) => x - y);
  const agentLevels = [...new Set(points.map((p) => p.agents))].sort((x, y) => x - y);
  const queueGrowth: StoreLatencyReport['queueGrowth'] = [];
  const tasksFrom = taskLevels[0];
  const tasksTo = taskLevels.at(-1);
  if (tasksFrom !== undefined && tasksTo !== undefined && tasksTo !== tasksFrom) {
    for (const a of agentLevels) {
      const lo = at(tasksFrom, a);
      const hi = at(tasksTo, a);
      if (lo && hi)
        queueGrowth.push({
          agents: a,
          tasksFrom,
          tasksTo,
          processNext: ratio(hi.processNext.p50, lo.processNext.p50),
          assign: ratio(hi.assign.p50, lo.assign.p50),
        });
    }
  }
  const fleetGrowth: StoreLatencyReport['fleetGrowth'] = [];
  const agentsFrom = agentLevels[0];
  const agentsTo = agentLevels.at(-1);
  if (agentsFrom !== undefined && agentsTo !== undefined && agentsTo !== agentsFrom) {
    for (const t of taskLevels) {
      const lo = at(t, agentsFrom);
      const hi = at(t, agentsTo);
      if (lo && hi)
        fleetGrowth.push({
          tasks: t,
          agentsFrom,
          agentsTo,
          processNext: ratio(hi.processNext.p50, lo.processNext.p50),
          assign: ratio(hi.assign.p50, lo.assign.p50),
        });
    }
  }
  const ratios = queueGrowth.flatMap((g) => [g.processNext, g.assign]).filter((r): r is number => r !== null);
  const worst = ratios.length > 0 ? Math.max(...ratios) : null;
  return {
    queueGrowth,
    fleetGrowth,
    acceptance: {
      rule: `p50 at the largest queue <= ${QUEUE_GROWTH_BAR} x p50 at the smallest, at every fleet size, for both paths`,
      worstQueueRatio: worst,
      pass: worst === null ? null : worst <= QUEUE_GROWTH_BAR,
    },
  };
}
