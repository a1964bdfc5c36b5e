import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy.js';
import type { EventType } from '../../src/core/events.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../../src/services/orchestrator.js';
import type { DispatchMode } from '../../src/services/orchestrator-deps.js';
import type { PublishedEvent } from '../../src/services/types.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from './fake-clock.js';

/** A real orchestrator on a real SQLite file, driven by a fake clock. */
export interface OrchestratorHarness {
  orchestrator: Orchestrator;
  store: SqliteStore;
  clock: FakeClock;
  bus: EventBus;
  published: PublishedEvent[];
  /** Moves the clock and waits until the timers and dispatch it caused have settled. */
  advance(ms: number): Promise<void>;
  /** Types of the published events, in order. */
  types(filter?: (e: PublishedEvent) => boolean): EventType[];
  /** A second orchestrator on the same file, as after a restart (the first one is stopped). */
  restart(): Promise<OrchestratorHarness>;
  close(): Promise<void>;
}

export async function startOrchestrator(
  opts: { dispatch?: DispatchMode; policy?: Partial<Policy>; clock?: FakeClock; dir?: string } = {},
): Promise<OrchestratorHarness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sb-orch-'));
  const store = openSqliteStore({ file: join(dir, 'switchboard.db') });
  await store.migrate();
  const clock = opts.clock ?? new FakeClock();
  const bus = new EventBus(silentLogger);
  const published: PublishedEvent[] = [];
  bus.subscribe((e) => published.push(e));
  const policy = { ...DEFAULT_POLICY, ...opts.policy };
  const dispatch = opts.dispatch ?? 'auto';
  const orchestrator = createOrchestrator({ store, clock, policy, bus, dispatch, logger: silentLogger });
  await orchestrator.start();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await orchestrator.stop();
    await store.close();
  };
  const harness: OrchestratorHarness = {
    orchestrator,
    store,
    clock,
    bus,
    published,
    async advance(ms) {
      // Let work queued before the jump finish, then fire what falls due and let that finish.
      await orchestrator.settled();
      clock.advance(ms);
      await orchestrator.settled();
    },
    types: (filter) => published.filter(filter ?? (() => true)).map((p) => p.event.type),
    async restart() {
      await close();
      return startOrchestrator({ ...opts, clock, dir });
    },
    async close() {
      await close();
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
