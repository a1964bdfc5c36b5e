/**
 * Section `peers`: Switchboard measured side by side with established job queues, in one
 * invocation and with one method (bench/peers/method.ts): BullMQ on Redis and
 * graphile-worker on PostgreSQL against Switchboard in process (SQLite, PostgreSQL; agents
 * claiming, and auto dispatch) and over HTTP with agent processes, plus the raw store
 * limit. Figures are medians over passes; ratios divide Switchboard by its peer.
 */
import { loadavg } from 'node:os';
import { log, round, type BenchContext } from './support.js';
import { openBullmq, redisInfo } from './peers/bullmq.js';
import { openGraphile } from './peers/graphile.js';
import { openHttp } from './peers/http.js';
import { Completions, drain, enqueue, paced, type PacedResult, type SystemUnderTest } from './peers/method.js';
import type { PeersOptions, SystemName } from './peers/options.js';
import { createBenchDatabase, transactionCounter, type BenchDatabase } from './peers/pg-database.js';
import { rawPostgres, rawSqlite, type RawResult } from './peers/raw.js';
import { openSwitchboard } from './peers/switchboard.js';
import { acceptance, formatTable, summarise, type Outcome, type PassResult } from './peers/summary.js';

const WARMUP_MS = 1_000;
/** A drain gets at least this long, and 20 ms per job beyond it, before it is cut short. */
const DRAIN_TIMEOUT_MIN_MS = 120_000;
const DRAIN_TIMEOUT_PER_JOB_MS = 20;

type Skipped = { skipped: string };
const QUEUES = ['bullmq', 'graphile', 'sqlite', 'sqlite-auto', 'pg', 'pg-auto', 'http'] as const;
type QueueName = (typeof QUEUES)[number];

export async function measurePeers(ctx: BenchContext, options: PeersOptions): Promise<Record<string, unknown>> {
  const loadBefore = round(loadavg()[0] ?? Number.NaN, 2);
  const wants = (s: SystemName) => options.systems.includes(s);
  const redis = wants('bullmq') ? await redisInfo() : { skipped: 'not selected' };
  const database: BenchDatabase | null = ctx.pgUrl !== null ? await createBenchDatabase(ctx.cleanup, ctx.pgUrl) : null;
  const pgCtx: BenchContext = { ...ctx, pgUrl: database?.url ?? null };
  const pgSkipped: Skipped = { skipped: ctx.pgSkipReason ?? 'PostgreSQL skipped' };
  log(
    `peers: ${options.systems.join(', ')}; ${options.jobs} jobs, ${options.passes} pass(es), paced ${options.rates.join('/')} per s for ${options.durationSec} s; load average ${loadBefore}`,
  );

  const passes: Partial<Record<QueueName, Outcome<PassResult>[]>> = {};
  const raw: Record<'sqlite' | 'postgres', Outcome<RawResult>[]> = { sqlite: [], postgres: [] };
  for (let pass = 1; pass <= options.passes; pass++) {
    for (const name of QUEUES) {
      if (!wants(name)) continue;
      log(`peers pass ${pass}/${options.passes}: ${name}`);
      const result = await attempt(name, () => runQueue(name, options, ctx, pgCtx, database, redis));
      (passes[name] ??= []).push(result);
      if ('skipped' in result) log(`peers ${name}: skipped: ${result.skipped}`);
      else if (!('error' in result)) log(`peers ${name}: ${oneLine(result)}`);
    }
    if (wants('raw-sqlite')) {
      log(`peers pass ${pass}/${options.passes}: raw SQLite store limit, ${options.rawSec} s`);
      raw.sqlite.push(await attempt('raw sqlite', () => rawSqlite(ctx.cleanup, options.rawSec * 1000)));
    }
    if (wants('raw-pg')) {
      log(`peers pass ${pass}/${options.passes}: raw PostgreSQL store limit, ${options.rawSec} s`);
      raw.postgres.push(
        database !== null ? await attempt('raw postgres', () => rawPostgres(ctx.cleanup, database.url, options.rawSec * 1000)) : pgSkipped,
      );
    }
  }
  const loadAfter = round(loadavg()[0] ?? Number.NaN, 2);
  const summary = summarise(passes, raw, options.rates);
  const table = formatTable(summary, options, { loadBefore, loadAfter });
  process.stderr.write(`\n${table.join('\n')}\n\n`);
  return {
    method: {
      jobs: options.jobs,
      priorities: 4,
      addsInFlight: options.inFlight,
      workers: options.workers,
      passes: options.passes,
      rates: options.rates,
      warmupMs: WARMUP_MS,
      measuredSec: options.durationSec,
      graceSec: options.graceSec,
      figures: 'medians over passes; undone is the largest over passes',
    },
    environment: {
      loadAverage1m: { before: loadBefore, after: loadAfter },
      redis,
      postgresDatabase: database === null ? null : { name: database.name, isolated: database.isolated },
    },
    summary,
    acceptance: acceptance(summary),
    table,
    passes: { ...passes, raw },
  };
}

