/**
 * The PostgreSQL side of the peers section: a fresh database for the run (so the
 * transaction counters of `pg_stat_database` count only what the bench does there, not
 * other sessions on the shared `test` database), and those counters read once they are
 * complete.
 *
 * Why the wait: a backend adds its commits to the shared statistics at most once a second
 * while busy, and a backend that went idle within that second flushes 10 s later
 * (PostgreSQL 15+, PGSTAT_IDLE_INTERVAL; before 15 the collector lagged by about 0.5 s).
 * `pg_stat_force_next_flush()` only flushes the calling backend, not the store's pool, so it
 * cannot help here. Each reading therefore waits {@link STATS_SETTLE_MS} with the store idle,
 * then calls `pg_stat_clear_snapshot()` (so the read is not served from a cached snapshot)
 * and sums `xact_commit + xact_rollback`, from a connection to another database so the
 * reading itself is not counted.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { quoteIdent } from '../../src/storage/postgres/sql.js';
import { log, pgAdmin, type Cleanup } from '../support.js';

export const STATS_SETTLE_MS = 11_000;

export interface BenchDatabase {
  url: string;
  name: string;
  /** False when the database could not be created and the configured one is used (counters then include other sessions). */
  isolated: boolean;
}

export async function createBenchDatabase(cleanup: Cleanup, adminUrl: string): Promise<BenchDatabase> {
  const name = `sb_bench_${randomBytes(5).toString('hex')}`;
  try {
    await pgAdmin(adminUrl, async (c) => void (await c.query(`CREATE DATABASE ${quoteIdent(name)}`)));
  } catch (err) {
    log(`peers: cannot create a database (${err instanceof Error ? err.message : String(err)}); using the configured one`);
    return { url: adminUrl, name: new URL(adminUrl).pathname.slice(1), isolated: false };
  }
  cleanup.defer(`drop database ${name}`, () =>
    pgAdmin(adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`))),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, isolated: true };
}

/** Committed plus rolled-back transactions of `database` so far, after the counters settled. */
export async function settledTransactions(adminUrl: string, database: string): Promise<number> {
  await sleep(STATS_SETTLE_MS);
  return pgAdmin(adminUrl, async (c) => {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const r = await c.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1', [database]);
    return Number(r.rows[0]?.n ?? Number.NaN);
  });
}

/**
 * Phase hooks that count the database's transactions over the drain and over each paced
 * rate (where the 50 agents mostly wait in a long-poll), per task.
 */
export function transactionCounter(adminUrl: string, database: string) {
  const perTask: Record<string, number> = {};
  let mark = Number.NaN;
  const per = (n: number, tasks: number) => Math.round((n / tasks) * 100) / 100;
  return {
    perTask,
    hooks: {
      beforeDrain: async () => void (mark = await settledTransactions(adminUrl, database)),
      afterDrain: async (completed: number) => {
        const at = await settledTransactions(adminUrl, database);
        perTask.drain = per(at - mark, completed);
        mark = at;
      },
      afterPaced: async (rate: number, created: number) => {
        const at = await settledTransactions(adminUrl, database);
        perTask[`paced${rate}`] = per(at - mark, created);
        mark = at;
      },
    },
  };
}
