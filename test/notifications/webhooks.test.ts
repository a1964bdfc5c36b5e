import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { EscalationPolicy } from '../../src/core/escalation.js';
import { DEFAULT_ESCALATION } from '../../src/core/escalation.js';
import type { Clock } from '../../src/core/clock.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { NOTIFY_DEFAULTS } from '../../src/config.js';
import { FakeClock } from '../support/fake-clock.js';
import type { Store } from '../../src/core/ports.js';
import { createNotifications, type Notifications } from '../../src/notifications/module.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../../src/services/orchestrator.js';
import { systemClock } from '../../src/services/system-clock.js';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { StaticAuthenticator, TOKENS } from '../support/api-harness.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhook-receiver.js';

/** Short knobs so a receiver that is away for a few seconds costs a few seconds, not the default quarter hour. */
const KNOBS = {
  pollMs: 50,
  batchSize: 20,
  timeoutMs: 1_000,
  backoff: { baseMs: 50, maxMs: 400, maxAttempts: 40 },
  channelCacheMs: 0,
  publicUrl: 'https://switchboard.example.org',
};

interface Server {
  app: FastifyInstance;
  store: Store;
  orchestrator: Orchestrator;
  notifications: Notifications;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function startServer(options: { escalation?: EscalationPolicy; knobs?: Partial<typeof KNOBS>; clock?: Clock } = {}): Promise<Server> {
  const clock = options.clock ?? systemClock;
  const dir = mkdtempSync(join(tmpdir(), 'sb-notify-'));
  const store = openSqliteStore({ file: join(dir, 'sb.db') });
  await store.migrate();
  const bus = new EventBus(silentLogger);
  const notifications = createNotifications({
    store,
    clock,
    policy: DEFAULT_POLICY,
    bus,
    logger: silentLogger,
    options: { ...KNOBS, ...options.knobs },
  });
  const orchestrator = createOrchestrator({
    store,
    clock,
    policy: DEFAULT_POLICY,
    bus,
    dispatch: 'manual',
    logger: silentLogger,
    outbox: notifications.outbox,
    escalation: options.escalation ?? DEFAULT_ESCALATION,
  });
  const app = await buildApp({
    orchestrator,
    authenticator: new StaticAuthenticator(),
    anonymousRole: 'none',
    bodyLimitBytes: 1_048_576,
    notifications: notifications.service,
  });
  await orchestrator.start();
  notifications.start();
  const server = {
    app,
    store,
    orchestrator,
    notifications,
    async close() {
      await app.close();
      await orchestrator.stop();
      await notifications.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => server.close());
  return server;
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

const admin = { authorization: `Bearer ${TOKENS.admin}` };
async function api(s: Server, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object) {
  const res = await s.app.inject({ method, url, headers: admin, ...(body === undefined ? {} : { payload: body }) });
  return { status: res.statusCode, json: res.json() as Record<string, any> };
}

async function webhookChannel(s: Server, r: WebhookReceiver, extra: object = {}): Promise<string> {
  const created = await api(s, 'POST', '/api/notifications/channels', { type: 'webhook', name: 'ops', settings: { url: r.url }, ...extra });
  expect(created.status).toBe(201);
  expect(created.json.secret).toMatch(/^whsec_/);
  r.setSecret(created.json.secret as string);
  return created.json.channel.id as string;
}

async function failTask(s: Server, title: string, extra: object = {}): Promise<string> {
  const task = (await api(s, 'POST', '/api/tasks', { title, ...extra })).json.task.id as string;
  expect((await api(s, 'POST', `/api/tasks/${task}/fail`, { reason: `broke: ${title}` })).status).toBe(200);
  return task;
}

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('webhooks (Standard Webhooks, real loopback receiver)', () => {
  it('delivers a signed notification that standardwebhooks verifies, with the event, the task and a dashboard link', async () => {
    const s = await startServer();
    const r = await receiver();
    await webhookChannel(s, r);
    const taskId = await failTask(s, 'nightly build');
    const [got] = await eventually(() => (r.acknowledged().length > 0 ? r.acknowledged() : undefined), 5_000, 'the webhook');
    if (got === undefined || !got.verified.ok) throw new Error(`not verified: ${JSON.stringify(got?.verified)}`);
    expect(got.id).toMatch(/^msg_/);
    expect(got.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const { payload } = got.verified;
    expect(payload.type).toBe('task.failed');
    expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
    expect(payload.data).toMatchObject({
      event: { type: 'task.failed', taskId, payload: { reason: 'broke: nightly build' } },
      task: { id: taskId, title: 'nightly build' },
      dashboardUrl: `https://switchboard.example.org/tasks/${taskId}`,
    });
    const deliveries = await eventually(
      async () => {
        const list = (await api(s, 'GET', '/api/notifications/deliveries')).json.deliveries as { status: string }[];
        return list[0]?.status === 'delivered' ? list : undefined;
      },
      5_000,
      'the delivered status',
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ id: got.id, channelName: 'ops', type: 'task.failed', taskId, attempts: 1, lastStatus: 200 });
  });

  it('a receiver down for a while then back gets every notification once acknowledged, each signed, retries with the same webhook-id', async () => {
    const s = await startServer();
    const r = await receiver();
    await webhookChannel(s, r);
    await r.down();
    const tasks: string[] = [];
    for (let i = 0; i < 12; i++) tasks.push(await failTask(s, `while down ${i}`));
    // Let attempts fail for real (connection refused) for a few seconds, then come back on the same port.
    await eventually(
      async () => {
        const failed = (await api(s, 'GET', '/api/events?type=notification.failed&limit=500')).json.events as unknown[];
        return failed.length >= 24 ? failed : undefined;
      },
      10_000,
      'failed attempts while the receiver is down',
    );
    await new Promise((done) => setTimeout(done, 2_000));
    await r.up();
    const acked = await eventually(
      () => {
        const ids = new Set(r.acknowledged().map((x) => x.id));
        return ids.size >= tasks.length ? ids : undefined;
      },
      15_000,
      'every notification after the receiver is back',
    );
    expect(acked.size).toBe(tasks.length);
    expect(r.received.every((x) => x.verified.ok)).toBe(true);
    // Exactly once acknowledged per task; every failed attempt before reused the same webhook-id.
    expect(r.acknowledged()).toHaveLength(tasks.length);
    const taskOf = (x: ReceivedWebhook) => (x.verified.ok ? (x.verified.payload.data.task as { id: string }).id : null);
    expect(r.acknowledged().map(taskOf).sort()).toEqual([...tasks].sort());
    await eventually(
      async () => {
        const list = (await api(s, 'GET', '/api/notifications/deliveries?status=delivered')).json.deliveries as unknown[];
        return list.length === tasks.length ? list : undefined;
      },
      5_000,
      'every delivery marked delivered',
    );
    const summary = (await api(s, 'GET', '/api/notifications/summary')).json;
    expect(summary).toMatchObject({ failing: 0, dead: 0 });
    const failure = ((await api(s, 'GET', '/api/events?type=notification.failed&limit=1')).json.events as { payload: object }[])[0];
    expect(failure?.payload).toMatchObject({
      channelName: 'ops',
      dead: false,
      detail: expect.stringMatching(/ECONNREFUSED|fetch failed|refused/i),
    });
  }, 40_000);

  it('with the default backoff and budget, a receiver down for 30 s of the dispatcher clock loses nothing', async () => {
    const clock = new FakeClock(Date.now());
    const defaults = {
      ...NOTIFY_DEFAULTS,
      backoff: { baseMs: NOTIFY_DEFAULTS.backoffBaseMs, maxMs: NOTIFY_DEFAULTS.backoffMaxMs, maxAttempts: NOTIFY_DEFAULTS.maxAttempts },
    };
    const s = await startServer({ clock, knobs: defaults });
    const r = await receiver();
    await webhookChannel(s, r);
    await r.down();
    const tasks: string[] = [];
    for (let i = 0; i < 5; i++) tasks.push(await failTask(s, `outage ${i}`));
    // 30 s of dispatcher time in 250 ms steps: every due attempt really runs and is refused.
    const step = async () => {
      clock.advance(250);
      await s.notifications.dispatcher.idle();
    };
    for (let t = 0; t < 30_000; t += 250) await step();
    const during = (await api(s, 'GET', '/api/notifications/deliveries')).json.deliveries as { status: string; attempts: number }[];
    expect(during.every((d) => d.status === 'failed' && d.attempts >= 4 && d.attempts < NOTIFY_DEFAULTS.maxAttempts)).toBe(true);
    await r.up();
    // The longest wait left after ~30 s of doubling from 1 s is under a minute of dispatcher time.
    for (let t = 0; t < 120_000 && new Set(r.acknowledged().map((x) => x.id)).size < tasks.length; t += 250) await step();
    expect(r.acknowledged()).toHaveLength(tasks.length);
    expect(r.received.every((x) => x.verified.ok)).toBe(true);
  }, 60_000);

  it('a 4xx other than 408/429 is final: dead at once, notification.failed says so, and retry sends it again with the same id', async () => {
    const s = await startServer();
    const r = await receiver();
    await webhookChannel(s, r);
    r.respond(() => 410);
    const taskId = await failTask(s, 'gone');
    const dead = await eventually(
      async () => {
        const list = (await api(s, 'GET', '/api/notifications/deliveries?status=dead')).json.deliveries as { id: string }[];
        return list[0];
      },
      5_000,
      'the dead delivery',
    );
    expect(dead).toMatchObject({ attempts: 1, lastStatus: 410, nextAttemptAt: null, lastError: expect.stringContaining('410') });
    expect(r.received).toHaveLength(1);
    const events = (await api(s, 'GET', `/api/events?taskId=${taskId}&type=notification.failed`)).json.events as { payload: object }[];
    expect(events.map((e) => e.payload)).toEqual([
      {
        channelId: expect.any(String),
        channelName: 'ops',
        deliveryId: dead.id,
        attempt: 1,
        status: 410,
        detail: expect.stringContaining('410'),
        dead: true,
      },
    ]);
    expect((await api(s, 'GET', '/api/notifications/summary')).json).toMatchObject({ failing: 0, dead: 1, lastFailure: { id: dead.id } });

    r.respond(() => 204);
    const retried = await api(s, 'POST', `/api/notifications/deliveries/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json.delivery).toMatchObject({ id: dead.id, status: 'pending' });
    await eventually(() => (r.acknowledged().length === 1 ? true : undefined), 5_000, 'the retried send');
    expect(r.acknowledged()[0]?.id).toBe(dead.id);
    // Send again: a delivered one goes out once more, under the same webhook-id.
    await eventually(
      async () => ((await api(s, 'GET', '/api/notifications/summary')).json.dead === 0 ? true : undefined),
      5_000,
      'the summary',
    );
    await api(s, 'POST', `/api/notifications/deliveries/${dead.id}/retry`);
    await eventually(() => (r.acknowledged().length === 2 ? true : undefined), 5_000, 'the second send');
    expect(new Set(r.acknowledged().map((x) => x.id))).toEqual(new Set([dead.id]));
  });

  it('rules: event types, priority and label filters; notification.failed goes to other channels, never its own', async () => {
    const s = await startServer();
    const ops = await receiver();
    const p0 = await receiver();
    const broken = await receiver();
    await webhookChannel(s, ops, { events: ['task.failed', 'notification.failed'] });
    await webhookChannel(s, p0, { events: ['task.failed'], filters: { priorities: ['P0'], labels: ['prod'] } });
    const brokenId = await webhookChannel(s, broken, { name: 'broken', events: ['task.created', 'notification.failed'] });
    broken.respond(() => 500);
    const urgent = await failTask(s, 'urgent', { priority: 'P0', labels: ['prod', 'db'] });
    await failTask(s, 'minor', { priority: 'P2', labels: ['prod'] });
    await failTask(s, 'p0 elsewhere', { priority: 'P0', labels: ['staging'] });
    // ops: three task.failed plus the broken channel's failure reports (its first failures).
    await eventually(
      () =>
        ops.acknowledged().filter((x) => x.verified.ok && x.verified.payload.type === 'notification.failed').length >= 3 ? true : undefined,
      8_000,
      'failure reports on ops',
    );
    await eventually(() => (p0.acknowledged().length >= 1 ? true : undefined), 5_000, 'the P0 channel');
    await new Promise((done) => setTimeout(done, 300));
    const types = (r: WebhookReceiver) => r.acknowledged().map((x) => (x.verified.ok ? x.verified.payload.type : 'unverified'));
    expect(types(ops).filter((t) => t === 'task.failed')).toHaveLength(3);
    expect(p0.acknowledged().map((x) => (x.verified.ok ? (x.verified.payload.data.task as { id: string }).id : null))).toEqual([urgent]);
    // The broken channel hears of task.created only: never of its own failures.
    expect(broken.received.every((x) => x.verified.ok && x.verified.payload.type === 'task.created')).toBe(true);
    const reports = ops.acknowledged().filter((x) => x.verified.ok && x.verified.payload.type === 'notification.failed');
    expect(
      reports.every(
        (x) => x.verified.ok && (x.verified.payload.data.event as { payload: { channelId: string } }).payload.channelId === brokenId,
      ),
    ).toBe(true);
  });

  it('escalation: an SLA violation notifies, raises the priority one step and reassigns to the best other agent, each step in the timeline', async () => {
    const s = await startServer({
      escalation: { ...DEFAULT_ESCALATION, P2: { raisePriority: true, reassign: true } },
    });
    const r = await receiver();
    await webhookChannel(s, r, { events: ['task.sla_warning', 'task.sla_violated', 'task.escalated'] });
    for (const id of ['slow', 'spare']) expect((await api(s, 'POST', '/api/agents', { id, name: id })).status).toBe(201);
    const deadline = new Date(Date.now() + 1_500).toISOString();
    const taskId = (await api(s, 'POST', '/api/tasks', { title: 'late', priority: 'P2', slaDeadline: deadline })).json.task.id as string;
    expect((await api(s, 'POST', `/api/tasks/${taskId}/assign`, { agentId: 'slow' })).status).toBe(200);
    expect((await api(s, 'POST', `/api/tasks/${taskId}/start`)).status).toBe(200);
    const steps = await eventually(
      async () => {
        const events = (await api(s, 'GET', `/api/events?taskId=${taskId}&type=task.escalated&order=asc`)).json.events as {
          payload: object;
        }[];
        return events.length === 2 ? events.map((e) => e.payload) : undefined;
      },
      8_000,
      'the escalation steps',
    );
    expect(steps).toEqual([
      { step: 'priority_raised', from: 'P2', to: 'P1' },
      { step: 'reassigned', from: 'slow', to: 'spare' },
    ]);
    const task = (await api(s, 'GET', `/api/tasks/${taskId}`)).json.task;
    expect(task).toMatchObject({ priority: 'P1', agent: 'spare', status: 'ASSIGNED' });
    await eventually(() => (r.acknowledged().length >= 4 ? true : undefined), 5_000, 'the notifications');
    const types = r.acknowledged().map((x) => (x.verified.ok ? x.verified.payload.type : 'unverified'));
    expect(types.sort()).toEqual(['task.escalated', 'task.escalated', 'task.sla_violated', 'task.sla_warning']);
  });
});
