/**
 * Section (f): what notifications cost a transition. The same sequential lifecycle as section (a)
 * (create -> assign -> start -> complete, one task at a time) through the real orchestrator and
 * store, with the notification outbox and dispatcher wired as the server wires them, in two
 * configurations measured in alternating rounds so drift hits both alike:
 * - none: no channel;
 * - five: 5 webhook channels subscribed to every event these transitions append, the worst case:
 *   each transition writes 5 outbox rows in its transaction, and the dispatcher (same process,
 *   as on a server) signs and sends every one to a receiver in another process.
 * Figures: p50/p99/mean ms per transition, and the ratio five/none (issue 10's bar: within 10%).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { NOTIFY_DEFAULTS } from '../src/config.js';
import { DEFAULT_POLICY } from '../src/core/policy.js';
import type { Store } from '../src/core/ports.js';
import { createNotifications, type Notifications } from '../src/notifications/module.js';
import { EventBus, silentLogger } from '../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../src/services/orchestrator.js';
import { systemClock } from '../src/services/system-clock.js';
import {
  log,
  openBenchStore,
  ratio,
  round,
  summarize,
  timed,
  yieldToEventLoop,
  type BenchContext,
  type LatencySummary,
  type StoreKind,
} from './support.js';

export interface NotifyPlan {
  /** Tasks per round; rounds alternate none / five. */
  tasksPerRound: number;
  rounds: number;
  channels: number;
  /** false: the dispatcher is not started, so only the outbox writes are measured. */
  deliver: boolean;
}

export interface NotifyReport {
  store: StoreKind;
  plan: NotifyPlan;
  none: LatencySummary;
  fiveDefault: LatencySummary;
  fiveAll: LatencySummary;
  /** Each configuration's p50 and mean over none's: 1.00 is free. */
  ratio: { fiveDefault: { p50: number | null; mean: number | null }; fiveAll: { p50: number | null; mean: number | null } };
  notificationsDelivered: number;
}

const ACTOR = 'bench';
const EVENTS = ['task.created', 'task.assigned', 'task.started', 'task.completed'];

/** A receiver in its own process (a customer's endpoint is not on our event loop): answers 204 to everything. */
async function startReceiver(ctx: BenchContext): Promise<{ url: string; count: () => Promise<number> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `let n = 0; const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => { if (q.url === '/count') { r.end(String(n)); } else { n++; r.writeHead(204); r.end(); } }); });
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  ctx.cleanup.defer('stop the bench webhook receiver', () => void child.kill('SIGKILL'));
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${chunk.toString().trim()}`;
  return { url: `${url}/hook`, count: async () => Number(await (await fetch(`${url}/count`)).text()) };
}

export async function measureNotifications(kind: StoreKind, ctx: BenchContext, plan: NotifyPlan): Promise<NotifyReport> {
  log(`notifications ${kind}: ${plan.rounds} rounds x ${plan.tasksPerRound} lifecycles, ${plan.channels} channels vs none`);
  const receiver = await startReceiver(ctx);
  const samples = { none: [] as number[], fiveDefault: [] as number[], fiveAll: [] as number[] };
  const order = ['none', 'fiveDefault', 'fiveAll'] as const;
  const bench = await openBenchStore(kind, ctx);
  let delivered = 0;
  try {
    const { orchestrator, notifications } = await start(bench.store, plan.deliver);
    try {
      await orchestrator.registerAgent({ id: 'bench-notify', name: 'Bench', capabilities: ['ts'], maxConcurrentTasks: 1 }, ACTOR);
      const ids: string[] = [];
      for (let round = 0; round < plan.rounds; round++) {
        const config = order[round % order.length] ?? 'none';
        for (const id of ids.splice(0)) await notifications.service.deleteChannel(id);
        for (let c = 0; config !== 'none' && c < plan.channels; c++) {
          const { channel } = await notifications.service.createChannel({
            type: 'webhook',
            name: `bench ${c}`,
            ...(config === 'fiveAll' ? { events: EVENTS as never } : {}),
            settings: { url: receiver.url },
          });
          ids.push(channel.id);
        }
        await lifecycles(orchestrator, plan.tasksPerRound, samples[config]);
        // Let the dispatcher finish this round's sends before the next round's channels change.
        await notifications.dispatcher.idle();
      }
      delivered = await receiver.count();
    } finally {
      await orchestrator.stop();
      await notifications.close();
    }
  } finally {
    await bench.dispose();
  }
  const none = summarize(samples.none);
  const fiveDefault = summarize(samples.fiveDefault);
  const fiveAll = summarize(samples.fiveAll);
  const vs = (x: LatencySummary) => ({ p50: ratio(x.p50, none.p50), mean: ratio(x.mean, none.mean) });
  log(
    `notifications ${kind}: p50 ${none.p50} ms without channels, ${fiveDefault.p50} ms with ${plan.channels} on default rules, ${fiveAll.p50} ms with ${plan.channels} on every event; ${delivered} webhooks delivered`,
  );
  return {
    store: kind,
    plan,
    none,
    fiveDefault,
    fiveAll,
    ratio: { fiveDefault: vs(fiveDefault), fiveAll: vs(fiveAll) },
    notificationsDelivered: delivered,
  };
}

async function start(store: Store, deliver: boolean): Promise<{ orchestrator: Orchestrator; notifications: Notifications }> {
  const bus = new EventBus(silentLogger);
  const notifications = createNotifications({
    store,
    clock: systemClock,
    policy: DEFAULT_POLICY,
    bus,
    logger: silentLogger,
    options: {
      ...NOTIFY_DEFAULTS,
      backoff: { baseMs: NOTIFY_DEFAULTS.backoffBaseMs, maxMs: NOTIFY_DEFAULTS.backoffMaxMs, maxAttempts: NOTIFY_DEFAULTS.maxAttempts },
      publicUrl: null,
    },
  });
  const orchestrator = createOrchestrator({
    store,
    clock: systemClock,
    policy: DEFAULT_POLICY,
    bus,
    dispatch: 'manual',
    logger: silentLogger,
    outbox: notifications.outbox,
  });
  await orchestrator.start();
  if (deliver) notifications.start();
  return { orchestrator, notifications };
}

/** `count` sequential lifecycles; every transition's latency goes into `into`. */
async function lifecycles(orchestrator: Orchestrator, count: number, into: number[]): Promise<void> {
  const by = { agentId: 'bench-notify' };
  for (let i = 0; i < count; i++) {
    const created = await timed(() =>
      orchestrator.createTask({ title: `Notify ${i}`, priority: 'P2', requiredCapabilities: ['ts'] }, ACTOR),
    );
    const id = created.value.id;
    const assigned = await timed(() => orchestrator.assignTask(id, {}, ACTOR));
    const started = await timed(() => orchestrator.startTask(id, by, ACTOR));
    const completed = await timed(() => orchestrator.completeTask(id, { ok: true }, by, ACTOR));
    into.push(created.ms, assigned.ms, started.ms, completed.ms);
    await yieldToEventLoop();
  }
}
