/**
 * Section (e): how many task log lines a server accepts over HTTP. The real server runs as
 * a child process (as in section c); 4 writers, each holding its own task, post batches of
 * 100 lines (about 80 bytes each, a CLI's typical output) back to back for a fixed time,
 * like 4 runners streaming at once. On SQLite, and on PostgreSQL when it is reachable.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { quoteIdent } from '../src/storage/postgres/sql.js';
import { startServer } from './api-latency.js';
import { log, pgAdmin, round, summarize, tempDir, type BenchContext, type LatencySummary } from './support.js';

export interface LogsPlan {
  writers: number;
  linesPerBatch: number;
  durationSec: number;
}

export type LogsReport =
  | { skipped: string }
  | {
      server: string;
      writers: number;
      linesPerBatch: number;
      durationSec: number;
      linesPerSec: number;
      batches: number;
      refused: number;
      /** Tasks written to: a writer moves to a fresh task when one's log is full. */
      tasks: number;
      batchLatencyMs: LatencySummary;
    };

const LINE = 'x'.repeat(72);

export async function measureLogs(kind: 'sqlite' | 'postgres', ctx: BenchContext, plan: LogsPlan): Promise<LogsReport> {
  const { dir } = tempDir(ctx.cleanup, 'logs');
  const env: Record<string, string> = { LOG_LEVEL: 'warn' };
  if (kind === 'postgres') {
    const url = ctx.pgUrl;
    if (url === null) return { skipped: ctx.pgSkipReason ?? 'PostgreSQL skipped' };
    const schema = `sb_bench_${randomBytes(5).toString('hex')}`;
    await pgAdmin(url, async (c) => void (await c.query(`CREATE SCHEMA ${quoteIdent(schema)}`)));
    ctx.cleanup.defer(`drop schema ${schema}`, () =>
      pgAdmin(url, async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`))),
    );
    const withSchema = new URL(url);
    withSchema.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = withSchema.toString();
  }
  const server = await startServer(ctx, join(dir, 'logs.db'), env);
  if ('skipped' in server) return server;
  try {
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(server.base + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { task?: { id: string } } };
    };
    // One agent; each writer holds a started task, so appends run under a lease. A task's log is capped
    // (5 MiB): a writer whose task is full moves on to a fresh one, so the figure never counts dropped lines.
    await call('POST', '/api/agents', { id: 'bench-runner', name: 'Bench runner', maxConcurrentTasks: 1000 });
    let made = 0;
    const heldTask = async (): Promise<string> => {
      const id = (await call('POST', '/api/tasks', { title: `logs bench ${made++}`, maxAttempts: 1 })).json.task?.id;
      if (id === undefined) throw new Error('could not create a task');
      await call('POST', `/api/tasks/${id}/assign`, { agentId: 'bench-runner' });
      await call('POST', `/api/tasks/${id}/start`, {});
      return id;
    };
    const taskIds: string[] = [];
    for (let i = 0; i < plan.writers; i++) taskIds.push(await heldTask());
    const body = JSON.stringify({ lines: Array.from({ length: plan.linesPerBatch }, (_, i) => ({ text: `${LINE} ${i}` })) });
    log(`logs ${kind}: ${plan.writers} writers, ${plan.linesPerBatch} lines per batch, ${plan.durationSec} s`);
    const until = performance.now() + plan.durationSec * 1000;
    const latencies: number[] = [];
    let accepted = 0;
    let refused = 0;
    const started = performance.now();
    await Promise.all(
      taskIds.map(async (first) => {
        let id = first;
        while (performance.now() < until) {
          const t0 = performance.now();
          const res = await fetch(`${server.base}/api/tasks/${id}/logs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          const json = (await res.json()) as { accepted?: number; truncated?: boolean };
          latencies.push(performance.now() - t0);
          if (res.status === 200) accepted += json.accepted ?? 0;
          else refused += 1;
          if (json.truncated === true) id = await heldTask();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const linesPerSec = Math.round(accepted / seconds);
    log(`logs ${kind}: ${linesPerSec} lines/s accepted`);
    return {
      server: `node --import tsx src/main.ts (${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, LOG_LEVEL=warn)`,
      writers: plan.writers,
      linesPerBatch: plan.linesPerBatch,
      durationSec: round(seconds, 1),
      linesPerSec,
      batches: latencies.length,
      refused,
      tasks: made,
      batchLatencyMs: summarize(latencies),
    };
  } finally {
    await server.stop();
  }
}