async function runQueue(
  name: QueueName,
  options: PeersOptions,
  ctx: BenchContext,
  pgCtx: BenchContext,
  database: BenchDatabase | null,
  redis: Awaited<ReturnType<typeof redisInfo>>,
): Promise<PassResult | Skipped> {
  const loadAverage1m = round(loadavg()[0] ?? Number.NaN, 2);
  let counter: ReturnType<typeof transactionCounter> | null = null;
  let system: SystemUnderTest | Skipped;
  const needsPg = name === 'graphile' || name === 'pg' || name === 'pg-auto';
  if (needsPg && (database === null || pgCtx.pgUrl === null)) return { skipped: ctx.pgSkipReason ?? 'PostgreSQL skipped' };
  switch (name) {
    case 'bullmq':
      system = 'skipped' in redis ? redis : await openBullmq(ctx, options.workers);
      break;
    case 'graphile':
      system = await openGraphile(ctx.cleanup, database?.url ?? '', options.workers);
      break;
    case 'sqlite':
    case 'sqlite-auto':
      system = await openSwitchboard('sqlite', name === 'sqlite' ? 'manual' : 'auto', ctx, options.workers);
      break;
    case 'pg':
    case 'pg-auto':
      // Counted against the run's own database, read from the configured one (ctx.pgUrl).
      counter = ctx.pgUrl !== null && database !== null ? transactionCounter(ctx.pgUrl, database.name) : null;
      system = await openSwitchboard('postgres', name === 'pg' ? 'manual' : 'auto', pgCtx, options.workers, counter?.hooks);
      break;
    case 'http':
      system = await openHttp(ctx, options.workers, options.agentProcesses);
      break;
  }
  if ('skipped' in system) return system;
  const completions = new Completions();
  let started = false;
  try {
    const enqueuePerSec = await enqueue(system, 'drain', options.jobs, options.inFlight);
    started = true;
    const timeout = DRAIN_TIMEOUT_MIN_MS + options.jobs * DRAIN_TIMEOUT_PER_JOB_MS;
    const drained = await drain(system, completions, 'drain', options.jobs, timeout);
    if (drained.completed < options.jobs) log(`peers ${name}: drain cut short after ${round(timeout / 1000)} s`);
    const pacedResults: Record<string, PacedResult> = {};
    for (const rate of options.rates) {
      pacedResults[rate] = await paced(system, completions, {
        rate,
        warmupMs: WARMUP_MS,
        durationMs: options.durationSec * 1000,
        graceMs: options.graceSec * 1000,
      });
    }
    const enqueueSec = options.jobs / enqueuePerSec;
    return {
      loadAverage1m,
      enqueuePerSec,
      drainPerSec: drained.perSec,
      drainCompleted: drained.completed,
      drainSeconds: drained.seconds,
      // A whole lifecycle (create, claim, complete) per task: comparable with the raw store limit.
      lifecyclePerSec: round(drained.completed / (enqueueSec + drained.seconds), 1),
      paced: pacedResults,
      ...(counter === null ? {} : { transactionsPerTask: counter.perTask }),
      extras: system.extras?.() ?? {},
    };
  } finally {
    if (started) await system.stopWorkers();
    await system.close();
  }
}

/** One system's failure is recorded and the others still run. */
async function attempt<T>(name: string, fn: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await fn();
  } catch (err) {
    log(`peers ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function oneLine(r: PassResult): string {
  const rates = Object.values(r.paced)
    .map((p) => `@${p.rate}/s p50 ${p.e2eMs.p50} p99 ${p.e2eMs.p99} ms${p.undone > 0 ? ` (${p.undone} undone)` : ''}`)
    .join(', ');
  return `enqueue ${r.enqueuePerSec}/s, drain ${r.drainPerSec}/s, ${rates}`;
}
