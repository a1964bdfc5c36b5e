import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type AppDeps } from '../../src/api/app.js';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy.js';
import type { Authenticator, Principal, Role } from '../../src/services/auth.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../../src/services/orchestrator.js';
import type { DispatchMode } from '../../src/services/orchestrator-deps.js';
import { createTokenAuthenticator } from '../../src/services/tokens.js';
import type { Store } from '../../src/core/ports.js';
import { openPostgresStore } from '../../src/storage/postgres/postgres-store.js';
import { createTestSchema, pgTestUrl } from '../../src/storage/postgres/test-database.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { ScoredCandidate } from '../../src/core/task.js';
import type { Metrics } from '../../src/services/types.js';
import type { reportView } from '../../src/api/routes/system.js';
import type { AgentView, EventView, TaskView } from '../../src/api/views.js';
import { countCommittedEvents } from '../../src/metrics/bus-counters.js';
import { timeClaims } from '../../src/metrics/claim-timing.js';
import { ServerMetrics } from '../../src/metrics/registry.js';
import { FakeClock } from './fake-clock.js';
import { NOTIFY_DEFAULTS } from '../../src/config.js';
import { createNotifications, type Notifications } from '../../src/notifications/module.js';

/** Tokens the in-test authenticator knows. `agent:<id>` tokens are bound to that agent. */
export const TOKENS = {
  admin: 'admin-token',
  operator: 'operator-token',
  viewer: 'viewer-token',
} as const;

/** A token bound to one agent id, for the `agent` role's rules. */
export function agentToken(agentId: string): string {
  return `agent-token:${agentId}`;
}

/** A tiny Authenticator: fixed tokens per role, plus one token per agent id. */
export class StaticAuthenticator implements Authenticator {
  async authenticate(token: string): Promise<Principal | null> {
    for (const [role, value] of Object.entries(TOKENS)) {
      if (token === value) return { subject: `token:${role}`, role: role as Role, agentId: null, tokenId: role };
    }
    const agent = /^agent-token:(.+)$/.exec(token);
    if (agent?.[1] !== undefined) return { subject: `agent:${agent[1]}`, role: 'agent', agentId: agent[1], tokenId: token };
    return null;
  }
}

/** What a test may vary; everything else is the production wiring. */
export interface HarnessOptions {
  dispatch?: DispatchMode;
  anonymousRole?: Role | 'none';
  bodyLimitBytes?: number;
  policy?: Policy;
  webRoot?: string | null;
  /** Reuse a database file (persistence tests). */
  file?: string;
  /** Which store backs the app: SQLite on a temp file (default) or PostgreSQL on a fresh schema (gate with describePg). */
  dialect?: 'sqlite' | 'postgres';
  /** Fastify's logger option (tests that read the server log pass a stream). */
  logger?: AppDeps['logger'];
  /** Mount the admin token routes (/api/tokens) on the real token service; authentication stays {@link StaticAuthenticator}. */
  tokenAdmin?: boolean;
  /** Collect Prometheus metrics and serve /metrics, wired as server.ts wires them (the scrape cache ages on the fake clock). */
  metrics?: boolean;
}

/** A real store (SQLite on a temp file, or PostgreSQL), the real orchestrator on a fake clock, and the app. */
export interface Harness {
  app: FastifyInstance;
  store: Store;
  orchestrator: Orchestrator;
  bus: EventBus;
  clock: FakeClock;
  /** The notification routes' service, outbox and dispatcher (on the fake clock: nothing is sent until it advances). */
  notifications: Notifications;
  file: string;
  /** The PostgreSQL schema holding this harness's tables; null on SQLite. */
  pgSchema: string | null;
  /** The server's metrics, when the harness was started with `metrics: true`. */
  metrics: ServerMetrics | null;
  /** Sends a request; `json` is the parsed body (`{}` when it is not JSON). */
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ statusCode: number; json: Json; headers: Record<string, unknown>; body: string }>;
  close(): Promise<void>;
}

/**
 * Every field any API response may carry, typed as present: a test reads the fields it
 * asserts on, and a missing one fails the test at the access or the assertion.
 */
export interface Json {
  success: boolean;
  error: string;
  code: string;
  details: Record<string, unknown>;
  taskId: string;
  agentId: string;
  message: string;
  task: TaskView;
  tasks: TaskView[];
  agent: AgentView;
  agents: AgentView[];
  events: EventView[];
  count: number;
  total: number;
  nextCursor: string | null;
  status: string;
  priority: string;
  changed: boolean;
  pending: number;
  requeued: string[];
  metrics: Metrics;
  report: ReturnType<typeof reportView>;
  candidates: ScoredCandidate[];
  blockedBy: string | null;
  timestamp: string;
  services: { store: boolean };
}

/** Builds the harness; every test closes it in afterEach. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.file === undefined ? mkdtempSync(join(tmpdir(), 'switchboard-api-')) : null;
  const file = options.file ?? join(dir as string, 'switchboard.db');
  const clock = new FakeClock();
  const pgSchema = options.dialect === 'postgres' ? createTestSchema() : null;
  const opened: Store =
    pgSchema === null
      ? openSqliteStore({ file })
      : await openPostgresStore({ connectionString: pgTestUrl(), schema: pgSchema.schema, poolSize: 4 });
  const metrics = options.metrics === true ? new ServerMetrics({ store: opened, clock, logger: silentLogger }) : null;
  const store = opened;
  metrics?.watchCommits(store);
  await store.migrate();
  const bus = new EventBus(silentLogger);
  if (metrics !== null) countCommittedEvents(bus, metrics);
  const policy = options.policy ?? DEFAULT_POLICY;
  const notifications = createNotifications({
    store,
    clock,
    policy,
    bus,
    logger: silentLogger,
    options: {
      ...NOTIFY_DEFAULTS,
      backoff: { baseMs: NOTIFY_DEFAULTS.backoffBaseMs, maxMs: NOTIFY_DEFAULTS.backoffMaxMs, maxAttempts: NOTIFY_DEFAULTS.maxAttempts },
      publicUrl: null,
    },
  });
  const created = createOrchestrator({
    store,
    clock,
    policy,
    bus,
    dispatch: options.dispatch ?? 'manual',
    logger: silentLogger,
    outbox: notifications.outbox,
  });
  const orchestrator = metrics === null ? created : timeClaims(created, metrics);
  const deps: AppDeps = {
    orchestrator,
    authenticator: new StaticAuthenticator(),
    anonymousRole: options.anonymousRole ?? 'operator',
    bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
    clock,
    webRoot: options.webRoot ?? null,
    logger: options.logger ?? false,
    ...(options.tokenAdmin === true ? { tokens: createTokenAuthenticator(store, clock) } : {}),
    ...(metrics === null ? {} : { metrics }),
    notifications: notifications.service,
  };
  const app = await buildApp(deps);
  await orchestrator.start();

  return {
    app,
    store,
    orchestrator,
    bus,
    clock,
    notifications,
    file,
    pgSchema: pgSchema?.schema ?? null,
    metrics,
    async request(method, url, body, headers = {}) {
      const res = await app.inject({
        method,
        url,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      let json: Json;
      try {
        json = JSON.parse(res.body) as Json;
      } catch {
        json = {} as Json;
      }
      return { statusCode: res.statusCode, json, headers: res.headers, body: res.body };
    },
    async close() {
      await app.close();
      await orchestrator.stop();
      await notifications.close();
      await store.close();
      await pgSchema?.dropSchema();
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    },
  };
}
