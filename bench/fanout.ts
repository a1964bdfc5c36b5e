/**
 * Section (d): what live clients cost the writers. The real server (src/main.ts, SQLite,
 * manual dispatch) runs as a child; creates come over HTTP from autocannon in a second
 * child, and the Socket.io clients live in a third (bench/fanout-clients.mjs), so the
 * server's event loop does only the server's work. Each pass measures creates with no
 * socket, then with `sockets` per-message clients (the seed's way: one frame per
 * message), then with `sockets` clients asking for `auth.batch` (one frame per flush),
 * while this process samples `/api/health`;
 * after each loaded run the clients report whether every socket received every created
 * task, as the seed's `task:created` and as the generic `event`. Medians over passes,
 * because the machine is shared.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** CPU the server spent per created task: unlike the rate, it holds up on a busy machine. Null off Linux. */
  serverCpuMsPerCreate: number | null;
  /** CPU the socket clients' process spent per created task (decoding what it was sent). */
  clientsCpuMsPerCreate: number | null;
}

export interface FanoutReport {
  server: string;
  sockets: number;
  passes: number;
  durationSec: number;
  connections: number;
  loadAverage: { before: number[]; after: number[] };
  medians: Record<Mode, PassResult> & {
    ratioPerMessage: number | null;
    ratioBatch: number | null;
    /**
     * Server CPU per create with no socket / with batch sockets: the rate ratio the server
     * alone allows, i.e. if the clients' decoding did not share this machine's cores.
     */
    serverBoundRatioBatch: number | null;
  };
  target: { rule: string; perMessage: boolean; batch: boolean; batchServerBound: boolean };
  delivery: Record<Exclude<Mode, 'none'>, Delivery[]>;
  runs: Record<Mode, PassResult[]>;
  health: Record<Mode, LatencySummary[]>;
}

/** No socket, `sockets` one-frame-per-message clients, `sockets` batch clients. */
const MODES = ['none', 'perMessage', 'batch'] as const;
type Mode = (typeof MODES)[number];

export async function measureFanout(ctx: BenchContext, plan: FanoutPlan): Promise<FanoutReport> {
  const before = loadavg().map((x) => round(x, 2));
  const { dir } = tempDir(ctx.cleanup, 'fanout');
  // warn: request lines would cost the same with and without sockets and blur the ratio.
  const server = await startServer(ctx, join(dir, 'fanout.db'), { LOG_LEVEL: 'warn' });
  if ('skipped' in server) throw new Error(server.skipped);
  const runs: FanoutReport['runs'] = { none: [], perMessage: [], batch: [] };
  const health: FanoutReport['health'] = { none: [], perMessage: [], batch: [] };
  const delivery: FanoutReport['delivery'] = { perMessage: [], batch: [] };
  try {
    for (let pass = 1; pass <= plan.passes; pass++) {
      for (const mode of MODES) {
        const clients = mode === 'none' ? null : await startClients(ctx, server.base, plan.sockets, mode === 'batch');
        try {
          const loaded = await loadWithProbe(ctx, server.base, plan, { server: server.pid, clients: clients?.pid });
          runs[mode].push(loaded.pass);
          health[mode].push(loaded.health);
          let got = '';
          if (clients !== null && mode !== 'none') {
            const d = await clients.verify(loaded.created);
            delivery[mode].push(d);
            got = `; ${d.complete}/${d.sockets} sockets got all ${d.expected} tasks`;
          }
          log(
            `fanout ${pass}/${plan.passes} ${mode}: ${loaded.pass.createsPerSec} creates/s, health p50 ${loaded.pass.healthP50Ms} ms, ` +
              `CPU per create: server ${loaded.pass.serverCpuMsPerCreate} ms, clients ${loaded.pass.clientsCpuMsPerCreate} ms${got}`,
          );
        } finally {
          await clients?.stop();
        }
      }
    }
  } finally {
    await server.stop();
  }
  const medians = { none: medianPass(runs.none), perMessage: medianPass(runs.perMessage), batch: medianPass(runs.batch) };
  const ratioOf = (m: PassResult) => (medians.none.createsPerSec > 0 ? round(m.createsPerSec / medians.none.createsPerSec, 2) : null);
  const ratioPerMessage = ratioOf(medians.perMessage);
  const ratioBatch = ratioOf(medians.batch);
  const meets = (ratio: number | null, d: Delivery[]) => ratio !== null && ratio >= 0.5 && d.every((x) => x.complete === x.sockets);
  const serverBoundRatioBatch =
    medians.none.serverCpuMsPerCreate !== null && medians.batch.serverCpuMsPerCreate
      ? round(medians.none.serverCpuMsPerCreate / medians.batch.serverCpuMsPerCreate, 2)
      : null;
  return {
    server: 'node --import tsx src/main.ts (SQLite, dispatch manual, LOG_LEVEL=warn)',
    sockets: plan.sockets,
    passes: plan.passes,
    durationSec: plan.durationSec,
    connections: plan.connections,
    loadAverage: { before, after: loadavg().map((x) => round(x, 2)) },
    medians: { ...medians, ratioPerMessage, ratioBatch, serverBoundRatioBatch },
    target: {
      rule: `creates with ${plan.sockets} sockets at least half the rate with none, every socket receiving every event`,
      perMessage: meets(ratioPerMessage, delivery.perMessage),
      batch: meets(ratioBatch, delivery.batch),
      batchServerBound: meets(serverBoundRatioBatch, delivery.batch),
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
  pids: { server: number | undefined; clients: number | undefined },
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
  const cpuBefore = { server: cpuMs(pids.server), clients: cpuMs(pids.clients) };
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
  const cpuAfter = { server: cpuMs(pids.server), clients: cpuMs(pids.clients) };
  const h = summarize(samples);
  // The server's own count: autocannon leaves out requests still in flight when it stops.
  const created = (await totalTasks(base)) - before;
  const perCreate = (a: number | null, b: number | null) =>
    a === null || b === null || created === 0 ? null : round((b - a) / created, 2);
  return {
    pass: {
      createsPerSec: Math.round(load.requestsPerSec),
      createP50Ms: load.latencyMs.p50,
      healthP50Ms: h.p50,
      serverCpuMsPerCreate: perCreate(cpuBefore.server, cpuAfter.server),
      clientsCpuMsPerCreate: perCreate(cpuBefore.clients, cpuAfter.clients),
    },
    health: h,
    created,
  };
}

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every mainstream kernel). */
const USER_HZ = 100;

/** User + system CPU of a process in ms, from /proc; null when there is no such process or no /proc. */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
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
  batch: boolean,
): Promise<{ pid: number | undefined; verify: (expected: number) => Promise<Delivery>; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLIENTS, JSON.stringify({ url: base, sockets, batch })], {
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
    pid: child.pid,
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
  const nullable = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : round(median(xs as number[]), 2));
  return {
    createsPerSec: median(passes.map((p) => p.createsPerSec)),
    createP50Ms: median(passes.map((p) => p.createP50Ms)),
    healthP50Ms: round(median(passes.map((p) => p.healthP50Ms))),
    serverCpuMsPerCreate: nullable(passes.map((p) => p.serverCpuMsPerCreate)),
    clientsCpuMsPerCreate: nullable(passes.map((p) => p.clientsCpuMsPerCreate)),
  };
}
