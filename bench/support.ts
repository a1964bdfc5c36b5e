/**
 * Shared plumbing of `npm run bench`: timing and percentiles, progress lines, a cleanup
 * stack, throwaway SQLite files and PostgreSQL schemas, and a real orchestrator wired the
 * way main.ts wires it (manual dispatch, system clock). Kept apart from the sections so
 * every figure is measured and summarised the same way.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import pg from 'pg';
import { SwitchboardError } from '../src/core/errors.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import type { Store } from '../src/core/ports.js';
import { EventBus, silentLogger } from '../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../src/services/orchestrator.js';
import { systemClock } from '../src/services/system-clock.js';
import { openPostgresStore } from '../src/storage/postgres/postgres-store.js';
import { quoteIdent } from '../src/storage/postgres/sql.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';

/** How long the PostgreSQL probe waits before the PostgreSQL figures are skipped. */
const PG_PROBE_TIMEOUT_MS = 2_000;

/** The two adapters of the Store port, measured side by side. */
export type StoreKind = 'sqlite' | 'postgres';

/** Progress goes to stderr so stdout carries exactly one JSON document. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Milliseconds (or any figure) rounded for printing; JSON with 15 digits reads as noise. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `a / b` rounded, or null when `b` is missing or zero (a ratio must never print as Infinity). */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || b === 0) return null;
  return round(a / b, 2);
}

/** Latency figures in milliseconds. */
export interface LatencySummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (no interpolation: every value was observed). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

/** Wall time of `fn` in milliseconds, from the monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/**
 * Lets the event loop turn. better-sqlite3 is synchronous, so a loop of SQLite
 * transactions runs entirely on microtasks and would never see a signal (Ctrl-C could
 * not clean up) or a child's output. Called between samples, never inside a timed region.
 */
export function yieldToEventLoop(): Promise<void> {
  return nextMacrotask();
}

/**
 * Everything the bench creates (files, schemas, child processes, stores) registers its
 * undo here; run.ts unwinds it in reverse on success, failure and SIGINT/SIGTERM.
 */
export class Cleanup {
  readonly #steps: { name: string; fn: () => Promise<void> | void }[] = [];

  /** Registers `fn`; the returned function runs it early (once) and unregisters it. */
  defer(name: string, fn: () => Promise<void> | void): () => Promise<void> {
    const step = { name, fn };
    this.#steps.push(step);
    return async () => {
      const i = this.#steps.indexOf(step);
      if (i < 0) return;
      this.#steps.splice(i, 1);
      await fn();
    };
  }

  /** Runs every step, newest first; a failing step is reported and the rest still run. */
  async runAll(): Promise<void> {
    for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
      try {
        await step.fn();
      } catch (err) {
        log(`cleanup "${step.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/** What every section gets from run.ts. */
export interface BenchContext {
  cleanup: Cleanup;
  /** PostgreSQL URL when the server answered the probe, else null (PostgreSQL figures are skipped). */
  pgUrl: string | null;
  /** Why PostgreSQL is skipped, when it is. */
  pgSkipReason: string | null;
}

/** A fresh directory under the OS temp dir, removed by the cleanup stack. */
export function tempDir(cleanup: Cleanup, prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-${prefix}-`));
  const remove = cleanup.defer(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/** True when `url` accepts a connection and answers `SELECT 1` within two seconds. */
export async function pgReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs SQL on a short-lived admin connection (schema drops, EXPLAIN, ANALYZE). */
export async function pgAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An opened, migrated store and how to undo it (close, then delete its file or drop its schema). */
export interface BenchStore {
  kind: StoreKind;
  store: Store;
  /** SQLite file or PostgreSQL schema, for EXPLAIN from outside the adapter. */
  location: string;
  dispose: () => Promise<void>;
}

/**
 * A fresh store of `kind`: a temp SQLite file, or a new `sb_bench_<hex>` schema that is
 * dropped (CASCADE) when disposed. The disposal is on the cleanup stack, so a crash midway
 * leaves nothing behind.
 */
export async function openBenchStore(kind: StoreKind, ctx: BenchContext): Promise<BenchStore> {
  if (kind === 'sqlite') {
    const { dir, remove } = tempDir(ctx.cleanup, 'sqlite');
    const file = join(dir, 'bench.db');
    const store = openSqliteStore({ file });
    const close = ctx.cleanup.defer(`close sqlite ${file}`, () => store.close());
    await store.migrate();
    return { kind, store, location: file, dispose: async () => (await close(), await remove()) };
  }
  const url = ctx.pgUrl;
  if (url === null) throw new Error('PostgreSQL is not reachable');
  const schema = `sb_bench_${randomBytes(5).toString('hex')}`;
  const drop = ctx.cleanup.defer(`drop schema ${schema}`, () =>
    pgAdmin(url, async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`))),
  );
  const store = await openPostgresStore({ connectionString: url, schema });
  const close = ctx.cleanup.defer(`close postgres ${schema}`, () => store.close());
  await store.migrate();
  return { kind, store, location: schema, dispose: async () => (await close(), await drop()) };
}

/** Counts transactions and lost guarded writes, to explain a throughput figure. */
export interface TxCounter {
  transactions: number;
  versionConflicts: number;
}

/** The same store, with `transaction` counted (attempts and VERSION_CONFLICT failures). */
export function countingStore(store: Store): { store: Store; counter: TxCounter } {
  const counter: TxCounter = { transactions: 0, versionConflicts: 0 };
  const counted: Store = {
    capabilities: store.capabilities,
    tasks: store.tasks,
    agents: store.agents,
    events: store.events,
    idempotency: store.idempotency,
    tokens: store.tokens,
    logs: store.logs,
    notifications: store.notifications,
    migrate: () => store.migrate(),
    close: () => store.close(),
    onCommit: (listener) => store.onCommit(listener),
    async transaction(fn) {
      counter.transactions++;
      try {
        return await store.transaction(fn);
      } catch (err) {
        if (isCode(err, 'VERSION_CONFLICT')) counter.versionConflicts++;
        throw err;
      }
    },
  };
  return { store: counted, counter };
}

export function isCode(err: unknown, code: string): boolean {
  return err instanceof SwitchboardError && err.code === code;
}

/**
 * The orchestrator as main.ts builds it, in manual dispatch so the bench decides when
 * assignment happens. Started (timers armed) like the server; stopped by the caller.
 */
export async function startBenchOrchestrator(store: Store): Promise<Orchestrator> {
  const orchestrator = createOrchestrator({
    store,
    clock: systemClock,
    policy: DEFAULT_POLICY,
    bus: new EventBus(silentLogger),
    dispatch: 'manual',
    logger: silentLogger,
  });
  await orchestrator.start();
  return orchestrator;
}
