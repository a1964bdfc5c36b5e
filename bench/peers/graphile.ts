/**
 * graphile-worker on PostgreSQL with its defaults (pool of 10 connections, LISTEN/NOTIFY
 * wake-ups, 2 s poll interval, no local queue or batched completion), except
 * `concurrency: 50`, which is how its docs say "50 jobs at once" in one worker pool. Jobs are
 * added with WorkerUtils.addJob (priority 0..3, smaller runs first); a job is done when the
 * pool emits `job:complete`, i.e. its result was written back. Each run gets a fresh schema,
 * dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger, makeWorkerUtils, run, type Runner, type WorkerEvents } from 'graphile-worker';
import { quoteIdent } from '../../src/storage/postgres/sql.js';
import { log, pgAdmin, type Cleanup } from '../support.js';
import { now, type SystemUnderTest } from './method.js';

/**
 * Errors only: with concurrency above the pool size it warns once per start ("may lead to
 * non-optimal performance"), which is the default pool we mean to measure.
 */
const quiet = new Logger(() => (level, message) => {
  if (level === 'error') log(`graphile-worker: ${message}`);
});

export async function openGraphile(cleanup: Cleanup, connectionString: string, concurrency: number): Promise<SystemUnderTest> {
  const schema = `gw_bench_${randomBytes(5).toString('hex')}`;
  const drop = cleanup.defer(`drop schema ${schema}`, () =>
    pgAdmin(connectionString, async (c) => void (await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`))),
  );
  const utils = await makeWorkerUtils({ connectionString, schema, logger: quiet });
  const release = cleanup.defer('release graphile-worker utils', () => utils.release());
  await utils.migrate();
  let runner: Runner | null = null;
  return {
    add: async (job) => void (await utils.addJob('noop', { phase: job.phase, i: job.i }, { priority: job.priority })),
    async startWorkers(onDone) {
      const events: WorkerEvents = new EventEmitter();
      events.on('job:complete', ({ job, error }) => {
        const payload = job.payload as { phase?: string; i?: number };
        if (error == null && payload.phase !== undefined && payload.i !== undefined) onDone(payload.phase, payload.i, now());
      });
      runner = await run({
        connectionString,
        schema,
        concurrency,
        noHandleSignals: true,
        logger: quiet,
        events,
        taskList: { noop: async () => undefined },
      });
    },
    async stopWorkers() {
      await runner?.stop();
    },
    async close() {
      await release();
      await drop();
    },
    extras: () => ({ schema, concurrency, maxPoolSize: 'default (10)' }),
  };
}
