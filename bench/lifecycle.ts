/**
 * Section (a): whole-lifecycle throughput through the real orchestrator and a real store,
 * the figure an operator sizes a deployment with. Two shapes:
 * - sequential: one task at a time, create -> assign (manual) -> start -> complete, so the
 *   figure is the sum of four transactions' latency;
 * - concurrent: the queue is filled by concurrent creators, then 50 agents each loop
 *   claim -> complete until it is empty, which is where the stores differ (SQLite queues
 *   every transaction behind one writer; PostgreSQL runs them at once and settles races
 *   on the task row with guarded writes, so lost races are counted too).
 */
import type { Orchestrator } from '../src/services/orchestrator.js';
import {
  countingStore,
  isCode,
  log,
  openBenchStore,
  round,
  startBenchOrchestrator,
  summarize,
  timed,
  type BenchContext,
  type StoreKind,
  type TxCounter,
  yieldToEventLoop,
} from './support.js';

const ACTOR = 'bench';
const CAPABILITY = 'typescript';
/** Tasks are created by this many concurrent callers in the concurrent shape. */
const CREATORS = 10;

export interface LifecyclePlan {
  sequentialTasks: number;
  concurrentTasks: number;
  agents: number;
}

export interface SequentialResult {
  tasks: number;
  seconds: number;
  tasksPerSec: number;
  /** Mean ms of each use case: where a lifecycle's time goes. */
  meanMs: { create: number; assign: number; start: number; complete: number };
}

export interface ConcurrentResult {
  tasks: number;
  agents: number;
  /** Filling the queue with `CREATORS` concurrent createTask calls. */
  createPerSec: number;
  /** Draining it: `agents` loops of claim -> complete. */
  claimCompletePerSec: number;
  /** tasks / (fill + drain): the lifecycle figure comparable with the sequential one. */
  tasksPerSec: number;
  seconds: number;
  /** Claims that gave up with VERSION_CONFLICT after the runner's retries (the agent tried again). */
  claimsLostToConflicts: number;
  /** Store transactions per completed task, and guarded writes lost to a concurrent transaction. */
  transactionsPerTask: number;
  versionConflicts: number;
  /** p50/p99 ms of one claim call as an agent sees it. */
  claimLatency: { p50: number; p99: number };
}

export interface StoreLifecycleReport {
  store: StoreKind;
  sequential: SequentialResult;
  concurrent: ConcurrentResult;
}

/** Runs both shapes on one store kind, each on a fresh store. */
export async function measureLifecycle(kind: StoreKind, ctx: BenchContext, plan: LifecyclePlan): Promise<StoreLifecycleReport> {
  log(`lifecycle ${kind} sequential: ${plan.sequentialTasks} tasks create -> assign -> start -> complete`);
  const sequential = await withOrchestrator(kind, ctx, (o) => runSequential(o, plan.sequentialTasks));
  log(`lifecycle ${kind} concurrent: ${plan.concurrentTasks} tasks, ${plan.agents} agents claim -> complete`);
  const concurrent = await withOrchestrator(kind, ctx, (o, counter) => runConcurrent(o, counter, plan));
  log(`lifecycle ${kind}: sequential ${sequential.tasksPerSec} tasks/s, concurrent ${concurrent.tasksPerSec} tasks/s`);
  return { store: kind, sequential, concurrent };
}

async function withOrchestrator<T>(
  kind: StoreKind,
  ctx: BenchContext,
  fn: (o: Orchestrator, counter: TxCounter) => Promise<T>,
): Promise<T> {
  const bench = await openBenchStore(kind, ctx);
  try {
    const { store, counter } = countingStore(bench.store);
    const orchestrator = await startBenchOrchestrator(store);
    try {
      return await fn(orchestrator, counter);
    } finally {
      await orchestrator.stop();
    }
  } finally {
    await bench.dispose();
  }
}

