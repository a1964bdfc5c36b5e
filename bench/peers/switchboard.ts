/**
 * Switchboard in process, on a fresh SQLite file or PostgreSQL schema: the orchestrator as
 * main.ts builds it (createOrchestrator, system clock, default policy), and 50 agents each
 * looping claim(waitMs, long-poll) -> completeTask, the way an SDK agent does over HTTP
 * but without the HTTP. In `auto` dispatch the orchestrator offers each new task to a free
 * agent itself, and the same claim call picks the offer up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { PRIORITIES } from '../../src/core/task.js';
import { CLAIM_WAIT_DEFAULT_MS } from '../../src/sdk/index.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../../src/services/orchestrator.js';
import type { DispatchMode } from '../../src/services/orchestrator-deps.js';
import { systemClock } from '../../src/services/system-clock.js';
import { isCode, log, openBenchStore, type BenchContext, type StoreKind } from '../support.js';
import { now, type OnDone, type PeerJob, type SystemUnderTest } from './method.js';

const ACTOR = 'bench-peers';
/** Title of the tasks that release waiting agents at the end: one per agent, each takes one and stops. */
export const STOP_TITLE = 'stop';
/** How long stopping may take beyond one long-poll before the loops are abandoned. */
const STOP_SLACK_MS = 10_000;

/** `phase i` in a task title, so a worker knows which job it completed without a lookup. */
export const titleOf = (job: PeerJob): string => `${job.phase} ${job.i}`;

export function parseTitle(title: string): { phase: string; i: number } | null {
  const [phase, index] = title.split(' ');
  const i = Number(index);
  return phase === undefined || !Number.isInteger(i) ? null : { phase, i };
}

/** What the agents ran into, so a figure made of failures cannot pass for a fast one. */
export interface AgentTrouble {
  versionConflicts: number;
  errors: number;
  firstError: string | null;
}

export const priorityName = (job: PeerJob) => PRIORITIES[job.priority] ?? 'P2';

export async function openSwitchboard(
  kind: StoreKind,
  dispatch: DispatchMode,
  ctx: BenchContext,
  agents: number,
  hooks?: SystemUnderTest['hooks'],
): Promise<SystemUnderTest> {
  const bench = await openBenchStore(kind, ctx);
  const orchestrator = createOrchestrator({
    store: bench.store,
    clock: systemClock,
    policy: DEFAULT_POLICY,
    bus: new EventBus(silentLogger),
    dispatch,
    logger: silentLogger,
  });
  const stopOrchestrator = ctx.cleanup.defer('stop orchestrator', () => orchestrator.stop());
  await orchestrator.start();
  const ids: string[] = [];
  for (let a = 0; a < agents; a++) {
    const agent = await orchestrator.registerAgent({ id: `peer-agent-${a}`, name: `Peer agent ${a}`, maxConcurrentTasks: 1 }, ACTOR);
    ids.push(agent.id);
  }
  const trouble: AgentTrouble = { versionConflicts: 0, errors: 0, firstError: null };
  const state = { stopping: false };
  let loops: Promise<void>[] = [];
  return {
    add: async (job) => void (await orchestrator.createTask({ title: titleOf(job), priority: priorityName(job) }, ACTOR)),
    async startWorkers(onDone) {
      loops = ids.map((id) => agentLoop(orchestrator, id, onDone, state, trouble));
    },
    async stopWorkers() {
      state.stopping = true;
      for (const _ of ids) await orchestrator.createTask({ title: STOP_TITLE, priority: 'P0' }, ACTOR);
      const stopped = await Promise.race([
        Promise.all(loops).then(() => true),
        sleep(CLAIM_WAIT_DEFAULT_MS + STOP_SLACK_MS, undefined, { ref: false }).then(() => false),
      ]);
      if (!stopped) log(`switchboard ${kind}: agents did not stop in time; closing anyway`);
    },
    async close() {
      await stopOrchestrator();
      await bench.dispose();
    },
    extras: () => ({ dispatch, agents, claimWaitMs: CLAIM_WAIT_DEFAULT_MS, ...trouble }),
    ...(hooks === undefined ? {} : { hooks }),
  };
}

/** One agent: claim with a long-poll, complete what it got, report it; never rejects. */
async function agentLoop(o: Orchestrator, agentId: string, onDone: OnDone, state: { stopping: boolean }, trouble: AgentTrouble) {
  for (;;) {
    try {
      const task = await o.claim(agentId, { waitMs: CLAIM_WAIT_DEFAULT_MS }, ACTOR);
      if (task === null) {
        if (state.stopping) return;
        continue;
      }
      await o.completeTask(task.id, { ok: true }, { agentId, leaseToken: task.leaseToken }, ACTOR);
      const at = now();
      const job = parseTitle(task.title);
      if (job !== null) onDone(job.phase, job.i, at);
      if (state.stopping) return;
    } catch (err) {
      if (isCode(err, 'VERSION_CONFLICT')) trouble.versionConflicts++;
      else {
        trouble.errors++;
        trouble.firstError ??= err instanceof Error ? err.message : String(err);
      }
      if (state.stopping) return;
      await sleep(5);
    }
  }
}
