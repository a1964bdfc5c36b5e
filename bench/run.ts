/**
 * `npm run bench`: Switchboard's performance figures in one run under five minutes on a
 * 2-core machine. Progress goes to stderr; stdout carries one JSON document at the end,
 * so a CI job can keep it as an artifact and compare runs. Sections run in the order
 * that keeps the optional part last: lifecycle (a), assignment latency on SQLite (b),
 * the HTTP API (c), socket fan-out (d), task log lines over HTTP (e), transition latency with notification
 * channels (f), then assignment latency on PostgreSQL
 * with whatever budget is left.
 *
 * `npm run bench -- lifecycle latency api fanout logs notify` runs a subset; `npm run bench -- peers`
 * runs the side-by-side comparison with BullMQ and graphile-worker (only when named; its
 * options are in bench/peers/options.ts). Everything created (temp
 * files, PostgreSQL schemas, child processes) is undone on exit, failure or Ctrl-C.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureApi, type ApiReport } from './api-latency.js';
import { QUEUE_GROWTH_BAR, measureAssignmentLatency, type GridPlan } from './assignment-latency.js';
import { measureFanout, type FanoutPlan } from './fanout.js';
import { measureLifecycle, type LifecyclePlan } from './lifecycle.js';
import { measureLogs, type LogsPlan } from './logs.js';
import { measurePeers } from './peers.js';
import { parsePeersOptions } from './peers/options.js';
import { measureNotifications, type NotifyPlan } from './notifications.js';
import { Cleanup, log, pgReachable, ratio, round, type BenchContext } from './support.js';

/** Soft budget: the optional PostgreSQL latency points are dropped when they would overrun it. */
const BUDGET_MS = 285_000;

const PG_URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';

/** Sizes per store: PostgreSQL commits cost an fsync each, so it runs fewer tasks for the same confidence. */
const LIFECYCLE: Record<'sqlite' | 'postgres', LifecyclePlan> = {
  sqlite: { sequentialTasks: 1_000, concurrentTasks: 2_000, agents: 50 },
  postgres: { sequentialTasks: 500, concurrentTasks: 1_000, agents: 50 },
};
const LATENCY_SQLITE: GridPlan = { tasks: [1_000, 10_000, 100_000], agents: [10, 100, 1_000, 5_000], samples: 200 };
const LATENCY_POSTGRES: GridPlan = { tasks: [1_000, 100_000], agents: [100], samples: 200 };
const API = { seedTasks: 10_000, durationSec: 10, connections: 10 };
const FANOUT: FanoutPlan = { sockets: 500, passes: 3, durationSec: 5, connections: 10 };
const LOGS: LogsPlan = { writers: 4, linesPerBatch: 100, durationSec: 10 };
const NOTIFY: NotifyPlan = { tasksPerRound: 150, rounds: 6, channels: 5, deliver: true };

const SECTIONS = ['lifecycle', 'latency', 'api', 'fanout', 'logs', 'notify'] as const;
/** Run only when named: the peers comparison alone takes longer than the whole default run. */
const OPT_IN_SECTIONS = ['peers'] as const;
type Section = (typeof SECTIONS)[number] | (typeof OPT_IN_SECTIONS)[number];

type Skipped = { skipped: string };
type Failed = { error: string };

