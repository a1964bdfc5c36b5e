/**
 * From passes to the figures people read: medians per system, the ratios Switchboard /
 * peer, issue 9's acceptance bars, and the text table.
 */
import { ratio, round } from '../support.js';
import type { PacedResult } from './method.js';
import type { PeersOptions } from './options.js';
import type { RawResult } from './raw.js';

/** One system's figures from one pass. */
export interface PassResult {
  loadAverage1m: number;
  enqueuePerSec: number;
  drainPerSec: number;
  drainCompleted: number;
  drainSeconds: number;
  lifecyclePerSec: number;
  paced: Record<string, PacedResult>;
  transactionsPerTask?: Record<string, number>;
  extras: Record<string, unknown>;
}

export type Outcome<T> = T | { skipped: string } | { error: string };

export interface RateSummary {
  p50: number | null;
  p99: number | null;
  /** Largest over passes: one pass leaving work undone is enough to say it. */
  undone: number | null;
  /** Of which adds that failed (largest over passes); the first error of each pass is in `passes`. */
  addErrors: number | null;
  completedPerSec: number | null;
}

export interface SystemSummary {
  passes: number;
  enqueuePerSec: number | null;
  drainPerSec: number | null;
  lifecyclePerSec: number | null;
  paced: Record<string, RateSummary>;
  transactionsPerTask?: Record<string, number | null>;
  /** Why there are no figures, when there are none. */
  missing?: string;
}

export interface PeersSummary {
  systems: Record<string, SystemSummary>;
  raw: Record<'sqlite' | 'postgres', { lifecyclesPerSec: number | null; settings: Record<string, unknown> | null; missing?: string }>;
  ratios: Record<string, Record<string, number | null>>;
}

const LABELS: Record<string, string> = {
  bullmq: 'BullMQ on Redis',
  graphile: 'graphile-worker (defaults, concurrency 50)',
  sqlite: 'Switchboard SQLite, in process, 50 agents claiming',
  'sqlite-auto': 'Switchboard SQLite, in process, auto dispatch',
  pg: 'Switchboard PostgreSQL, in process, 50 agents claiming',
  'pg-auto': 'Switchboard PostgreSQL, in process, auto dispatch',
  http: 'Switchboard over HTTP (SQLite, agents long-polling)',
};

/** Which peer each Switchboard system is compared with, and which raw store limit. */
const COMPARE: Record<string, { peer: string; raw: 'sqlite' | 'postgres' }> = {
  sqlite: { peer: 'bullmq', raw: 'sqlite' },
  'sqlite-auto': { peer: 'bullmq', raw: 'sqlite' },
  http: { peer: 'bullmq', raw: 'sqlite' },
  pg: { peer: 'graphile', raw: 'postgres' },
  'pg-auto': { peer: 'graphile', raw: 'postgres' },
};

export function median(values: readonly number[]): number | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return round(v.length % 2 === 1 ? (v[mid] ?? 0) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2, 2);
}

const isPass = <T extends object>(r: Outcome<T>): r is T => !('skipped' in r) && !('error' in r);
const why = (rs: readonly Outcome<object>[]) => {
  for (const r of rs) {
    if ('skipped' in r && typeof r.skipped === 'string') return r.skipped;
    if ('error' in r && typeof r.error === 'string') return `failed: ${r.error}`;
  }
  return 'not run';
};