async function runSequential(orchestrator: Orchestrator, count: number): Promise<SequentialResult> {
  const agent = await orchestrator.registerAgent(
    { id: 'bench-seq', name: 'Bench sequential', capabilities: [CAPABILITY], maxConcurrentTasks: 1 },
    ACTOR,
  );
  const by = { agentId: agent.id };
  const spent = { create: 0, assign: 0, start: 0, complete: 0 };
  const total = await timed(async () => {
    for (let i = 0; i < count; i++) {
      const created = await timed(() =>
        orchestrator.createTask({ title: `Lifecycle ${i}`, priority: 'P2', requiredCapabilities: [CAPABILITY] }, ACTOR),
      );
      const id = created.value.id;
      const assigned = await timed(() => orchestrator.assignTask(id, {}, ACTOR));
      if (assigned.value.agent.id !== agent.id) throw new Error(`task ${id} went to ${assigned.value.agent.id}`);
      const started = await timed(() => orchestrator.startTask(id, by, ACTOR));
      const completed = await timed(() => orchestrator.completeTask(id, { ok: true }, by, ACTOR));
      spent.create += created.ms;
      spent.assign += assigned.ms;
      spent.start += started.ms;
      spent.complete += completed.ms;
      await yieldToEventLoop();
    }
  });
  const mean = (ms: number) => round(ms / count);
  return {
    tasks: count,
    seconds: round(total.ms / 1000, 2),
    tasksPerSec: round((count * 1000) / total.ms, 1),
    meanMs: { create: mean(spent.create), assign: mean(spent.assign), start: mean(spent.start), complete: mean(spent.complete) },
  };
}

async function runConcurrent(orchestrator: Orchestrator, counter: TxCounter, plan: LifecyclePlan): Promise<ConcurrentResult> {
  const agentIds: string[] = [];
  for (let i = 0; i < plan.agents; i++) {
    const agent = await orchestrator.registerAgent(
      { id: `bench-claim-${i}`, name: `Bench claimer ${i}`, capabilities: [CAPABILITY], maxConcurrentTasks: 1 },
      ACTOR,
    );
    agentIds.push(agent.id);
  }
  let nextIndex = 0;
  const fill = await timed(() =>
    Promise.all(
      Array.from({ length: CREATORS }, async () => {
        for (let i = nextIndex++; i < plan.concurrentTasks; i = nextIndex++) {
          await orchestrator.createTask({ title: `Claimable ${i}`, priority: 'P2', requiredCapabilities: [CAPABILITY] }, ACTOR);
          await yieldToEventLoop();
        }
      }),
    ),
  );
  const before = { ...counter };
  let completed = 0;
  let lost = 0;
  const claimMs: number[] = [];
  const drain = await timed(() =>
    Promise.all(
      agentIds.map(async (agentId) => {
        for (;;) {
          let task;
          try {
            const claimed = await timed(() => orchestrator.claim(agentId, { waitMs: 0 }, ACTOR));
            claimMs.push(claimed.ms);
            task = claimed.value;
          } catch (err) {
            if (!isCode(err, 'VERSION_CONFLICT')) throw err;
            lost++;
            continue;
          }
          if (task === null) return;
          await orchestrator.completeTask(task.id, { ok: true }, { agentId, leaseToken: task.leaseToken }, ACTOR);
          completed++;
          await yieldToEventLoop();
        }
      }),
    ),
  );
  if (completed !== plan.concurrentTasks) throw new Error(`completed ${completed} of ${plan.concurrentTasks} tasks`);
  const seconds = (fill.ms + drain.ms) / 1000;
  const latency = summarize(claimMs);
  return {
    tasks: plan.concurrentTasks,
    agents: plan.agents,
    createPerSec: round((plan.concurrentTasks * 1000) / fill.ms, 1),
    claimCompletePerSec: round((completed * 1000) / drain.ms, 1),
    tasksPerSec: round(plan.concurrentTasks / seconds, 1),
    seconds: round(seconds, 2),
    claimsLostToConflicts: lost,
    transactionsPerTask: round((counter.transactions - before.transactions) / completed, 2),
    versionConflicts: counter.versionConflicts - before.versionConflicts,
    claimLatency: { p50: latency.p50, p99: latency.p99 },
  };
}