async function main(): Promise<void> {
  const started = performance.now();
  const deadline = started + BUDGET_MS;
  const cleanup = new Cleanup();
  // One unwinding for Ctrl-C and the normal end: when a signal makes the running section fail
  // fast, both start it, and exiting when the signal's (by then empty) pass ends would cut the
  // other pass short in the middle of a step (a database left undropped).
  let unwinding: Promise<void> | null = null;
  const unwind = () => (unwinding ??= cleanup.runAll());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log(`${signal}: cleaning up`);
    void unwind().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const wanted = new Set<Section>([
    ...SECTIONS.filter((s) => process.argv.length <= 2 || process.argv.includes(s)),
    ...OPT_IN_SECTIONS.filter((s) => process.argv.includes(s)),
  ]);
  // Parsed before anything starts, so a mistyped option costs nothing.
  const peersOptions = wanted.has('peers') ? parsePeersOptions(process.argv.slice(2)) : null;
  // The harness edge: the only place the bench reads its environment.
  const pgUrl = process.env.SWITCHBOARD_BENCH_PG_URL ?? process.env.SWITCHBOARD_TEST_PG_URL ?? PG_URL_DEFAULT;
  const reachable = await pgReachable(pgUrl);
  const ctx: BenchContext = {
    cleanup,
    pgUrl: reachable ? pgUrl : null,
    pgSkipReason: reachable ? null : `PostgreSQL not reachable at ${redact(pgUrl)}: PostgreSQL figures skipped`,
  };
  if (!reachable) log(ctx.pgSkipReason ?? '');

  const report: Record<string, unknown> = {
    meta: {
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30, 1),
      startedAt: new Date().toISOString(),
      postgres: reachable ? redact(pgUrl) : null,
    },
  };
  let failed = false;
  const section = async <T>(name: string, fn: () => Promise<T>): Promise<T | Failed> => {
    try {
      return await fn();
    } catch (err) {
      failed = true;
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
  const pgSkip = (): Skipped => ({ skipped: ctx.pgSkipReason ?? 'PostgreSQL skipped' });

  try {
    if (wanted.has('lifecycle')) {
      const sqlite = await section('lifecycle sqlite', () => measureLifecycle('sqlite', ctx, LIFECYCLE.sqlite));
      const postgres =
        ctx.pgUrl !== null ? await section('lifecycle postgres', () => measureLifecycle('postgres', ctx, LIFECYCLE.postgres)) : pgSkip();
      const figure = (r: typeof sqlite | typeof postgres, shape: 'sequential' | 'concurrent') =>
        'store' in r ? r[shape].tasksPerSec : null;
      report.lifecycle = {
        sqlite,
        postgres,
        ratioPgToSqlite: {
          sequential: ratio(figure(postgres, 'sequential'), figure(sqlite, 'sequential')),
          concurrent: ratio(figure(postgres, 'concurrent'), figure(sqlite, 'concurrent')),
        },
      };
    }
    let latency: Record<string, unknown> = {};
    if (wanted.has('latency')) {
      latency.sqlite = await section('latency sqlite', () =>
        measureAssignmentLatency('sqlite', ctx, LATENCY_SQLITE, { deadline: Number.POSITIVE_INFINITY }),
      );
      report.assignmentLatency = latency;
    }
    if (wanted.has('api')) {
      report.api = await section<ApiReport>('api', () => measureApi(ctx, API));
    }
    if (wanted.has('fanout')) {
      report.fanout = await section('fanout', () => measureFanout(ctx, FANOUT));
    }
    if (wanted.has('logs')) {
      report.logs = {
        sqlite: await section('logs sqlite', () => measureLogs('sqlite', ctx, LOGS)),
        postgres: ctx.pgUrl !== null ? await section('logs postgres', () => measureLogs('postgres', ctx, LOGS)) : pgSkip(),
      };
    }
    if (wanted.has('notify')) {
      report.notifications = {
        sqlite: await section('notifications sqlite', () => measureNotifications('sqlite', ctx, NOTIFY)),
        postgres:
          ctx.pgUrl !== null ? await section('notifications postgres', () => measureNotifications('postgres', ctx, NOTIFY)) : pgSkip(),
      };
    }
    if (wanted.has('latency')) {
      latency.postgres =
        ctx.pgUrl !== null
          ? await section('latency postgres', () => measureAssignmentLatency('postgres', ctx, LATENCY_POSTGRES, { deadline }))
          : pgSkip();
      latency = { acceptance: acceptance(latency), ...latency };
      report.assignmentLatency = latency;
    }
    if (peersOptions !== null) {
      report.peers = await section('peers', () => measurePeers(ctx, peersOptions));
    }
  } finally {
    await unwind();
  }
  // Ctrl-C: the signal handler cleans up and exits; half a report would read as real figures.
  if (interrupted) return;
  (report.meta as Record<string, unknown>).wallSeconds = round((performance.now() - started) / 1000, 1);
  log(`done in ${round((performance.now() - started) / 1000, 1)} s`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (failed) process.exitCode = 1;
}

/** The brief's bar in one place: every store's worst queue-growth ratio against {@link QUEUE_GROWTH_BAR}. */
function acceptance(latency: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { rule: `assignment p50 at 100k pending tasks within ${QUEUE_GROWTH_BAR}x of p50 at 1k` };
  for (const [store, r] of Object.entries(latency)) {
    if (r !== null && typeof r === 'object' && 'acceptance' in r) out[store] = r.acceptance;
  }
  return out;
}

/** The URL without its password, for printing. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