export function summarise(
  passes: Partial<Record<string, Outcome<PassResult>[]>>,
  raw: Record<'sqlite' | 'postgres', Outcome<RawResult>[]>,
  rates: readonly number[],
): PeersSummary {
  const systems: Record<string, SystemSummary> = {};
  for (const [name, results] of Object.entries(passes)) {
    if (results === undefined) continue;
    const ok = results.filter(isPass);
    const pacedOf = (rate: number) => ok.map((r) => r.paced[rate]).filter((p): p is PacedResult => p !== undefined);
    const paced: Record<string, RateSummary> = {};
    for (const rate of rates) {
      const ps = pacedOf(rate);
      paced[rate] = {
        p50: median(ps.map((p) => p.e2eMs.p50)),
        p99: median(ps.map((p) => p.e2eMs.p99)),
        undone: ps.length === 0 ? null : Math.max(...ps.map((p) => p.undone)),
        addErrors: ps.length === 0 ? null : Math.max(...ps.map((p) => p.addErrors)),
        completedPerSec: median(ps.map((p) => p.completedPerSec)),
      };
    }
    const summary: SystemSummary = {
      passes: ok.length,
      enqueuePerSec: median(ok.map((r) => r.enqueuePerSec)),
      drainPerSec: median(ok.map((r) => r.drainPerSec)),
      lifecyclePerSec: median(ok.map((r) => r.lifecyclePerSec)),
      paced,
    };
    const tx = ok.map((r) => r.transactionsPerTask).filter((t): t is Record<string, number> => t !== undefined);
    if (tx.length > 0) {
      summary.transactionsPerTask = Object.fromEntries(Object.keys(tx[0] ?? {}).map((k) => [k, median(tx.map((t) => t[k] ?? Number.NaN))]));
    }
    if (ok.length === 0) summary.missing = why(results);
    systems[name] = summary;
  }
  const rawOf = (rs: Outcome<RawResult>[]) => {
    const ok = rs.filter(isPass);
    return {
      lifecyclesPerSec: median(ok.map((r) => r.lifecyclesPerSec)),
      settings: ok[0]?.settings ?? null,
      ...(ok.length === 0 ? { missing: why(rs) } : {}),
    };
  };
  const rawSummary = { sqlite: rawOf(raw.sqlite), postgres: rawOf(raw.postgres) };
  const ratios: Record<string, Record<string, number | null>> = {};
  for (const [name, { peer, raw: store }] of Object.entries(COMPARE)) {
    const s = systems[name];
    if (s === undefined) continue;
    const p = systems[peer];
    const r: Record<string, number | null> = {
      [`enqueue / ${peer}`]: ratio(s.enqueuePerSec, p?.enqueuePerSec),
      [`drain / ${peer}`]: ratio(s.drainPerSec, p?.drainPerSec),
    };
    for (const rate of rates) {
      r[`p50 @${rate}/s / ${peer}`] = ratio(s.paced[rate]?.p50, p?.paced[rate]?.p50);
      r[`p99 @${rate}/s / ${peer}`] = ratio(s.paced[rate]?.p99, p?.paced[rate]?.p99);
    }
    r[`lifecycle / raw ${store}`] = ratio(s.lifecyclePerSec, rawSummary[store].lifecyclesPerSec);
    ratios[name] = r;
  }
  return { systems, raw: rawSummary, ratios };
}

/** Issue 9's bars, each true/false, or null when a figure it needs is missing. */
export function acceptance(summary: PeersSummary): Record<string, Record<string, boolean | null>> {
  const at = (s: string, rate: number) => summary.systems[s]?.paced[rate];
  const below = (v: number | null | undefined, bar: number) => (v == null ? null : v < bar);
  const atLeast = (v: number | null | undefined, bar: number) => (v == null ? null : v >= bar);
  const all = (rate: RateSummary | undefined) => (rate?.undone == null ? null : rate.undone === 0);
  const sync = summary.raw.sqlite.settings?.synchronous;
  const tx = summary.systems.pg?.transactionsPerTask;
  const txMax = tx === undefined ? null : Math.max(...Object.values(tx).map((v) => v ?? Number.POSITIVE_INFINITY));
  return {
    sqlite: {
      'drain >= 0.5x BullMQ': atLeast(summary.ratios.sqlite?.['drain / bullmq'], 0.5),
      'lifecycle/s > raw store limit': atLeast(summary.ratios.sqlite?.['lifecycle / raw sqlite'], 1.000001),
      'every task done @500/s': all(at('sqlite', 500)),
      'p99 < 20 ms @500/s': below(at('sqlite', 500)?.p99, 20),
      'synchronous=FULL': sync == null ? null : sync === 'FULL' || sync === 'EXTRA',
    },
    http: {
      'drain >= 2,000/s': atLeast(summary.systems.http?.drainPerSec, 2_000),
      'every task done @500/s': all(at('http', 500)),
      'p99 < 50 ms @500/s': below(at('http', 500)?.p99, 50),
    },
    pg: {
      'drain >= 1.0x graphile-worker': atLeast(summary.ratios.pg?.['drain / graphile'], 1),
      'every task done @500/s': all(at('pg', 500)),
      'p99 < 100 ms @500/s': below(at('pg', 500)?.p99, 100),
      'store transactions per task <= 3': txMax === null ? null : txMax <= 3,
    },
  };
}

