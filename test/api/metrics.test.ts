import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ServerMetrics } from '../../src/metrics/registry.js';
import { METRICS_STORE_READ_TTL_DEFAULT_MS } from '../../src/metrics/scrape-cache.js';
import { startServer, type ServerHandle } from '../../src/server.js';
import { describePg } from '../../src/storage/postgres/test-database.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { TOKENS, agentToken, startHarness, type Harness } from '../support/api-harness.js';

/** One sample line of the text exposition format: `name{label="value",...} number`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (comments skipped), failing on a line that is not a sample. */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (m === null) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
      return { name: m[1] ?? '', labels, value: Number(m[3]) };
    });
}

/** The sample with this name whose labels include `labels`, or undefined. */
function sample(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** Its value; a series that is absent reads 0 (a gauge with no tasks in a group has no series). */
const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) => sample(samples, name, labels)?.value ?? 0;

const viewer = { authorization: `Bearer ${TOKENS.viewer}` };
const operator = { authorization: `Bearer ${TOKENS.operator}` };
const AGENT = 'metrics-agent';
const asAgent = { authorization: `Bearer ${agentToken(AGENT)}` };

function metricsSuite(dialect: 'sqlite' | 'postgres'): void {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect, anonymousRole: 'none', metrics: true });
  });
  afterEach(async () => h.close());

  async function scrape(): Promise<Sample[]> {
    const res = await h.request('GET', '/metrics', undefined, viewer);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.body);
  }
  /** Past the scrape cache, so the next scrape reads the store again. */
  const expireCache = () => h.clock.advance(METRICS_STORE_READ_TTL_DEFAULT_MS);

  it('answers 401 without a token and 200 with the read permission; hidden from the OpenAPI document', async () => {
    const anonymous = await h.request('GET', '/metrics');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json.code).toBe('UNAUTHENTICATED');
    expect(await scrape()).not.toEqual([]);
    const doc = (await h.request('GET', '/api/openapi.json')).json as unknown as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });

  it('counts a create, claim and complete cycle: queue depth up then down, claims, assignments, latencies, commits, HTTP routes', async () => {
    const before = await scrape();
    expect(sample(before, 'switchboard_queue_depth')).toBeUndefined();
    expect(valueOf(before, 'switchboard_tasks_in_flight')).toBe(0);

    const p1 = (await h.request('POST', '/api/tasks', { title: 'plain', priority: 'P1' }, operator)).json.task;
    const p3 = (await h.request('POST', '/api/tasks', { title: 'typed', priority: 'P3', requiredCapabilities: ['TypeScript'] }, operator))
      .json.task;
    expireCache();
    const queued = await scrape();
    expect(valueOf(queued, 'switchboard_queue_depth', { priority: 'P1', capability: '' })).toBe(1);
    expect(valueOf(queued, 'switchboard_queue_depth', { priority: 'P3', capability: 'typescript' })).toBe(1);
    expect(queued.filter((s) => s.name === 'switchboard_queue_depth')).toHaveLength(2);

    const registered = await h.request(
      'POST',
      '/api/agents',
      { id: AGENT, name: 'Metrics', capabilities: ['typescript'], maxConcurrentTasks: 2 },
      operator,
    );
    expect(registered.statusCode).toBe(201);
    // Both tasks wait 6 s (fake clock) from creation to their claim.
    h.clock.advance(5_000);
    const first = await h.request('POST', `/api/agents/${AGENT}/claim`, {}, asAgent);
    const second = await h.request('POST', `/api/agents/${AGENT}/claim`, {}, asAgent);
    expect([first.json.task.id, second.json.task.id]).toEqual([p1.id, p3.id]);
    const none = await h.request('POST', `/api/agents/${AGENT}/claim`, {}, asAgent);
    expect(none.json.task).toBeNull();
    expect((await h.request('POST', `/api/tasks/${p1.id}/complete`, { result: 'done' }, asAgent)).statusCode).toBe(200);
    expect((await h.request('GET', '/api/tasks/TASK-404', undefined, viewer)).statusCode).toBe(404);
    expect((await h.request('GET', '/no/such/page', undefined, viewer)).statusCode).toBe(404);

    expireCache();
    const after = await scrape();
    expect(sample(after, 'switchboard_queue_depth')).toBeUndefined();
    expect(valueOf(after, 'switchboard_tasks_in_flight')).toBe(1);
    expect(valueOf(after, 'switchboard_claims_total', { outcome: 'task' })).toBe(2);
    expect(valueOf(after, 'switchboard_claims_total', { outcome: 'empty' })).toBe(1);
    expect(valueOf(after, 'switchboard_claim_duration_seconds_count', { outcome: 'task' })).toBe(2);
    expect(valueOf(after, 'switchboard_assignments_total', { mode: 'claim' })).toBe(2);
    const latency = { mode: 'claim' };
    expect(valueOf(after, 'switchboard_assignment_latency_seconds_count', latency)).toBe(2);
    expect(valueOf(after, 'switchboard_assignment_latency_seconds_sum', latency)).toBeCloseTo(12, 6);
    expect(valueOf(after, 'switchboard_assignment_latency_seconds_bucket', { ...latency, le: '5' })).toBe(0);
    expect(valueOf(after, 'switchboard_assignment_latency_seconds_bucket', { ...latency, le: '15' })).toBe(2);

    // Every write was one committed transaction of one unit (until group commit batches them).
    const commits = valueOf(after, 'switchboard_store_commit_seconds_count');
    expect(commits).toBeGreaterThanOrEqual(6);
    expect(valueOf(after, 'switchboard_store_batch_units_count')).toBe(commits);
    expect(valueOf(after, 'switchboard_store_batch_units_sum')).toBe(commits);

    const http = (labels: Record<string, string>) => valueOf(after, 'switchboard_http_request_duration_seconds_count', labels);
    expect(http({ route: '/api/agents/:agentId/claim', method: 'POST', status: '200' })).toBe(3);
    expect(http({ route: '/api/tasks', method: 'POST', status: '201' })).toBe(2);
    expect(http({ route: '/api/tasks/:taskId', method: 'GET', status: '404' })).toBe(1);
    expect(http({ route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(http({ route: '/metrics', method: 'GET', status: '200' })).toBe(2);
    const routes = new Set(after.filter((s) => s.name.startsWith('switchboard_http_')).map((s) => s.labels.route));
    expect([...routes].filter((r) => r === undefined || /TASK-|metrics-agent|no\/such/.test(r))).toEqual([]);

    expect(sample(after, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(valueOf(after, 'switchboard_socket_connections')).toBe(0);
  });

  it('shares one store read between the scrapes of a second', async () => {
    await scrape();
    await h.request('POST', '/api/tasks', { title: 'late', priority: 'P2' }, operator);
    expect(sample(await scrape(), 'switchboard_queue_depth')).toBeUndefined();
    expireCache();
    expect(valueOf(await scrape(), 'switchboard_queue_depth', { priority: 'P2', capability: '' })).toBe(1);
  });

  it('counts failed notifications by channel, as the notifier reports them', async () => {
    h.metrics?.notificationFailed('ops-webhook');
    h.metrics?.notificationFailed('ops-webhook');
    expect(valueOf(await scrape(), 'switchboard_notifications_failed_total', { channel: 'ops-webhook' })).toBe(2);
  });
}

describe('GET /metrics (SQLite)', () => metricsSuite('sqlite'));

describe('ServerMetrics when the store cannot answer', () => {
  it('reports the queue gauges unknown (no queue series, in-flight NaN), logs why, and serves the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-metrics-'));
    try {
      const store = openSqliteStore({ file: join(dir, 'db.sqlite') });
      await store.migrate();
      await store.close();
      const warnings: unknown[] = [];
      const logger = { info() {}, error() {}, warn: (obj: unknown) => void warnings.push(obj) };
      const metrics = new ServerMetrics({ store, clock: new FakeClock(), logger });
      metrics.observeCommit(0.002, 1);
      const samples = parseExposition(await metrics.render());
      expect(valueOf(samples, 'switchboard_tasks_in_flight')).toBeNaN();
      expect(sample(samples, 'switchboard_queue_depth')).toBeUndefined();
      expect(valueOf(samples, 'switchboard_store_commit_seconds_count')).toBe(1);
      expect(sample(samples, 'nodejs_eventloop_lag_seconds')).toBeDefined();
      // Both gauges asked within one scrape: one read, one warning.
      expect(warnings.length).toBeGreaterThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describePg('GET /metrics (PostgreSQL)', () => metricsSuite('postgres'));

describe('GET /metrics on the server npm start runs', () => {
  let handle: ServerHandle | null = null;
  let dir: string | null = null;
  let socket: Socket | null = null;
  afterEach(async () => {
    socket?.disconnect();
    socket = null;
    await handle?.close();
    handle = null;
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  async function start(env: Record<string, string>): Promise<{ url: string; admin: string; printed: string }> {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-metrics-'));
    const config = loadConfig(
      { PORT: '0', SWITCHBOARD_DATA: join(dir, 'db.sqlite'), LOG_LEVEL: 'silent', SWITCHBOARD_ANONYMOUS_ROLE: 'none', ...env },
      ['node', 'switchboard'],
    );
    const out: string[] = [];
    handle = await startServer(config, { print: (text) => out.push(text) });
    const printed = out.join('');
    return { url: handle.url, admin: /sbt_\S+/.exec(printed)?.[0] ?? '', printed };
  }

  it('is on by default behind a token, times the store and HTTP, and counts open sockets', async () => {
    const { url, admin, printed } = await start({});
    expect(printed).toContain(`metrics:   ${url}/metrics`);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const auth = { authorization: `Bearer ${admin}` };
    expect(
      (await fetch(`${url}/api/tasks`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"title":"t"}' }))
        .status,
    ).toBe(201);
    socket = connect(url, { transports: ['websocket'], auth: { token: admin }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', resolve);
      socket?.once('connect_error', reject);
    });
    const res = await fetch(`${url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());
    expect(valueOf(samples, 'switchboard_socket_connections')).toBe(1);
    expect(valueOf(samples, 'switchboard_queue_depth', { priority: 'P2', capability: '' })).toBe(1);
    expect(valueOf(samples, 'switchboard_store_commit_seconds_count')).toBeGreaterThan(0);
    expect(
      valueOf(samples, 'switchboard_http_request_duration_seconds_count', { route: '/api/tasks', method: 'POST', status: '201' }),
    ).toBe(1);
  });

  it('SWITCHBOARD_METRICS=off serves no metrics', async () => {
    const { url, admin, printed } = await start({ SWITCHBOARD_METRICS: 'off' });
    expect(printed).not.toContain('/metrics');
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    // Not the text format: the dashboard's page fallback (or the JSON 404 when it is not built).
    expect(res.headers.get('content-type')).not.toMatch(/^text\/plain/);
    expect(await res.text()).not.toContain('switchboard_');
  });
});
