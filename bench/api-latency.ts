/**
 * Section (c): what a client sees over HTTP. The real server (src/main.ts, SQLite, manual
 * dispatch) runs as a child process exactly as `npm start` would run it, the load comes
 * from a second process (bench/api-load.mjs, autocannon), and the store is seeded with
 * 10k tasks first so the list endpoint reads a realistic table rather than an empty one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { seedTasks, seededRandom } from './seed.js';
import { log, tempDir, type BenchContext } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src', 'main.ts');
const LOAD = join(ROOT, 'bench', 'api-load.mjs');

/** How long the server may take to print its address (tsx compiles on the fly). */
const START_TIMEOUT_MS = 60_000;
/** SIGTERM, then SIGKILL after this long. */
const STOP_TIMEOUT_MS = 10_000;

export interface ApiPlan {
  seedTasks: number;
  durationSec: number;
  connections: number;
}

/** What api-load.mjs prints for one endpoint. */
export interface LoadResult {
  requestsPerSec: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export type ApiReport =
  | { skipped: string }
  | { server: string; seededTasks: number; connections: number; durationSec: number; endpoints: Record<string, LoadResult> };

/** A body accepted by POST /api/tasks (CreateTaskBody in src/api/schemas.ts). */
export const CREATE_BODY = {
  title: 'Bench API task',
  description: 'Created by npm run bench',
  priority: 'P2',
  requiredCapabilities: ['typescript'],
  labels: ['bench'],
};

export async function measureApi(ctx: BenchContext, plan: ApiPlan): Promise<ApiReport> {
  if (!existsSync(MAIN)) return { skipped: 'src/main.ts does not exist yet: API latency not measured' };
  const { dir } = tempDir(ctx.cleanup, 'api');
  const dataFile = join(dir, 'bench.db');
  log(`api: seeding ${plan.seedTasks} tasks into ${dataFile}`);
  const store = openSqliteStore({ file: dataFile });
  try {
    await store.migrate();
    await seedTasks(store, plan.seedTasks, { random: seededRandom(7), now: Date.now() });
  } finally {
    await store.close();
  }

  const server = await startServer(ctx, dataFile);
  if ('skipped' in server) return server;
  const endpoints: Record<string, LoadResult> = {};
  try {
    const scenarios = [
      { name: 'GET /api/tasks?limit=50', method: 'GET', path: '/api/tasks?limit=50' },
      { name: 'POST /api/tasks', method: 'POST', path: '/api/tasks', body: CREATE_BODY },
    ];
    for (const s of scenarios) {
      log(`api: ${s.name} for ${plan.durationSec} s, ${plan.connections} connections`);
      endpoints[s.name] = await runLoad(ctx, {
        url: `${server.base}${s.path}`,
        method: s.method,
        body: s.body,
        durationSec: plan.durationSec,
        connections: plan.connections,
      });
      const r = endpoints[s.name];
      if (r !== undefined)
        log(
          `api: ${s.name}: ${Math.round(r.requestsPerSec)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, non-2xx ${r.non2xx}`,
        );
    }
  } finally {
    await server.stop();
  }
  return {
    server: 'node --import tsx src/main.ts (SQLite, dispatch manual, default LOG_LEVEL)',
    seededTasks: plan.seedTasks,
    connections: plan.connections,
    durationSec: plan.durationSec,
    endpoints,
  };
}

/** A server child process started by {@link startServer}. */
export interface RunningServer {
  base: string;
  pid: number | undefined;
  stop: () => Promise<void>;
}

/** src/main.ts as a child on SQLite `dataFile` (manual dispatch, any free port); `extraEnv` overrides the rest. */
export async function startServer(
  ctx: BenchContext,
  dataFile: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningServer | { skipped: string }> {
  // SQLite unless the caller names a database itself: an inherited DATABASE_URL must not pick the store.
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA: dataFile,
    SWITCHBOARD_DISPATCH: 'manual',
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = ctx.cleanup.defer(`stop server pid ${child.pid}`, () => terminate(child));
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-2_000)));
  log(`api: started server pid ${child.pid}, waiting for its address`);
  const base = await new Promise<string | null>((resolve) => {
    let out = '';
    let found = false;
    const timer = setTimeout(() => resolve(null), START_TIMEOUT_MS);
    // Keep draining stdout after the address line: request logs must never fill the pipe.
    child.stdout?.on('data', (chunk: Buffer) => {
      if (found) return;
      out = (out + chunk.toString()).slice(-10_000);
      const match = /Switchboard listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] === undefined) return;
      found = true;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.once('exit', () => (clearTimeout(timer), resolve(null)));
  });
  if (base === null) {
    await stop();
    return { skipped: `the server did not start (exit code ${child.exitCode ?? 'none'}): ${stderrTail.trim().slice(-500)}` };
  }
  return { base, pid: child.pid, stop };
}

/** SIGTERM and wait for the exit; SIGKILL if it has not exited in time. */
export function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => (clearTimeout(kill), resolve()));
    child.kill('SIGTERM');
  });
}

/** Runs api-load.mjs as a separate process and parses its one JSON line. */
export async function runLoad(
  ctx: BenchContext,
  spec: { url: string; method: string; body?: unknown; durationSec: number; connections: number },
): Promise<LoadResult> {
  const child = spawn(process.execPath, [LOAD, JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = ctx.cleanup.defer(`stop load generator pid ${child.pid}`, () => terminate(child));
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2_000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  await done();
  if (code !== 0) throw new Error(`api-load.mjs exited with ${code}: ${err.trim()}`);
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as LoadResult;
}
