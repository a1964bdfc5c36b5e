/**
 * The peers' method, one implementation for every system so no system is measured
 * differently: enqueue N no-op jobs (4 priorities, a fixed number of adds in flight), drain
 * them with 50 concurrent workers, then open-loop paced creates at fixed rates with the
 * end-to-end latency of each job from before its add to after its completion returned.
 * A system only has to say how to add a job and how to run and stop its workers.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { round, summarize, type LatencySummary } from '../support.js';

/** One job as every system carries it: which phase made it and its index in that phase. */
export interface PeerJob {
  phase: string;
  i: number;
  /** 0 is the most urgent; each system maps it onto its own priority scale. */
  priority: 0 | 1 | 2 | 3;
}

/** Called by a system's worker after a job's completion returned, with {@link now} at that moment. */
export type OnDone = (phase: string, i: number, atMs: number) => void;

/** What the method needs from a system under test. */
export interface SystemUnderTest {
  /** Adds one job; resolves once the system acknowledged it. */
  add(job: PeerJob): Promise<void>;
  /** Starts the 50 workers (they keep running, waiting for work, until stopWorkers). */
  startWorkers(onDone: OnDone): Promise<void>;
  stopWorkers(): Promise<void>;
  /** Undoes everything the system created (also registered on the cleanup stack). */
  close(): Promise<void>;
  /** Figures only this system has (transactions per task, errors its workers saw). */
  extras?(): Record<string, unknown>;
  /** Runs around the drain and the first paced rate (PostgreSQL transaction counts). */
  hooks?: PhaseHooks;
}

export interface PhaseHooks {
  beforeDrain?(): Promise<void>;
  afterDrain?(completed: number): Promise<void>;
  afterPaced?(rate: number, created: number): Promise<void>;
}

/**
 * Wall-clock epoch milliseconds with sub-millisecond resolution. Agent processes use the
 * same expression, so times taken in two processes on one machine compare directly.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const PRIORITY_COUNT = 4;
export const priorityOf = (i: number): PeerJob['priority'] => (i % PRIORITY_COUNT) as PeerJob['priority'];

export interface PacedPlan {
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** How long after the last add returned the method waits for the last completions. */
  graceMs: number;
}

export interface PacedResult {
  rate: number;
  /** Adds made, warm-up included. */
  created: number;
  /** Jobs added after the warm-up: the ones the latency is about. */
  measured: number;
  completed: number;
  /** Measured jobs not completed within the grace period, failed adds included (their latency is not in e2eMs). */
  undone: number;
  addErrors: number;
  /** What the first failed add said, so a failure cannot pass for slowness. */
  firstAddError: string | null;
  /** Completions of measured jobs per second of the measured window (below `rate` when the system fell behind). */
  completedPerSec: number;
  /** Latest add behind its schedule, ms: large values mean the load generator itself could not keep the pace. */
  maxAddLagMs: number;
  e2eMs: LatencySummary;
}

/** Tracks completions per phase so a phase can wait for its own jobs only. */
export class Completions {
  readonly #done = new Map<string, Map<number, number>>();
  readonly #waiters = new Set<() => void>();

  readonly onDone: OnDone = (phase, i, atMs) => {
    let m = this.#done.get(phase);
    if (m === undefined) this.#done.set(phase, (m = new Map()));
    if (!m.has(i)) m.set(i, atMs);
    for (const w of this.#waiters) w();
  };

  of(phase: string): Map<number, number> {
    return this.#done.get(phase) ?? new Map();
  }

  /** Resolves when `count` jobs of `phase` completed, or when `timeoutMs` passed (then false). */
  async waitFor(phase: string, count: number, timeoutMs: number): Promise<boolean> {
    if (this.of(phase).size >= count) return true;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (this.of(phase).size < count) return;
        finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#waiters.add(check);
    });
  }
}

/** `count` adds with `inFlight` of them outstanding at any time; returns adds per second. */
export async function enqueue(system: SystemUnderTest, phase: string, count: number, inFlight: number): Promise<number> {
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      for (let i = next++; i < count; i = next++) await system.add({ phase, i, priority: priorityOf(i) });
    }),
  );
  return round((count * 1000) / (now() - start), 1);
}

/**
 * Starts the workers on a full queue and waits for every job of `phase`; drain/s is jobs
 * divided by the time from the start call to the last completion.
 */
export async function drain(
  system: SystemUnderTest,
  completions: Completions,
  phase: string,
  count: number,
  timeoutMs: number,
): Promise<{ perSec: number; completed: number; seconds: number }> {
  await system.hooks?.beforeDrain?.();
  const start = now();
  await system.startWorkers(completions.onDone);
  const all = await completions.waitFor(phase, count, timeoutMs);
  const done = completions.of(phase);
  let last = start;
  for (const at of done.values()) last = Math.max(last, at);
  if (!all) last = now();
  const seconds = (last - start) / 1000;
  await system.hooks?.afterDrain?.(done.size);
  return { perSec: round(done.size / seconds, 1), completed: done.size, seconds: round(seconds, 2) };
}

/**
 * Open loop: add k is due at start + k / rate whatever the system answers, so a slow system
 * shows as latency and undone jobs rather than slowing the load down. Jobs due in the
 * warm-up are added and waited for but not measured.
 */
export async function paced(system: SystemUnderTest, completions: Completions, plan: PacedPlan): Promise<PacedResult> {
  const phase = `paced${plan.rate}`;
  const total = Math.round((plan.rate * (plan.warmupMs + plan.durationMs)) / 1000);
  const firstMeasured = Math.round((plan.rate * plan.warmupMs) / 1000);
  const interval = 1000 / plan.rate;
  const addedAt = new Map<number, number>();
  const adds: Promise<void>[] = [];
  let addErrors = 0;
  let firstAddError: string | null = null;
  let maxLag = 0;
  const start = now();
  for (let k = 0; k < total;) {
    const t = now();
    const dueNow = Math.min(total, Math.floor((t - start) / interval) + 1);
    for (; k < dueNow; k++) {
      maxLag = Math.max(maxLag, t - (start + k * interval));
      const i = k;
      addedAt.set(i, now());
      adds.push(
        system.add({ phase, i, priority: priorityOf(i) }).catch((err: unknown) => {
          addErrors++;
          firstAddError ??= err instanceof Error ? err.message : String(err);
        }),
      );
    }
    if (k < total) await sleep(Math.max(0, start + k * interval - now()));
  }
  // The grace runs from the last acknowledged add: a job the system has not yet accepted cannot be late.
  await Promise.all(adds);
  await completions.waitFor(phase, total, plan.graceMs);
  await system.hooks?.afterPaced?.(plan.rate, total);
  const done = completions.of(phase);
  const e2e: number[] = [];
  let measuredDone = 0;
  for (let i = firstMeasured; i < total; i++) {
    const at = done.get(i);
    const from = addedAt.get(i);
    if (at === undefined || from === undefined) continue;
    measuredDone++;
    e2e.push(at - from);
  }
  const measured = total - firstMeasured;
  return {
    rate: plan.rate,
    created: total,
    measured,
    completed: measuredDone,
    undone: measured - measuredDone,
    addErrors,
    firstAddError,
    completedPerSec: round((measuredDone * 1000) / plan.durationMs, 1),
    maxAddLagMs: round(maxLag, 1),
    e2eMs: summarize(e2e),
  };
}