const fmt = (v: number | null | undefined) => (v == null ? '-' : v >= 100 ? Math.round(v).toLocaleString('en-US') : String(v));

/** The table as lines of Markdown, for the terminal and for bench/README.md. */
export function formatTable(summary: PeersSummary, options: PeersOptions, load: { loadBefore: number; loadAfter: number }): string[] {
  const rateHeads = options.rates.map((r) => `e2e p50 / p99 ms @${r}/s`);
  const lines = [
    `| system | enqueue/s | drain/s | lifecycle/s | ${rateHeads.join(' | ')} |`,
    `|---|---|---|---|${options.rates.map(() => '---|').join('')}`,
  ];
  for (const [name, s] of Object.entries(summary.systems)) {
    if (s.missing !== undefined) {
      lines.push(`| ${LABELS[name] ?? name} | ${s.missing} |`);
      continue;
    }
    const cells = options.rates.map((rate) => {
      const p = s.paced[rate];
      const failed = p?.addErrors != null && p.addErrors > 0 ? `, ${fmt(p.addErrors)} adds failed` : '';
      const undone = p?.undone != null && p.undone > 0 ? ` (${fmt(p.undone)} undone${failed})` : '';
      return `${fmt(p?.p50)} / ${fmt(p?.p99)}${undone}`;
    });
    lines.push(
      `| ${LABELS[name] ?? name} | ${fmt(s.enqueuePerSec)} | ${fmt(s.drainPerSec)} | ${fmt(s.lifecyclePerSec)} | ${cells.join(' | ')} |`,
    );
  }
  for (const store of ['sqlite', 'postgres'] as const) {
    const r = summary.raw[store];
    if (r.lifecyclesPerSec === null && r.missing === 'not run') continue;
    const settings =
      r.settings === null
        ? ''
        : ` (${Object.entries(r.settings)
            .map(([k, v]) => `${k} ${String(v)}`)
            .join(', ')})`;
    lines.push(
      `| raw ${store} store limit, 1 transaction per step${settings} | | | ${r.lifecyclesPerSec === null ? (r.missing ?? '-') : fmt(r.lifecyclesPerSec)} |${options.rates.map(() => ' |').join('')}`,
    );
  }
  lines.push('', 'Ratios (Switchboard / peer; above 1 is faster for rates, slower for latencies):');
  for (const [name, r] of Object.entries(summary.ratios)) {
    const known = Object.entries(r).filter(([, v]) => v !== null);
    if (known.length > 0) lines.push(`- ${name}: ${known.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const name of ['pg', 'pg-auto']) {
    const t = summary.systems[name]?.transactionsPerTask;
    if (t !== undefined)
      lines.push(
        `- ${name}: store transactions per task (pg_stat_database): ${Object.entries(t)
          .map(([k, v]) => `${k} ${v ?? '-'}`)
          .join(', ')}`,
      );
  }
  lines.push(
    '',
    `${options.jobs} jobs, ${options.passes} pass(es), medians; 1-minute load average ${load.loadBefore} before, ${load.loadAfter} after.`,
  );
  return lines;
}
