/**
 * Section (d): what live clients cost the writers. The real server (src/main.ts, SQLite,
 * manual dispatch) runs as a child; creates come over HTTP from autocannon in a second
 * child, and the Socket.io clients live in a third (bench/fanout-clients.mjs), so the
 * server's event loop does only the server's work. Each pass measures creates with no
 * socket and then with `sockets` connected, while this process samples `/api/health`;
 * after each loaded run the clients report whether every socket received every created
 * task, as the seed's `task:created` and as the generic `event`. Medians over passes,
 * because the machine is shared.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CREATE_BODY, runLoad, startServer, terminate, type LoadResult } from './api-latency.js';
import { log, round, summarize, tempDir, type BenchContext, type LatencySummary } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = join(ROOT, 'bench', 'fanout-clients.mjs');
/** Pause between two health probes: a dashboard polls far less often, this only samples. */
const HEALTH_PROBE_GAP_MS = 50;

export interface FanoutPlan {
  sockets: number;
  passes: number;
  durationSec: number;
  connections: number;
}

/** What fanout-clients.mjs reports after a loaded run. */
export interface Delivery {
  sockets: number;
  expected: number;
  complete: number;
  minReceived: number;
  maxReceived: number;
  stillConnected: number;
  catchUpMs: number;
}

interface PassResult {
  createsPerSec: number;
  createP50Ms: number;
  healthP50Ms: number;
}

export interface FanoutReport {
  server: string;
  sockets: number;
  passes: number;
  durationSec: number;
  connections: number;
  loadAverage: { before: number[]; after: number[] };
  medians: { none: PassResult; withSockets: PassResult; ratio: number | null };
  target: { rule: string; pass: boolean };
  delivery: Delivery[];
  runs: { none: PassResult[]; withSockets: PassResult[] };
  health: { none: LatencySummary[]; withSockets: LatencySummary[] };
}

export async function measureFanout(ctx: BenchContext, plan: FanoutPlan): Promise<FanoutReport> {
  const before = loadavg().map((x) => round(x, 2));
  const { dir } = tempDir(ctx.cleanup, 'fanout');
  // warn: request lines would cost the same with and without sockets and blur the ratio.
  const server = await startServer(ctx, join(dir, 'fanout.db'), { LOG_LEVEL: 'warn' });
  if ('skipped' in server) throw new Error(server.skipped);
  const runs: FanoutReport['runs'] = { none: [], withSockets: [] };
  const health: FanoutReport['health'] = { none: [], withSockets: [] };
  const delivery: Delivery[] = [];
  try {
    for (let pass = 1; pass <= plan.passes; pass++) {
      const none = await loadWithProbe(ctx, server.base, plan);
      runs.none.push(none.pass);
      health.none.push(none.health);
      log(`fanout ${pass}/${plan.passes}: no sockets: ${none.pass.createsPerSec} creates/s, health p50 ${none.pass.healthP50Ms} ms`);

      const clients = await startClients(ctx, server.base, plan.sockets);
      try {
        const loaded = await loadWithProbe(ctx, server.base, plan);
        runs.withSockets.push(loaded.pass);
        health.withSockets.push(loaded.health);
        const got = await clients.verify(loaded.created);
        delivery.push(got);
        log(
          `fanout ${pass}/${plan.passes}: ${plan.sockets} sockets: ${loaded.pass.createsPerSec} creates/s, ` +
            `health p50 ${loaded.pass.healthP50Ms} ms; ${got.complete}/${got.sockets} sockets got all ${got.expected} tasks`,
        );
      } finally {
        await clients.stop();
      }
    }
  } finally {
    await server.stop();
  }
  const none = medianPass(runs.none);
  const withSockets = medianPass(runs.withSockets);
  const ratio = none.createsPerSec > 0 ? round(withSockets.createsPerSec / none.createsPerSec, 2) : null;
  return {
    server: 'node --import tsx src/main.ts (SQLite, dispatch manual, LOG_LEVEL=warn)',
    sockets: plan.sockets,
    passes: plan.passes,
    durationSec: plan.durationSec,
    connections: plan.connections,
    loadAverage: { before, after: loadavg().map((x) => round(x, 2)) },
    medians: { none, withSockets, ratio },
    target: {
      rule: `creates with ${plan.sockets} sockets at least half the rate with none, every socket receiving every event`,
      pass: ratio !== null && ratio >= 0.5 && delivery.every((d) => d.complete === d.sockets),
    },
    delivery,
    runs,
    health,
  };
}

/** Creates for `durationSec` while `/api/health` is sampled back to back from this process. */
async function loadWithProbe(
  ctx: BenchContext,
  base: string,
  plan: FanoutPlan,
): Promise<{ pass: PassResult; health: LatencySummary; created: number }> {
  let running = true;
  const samples: number[] = [];
  const probe = (async () => {
    while (running) {
      const start = performance.now();
      await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
      samples.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, HEALTH_PROBE_GAP_MS));
    }
  })();
  const before = await totalTasks(base);
  let load: LoadResult;
  try {
    load = await runLoad(ctx, {
      url: `${base}/api/tasks`,
      method: 'POST',
      body: CREATE_BODY,
      durationSec: plan.durationSec,
      connections: plan.connections,
    });
  } finally {
    running = false;
    await probe;
  }
  if (load.non2xx > 0 || load.errors > 0) throw new Error(`creates failed: ${load.non2xx} non-2xx, ${load.errors} errors`);
  const h = summarize(samples);
  return {
    pass: { createsPerSec: Math.round(load.requestsPerSec), createP50Ms: load.latencyMs.p50, healthP50Ms: h.p50 },
    health: h,
    // The server's own count: autocannon leaves out requests still in flight when it stops.
    created: (await totalTasks(base)) - before,
  };
}

async function totalTasks(base: string): Promise<number> {
  const body = (await (await fetch(`${base}/api/tasks/metrics`)).json()) as { metrics: { totalTasks: number } };
  return body.metrics.totalTasks;
}

/** Starts fanout-clients.mjs and resolves once all its sockets are connected. */
async function startClients(
  ctx: BenchContext,
  base: string,
  sockets: number,
): Promise<{ verify: (expected: number) => Promise<Delivery>; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLIENTS, JSON.stringify({ url: base, sockets })], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stop = ctx.cleanup.defer(`stop socket clients pid ${child.pid}`, () => terminate(child));
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2_000)));
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout?.on('data', (c: Buffer) => {
    buffered += c.toString();
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`fanout-clients.mjs exited with ${code}: ${err.trim()}`))),
  );
  exited.catch(() => undefined);
  const nextLine = () => Promise.race([new Promise<string>((r) => (lines.length > 0 ? r(lines.shift() ?? '') : waiters.push(r))), exited]);
  const ready = JSON.parse(await nextLine()) as { ready: number };
  if (ready.ready !== sockets) throw new Error(`only ${ready.ready} of ${sockets} sockets connected`);
  return {
    async verify(expected) {
      child.stdin?.write(`${JSON.stringify({ expect: expected })}\n`);
      return JSON.parse(await nextLine()) as Delivery;
    },
    stop,
  };
}

function medianPass(passes: PassResult[]): PassResult {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  };
  return {
    createsPerSec: median(passes.map((p) => p.createsPerSec)),
    createP50Ms: median(passes.map((p) => p.createP50Ms)),
    healthP50Ms: round(median(passes.map((p) => p.healthP50Ms))),
  };
}
