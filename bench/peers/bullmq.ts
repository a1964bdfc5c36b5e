/**
 * BullMQ on the local Redis, configured as its README shows: a Queue to add to (with a
 * priority per job) and one Worker with concurrency 50 running a no-op processor; a job is
 * done when the Worker's `completed` event fires, after it moved the job to completed.
 * Every run uses a fresh queue name and obliterates it at the end.
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BenchContext } from '../support.js';
import { now, type SystemUnderTest } from './method.js';

export const REDIS = { host: '127.0.0.1', port: 6379 } as const;
/** BullMQ needs blocking commands never to be retried by the client (its docs' setting for workers). */
const CONNECTION = { ...REDIS, maxRetriesPerRequest: null };

/** Redis's version and persistence settings when it answers PING within two seconds, else why not. */
export async function redisInfo(): Promise<{ version: string; appendonly: string; appendfsync: string } | { skipped: string }> {
  const client = new Redis({ ...REDIS, lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('server');
    const config = async (key: string) => ((await client.config('GET', key)) as string[])[1] ?? 'unknown';
    return {
      version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      appendonly: await config('appendonly'),
      appendfsync: await config('appendfsync'),
    };
  } catch (err) {
    return { skipped: `Redis not reachable at ${REDIS.host}:${REDIS.port}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    client.disconnect();
  }
}

export async function openBullmq(ctx: BenchContext, concurrency: number): Promise<SystemUnderTest> {
  const name = `sb-bench-${randomBytes(5).toString('hex')}`;
  const queue = new Queue(name, { connection: CONNECTION });
  const close = ctx.cleanup.defer(`obliterate BullMQ queue ${name}`, async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  await queue.waitUntilReady();
  let worker: Worker | null = null;
  return {
    // BullMQ priorities: 1 is the highest, 0 means none, so the four levels are 1..4.
    add: async (job) => void (await queue.add('noop', { phase: job.phase, i: job.i }, { priority: job.priority + 1 })),
    async startWorkers(onDone) {
      worker = new Worker(name, async () => undefined, { connection: CONNECTION, concurrency });
      worker.on('completed', (job) => onDone(job.data.phase, job.data.i, now()));
      await worker.waitUntilReady();
    },
    async stopWorkers() {
      await worker?.close();
    },
    close,
    extras: () => ({ queue: name, concurrency }),
  };
}
