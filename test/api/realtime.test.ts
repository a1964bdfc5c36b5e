import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRealtime, type Realtime } from '../../src/realtime/gateway.js';
import { SOCKET_EVENT_NAMES, toSocketMessages, type SocketPayloads } from '../../src/realtime/socket-events.js';
import { EVENT_TYPES } from '../../src/core/events.js';
import { silentLogger } from '../../src/services/event-bus.js';
import type { Role } from '../../src/services/auth.js';
import { StaticAuthenticator, TOKENS, startHarness, type Harness } from '../support/api-harness.js';

const WAIT_MS = 5000;

interface Received {
  name: string;
  payload: unknown;
}

/** Records every message a client gets, and resolves waits as soon as a matching one is (or was) received. */
class Recorder {
  readonly messages: Received[] = [];
  readonly #waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, payload: unknown) => {
      const message = { name, payload };
      this.messages.push(message);
      for (const w of [...this.#waiters]) {
        if (w.match(message)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
  }

  waitFor<K extends keyof SocketPayloads>(
    name: K,
    where: (payload: SocketPayloads[K]) => boolean = () => true,
  ): Promise<SocketPayloads[K]> {
    const match = (m: Received) => m.name === name && where(m.payload as SocketPayloads[K]);
    const seen = this.messages.find(match);
    if (seen !== undefined) return Promise.resolve(seen.payload as SocketPayloads[K]);
    return withTimeout(
      new Promise<Received>((resolve) => this.#waiters.push({ match, resolve })).then((m) => m.payload as SocketPayloads[K]),
      `${name} not received`,
    );
  }

  named(name: string): unknown[] {
    return this.messages.filter((m) => m.name === name).map((m) => m.payload);
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let h: Harness | null = null;
let realtime: Realtime | null = null;
const clients: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await realtime?.close();
  realtime = null;
  await h?.close();
  h = null;
});

async function start(anonymousRole: Role | 'none' = 'operator'): Promise<{ h: Harness; url: string }> {
  h = await startHarness({ anonymousRole });
  realtime = attachRealtime({
    httpServer: h.app.server,
    bus: h.bus,
    orchestrator: h.orchestrator,
    authenticator: new StaticAuthenticator(),
    anonymousRole,
    logger: silentLogger,
    metricsThrottleMs: 20,
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;
  return { h, url: `http://127.0.0.1:${port}` };
}

function client(url: string, auth: Record<string, unknown> = {}): Socket {
  const socket = connect(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  clients.push(socket);
  return socket;
}

async function connected(url: string, auth: Record<string, unknown> = {}): Promise<Recorder> {
  const socket = client(url, auth);
  const recorder = new Recorder(socket);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    }),
    'connect',
  );
  return recorder;
}

describe('Socket.io gateway', () => {
  it('delivers task:created and task:assigned { task, agent } with the seed shapes', async () => {
    const { h, url } = await start();
    const rec = await connected(url);
    await h.request('POST', '/api/agents', { id: 'copilot-agent', name: 'GitHub Copilot Agent', capabilities: ['documentation'] });
    const id = (await h.request('POST', '/api/tasks', { title: 'GitHub Templates', requiredCapabilities: ['documentation'] })).json.task.id;
    const created = await rec.waitFor('task:created');
    expect(created.task).toMatchObject({ id, name: 'GitHub Templates', status: 'PENDING' });
    await h.request('POST', `/api/tasks/${id}/assign`);
    const assigned = await rec.waitFor('task:assigned');
    expect(assigned.task).toMatchObject({ id, status: 'ASSIGNED', agent: 'copilot-agent' });
    expect(assigned.agent).toMatchObject({ id: 'copilot-agent', name: 'GitHub Copilot Agent', currentTasks: [id] });
    const event = await rec.waitFor('event', (e) => e.type === 'task.assigned');
    expect(event).toMatchObject({ taskId: id, agentId: 'copilot-agent', actor: 'anonymous' });
    expect(event.id).toBeGreaterThan(0);
  });

  it('maps progress, completion and failure to the seed events, plus task:updated', async () => {
    const { h, url } = await start();
    const rec = await connected(url);
    await h.request('POST', '/api/agents', { name: 'Worker', maxConcurrentTasks: 5 });
    const a = (await h.request('POST', '/api/tasks', { title: 'a' })).json.task.id;
    const b = (await h.request('POST', '/api/tasks', { title: 'b' })).json.task.id;
    await h.request('POST', `/api/tasks/${a}/assign`);
    await h.request('POST', `/api/tasks/${b}/assign`);
    await h.request('PUT', `/api/tasks/${a}/progress`, { progress: 40 });
    expect((await rec.waitFor('task:updated', (p) => p.task.id === a && p.task.progress === 40)).task.status).toBe('IN_PROGRESS');
    await h.request('PUT', `/api/tasks/${a}/progress`, { progress: 100 });
    expect((await rec.waitFor('task:completed')).task.id).toBe(a);
    await rec.waitFor('task:updated', (p) => p.task.id === a && p.task.status === 'COMPLETED');
    await h.request('POST', `/api/tasks/${b}/fail`, { reason: 'flaky' });
    expect(await rec.waitFor('task:failed')).toMatchObject({ task: { id: b, status: 'FAILED' }, reason: 'flaky' });
  });

  it('pushes the agent with its new load when a held task ends, so clients need not refetch agents', async () => {
    const { h, url } = await start();
    const rec = await connected(url);
    await h.request('POST', '/api/agents', { id: 'w', name: 'Worker', maxConcurrentTasks: 2 });
    const id = (await h.request('POST', '/api/tasks', { title: 'a' })).json.task.id;
    await h.request('POST', `/api/tasks/${id}/assign`);
    await h.request('POST', `/api/tasks/${id}/complete`, {});
    const freed = await rec.waitFor('agent:updated', (p) => p.agent.id === 'w' && p.agent.load === 0);
    expect(freed.agent).toMatchObject({ status: 'IDLE', currentTasks: [], completedCount: 1 });
  });

  it('maps agent events', async () => {
    const { h, url } = await start();
    const rec = await connected(url, { token: TOKENS.admin });
    await h.request('POST', '/api/agents', { id: 'bot', name: 'Bot' });
    expect((await rec.waitFor('agent:registered')).agent.id).toBe('bot');
    await h.request('PUT', '/api/agents/bot/status', { status: 'PAUSED' });
    expect((await rec.waitFor('agent:updated')).agent.status).toBe('PAUSED');
    await h.request('DELETE', '/api/agents/bot', undefined, { authorization: `Bearer ${TOKENS.admin}` });
    expect(await rec.waitFor('agent:removed')).toEqual({ agentId: 'bot' });
  });

  it('sends metrics:updated after events, throttled', async () => {
    const { h, url } = await start();
    const rec = await connected(url);
    for (let i = 0; i < 5; i++) await h.request('POST', '/api/tasks', { title: `t${i}` });
    const { metrics } = await rec.waitFor('metrics:updated', (p) => p.metrics.totalTasks === 5);
    expect(metrics.byStatus.PENDING).toBe(5);
    expect(rec.named('metrics:updated').length).toBeLessThan(5);
  });

  it('resumes from auth.lastEventId: replays missed events in order, then continues live without duplicates', async () => {
    const { h, url } = await start();
    const first = await connected(url);
    await h.request('POST', '/api/tasks', { title: 'seen' });
    const seen = await first.waitFor('event');
    first.socket.disconnect();

    const missed = [];
    for (const title of ['missed 1', 'missed 2', 'missed 3']) missed.push((await h.request('POST', '/api/tasks', { title })).json.task.id);

    const back = await connected(url, { lastEventId: seen.id });
    const done = await back.waitFor('replay:done');
    expect(done).toMatchObject({ replayed: 3, truncated: false });
    const replayed = back.named('event') as { id: number; taskId: string }[];
    expect(replayed.map((e) => e.taskId)).toEqual(missed);
    expect(replayed.map((e) => e.id)).toEqual([...replayed.map((e) => e.id)].sort((x, y) => x - y));

    const live = (await h.request('POST', '/api/tasks', { title: 'live' })).json.task.id;
    await back.waitFor('task:created', (p) => p.task.id === live);
    const ids = (back.named('event') as { id: number }[]).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(4);
  });

  it('refuses a socket without a valid token when anonymous access is off', async () => {
    const { url } = await start('none');
    for (const auth of [{}, { token: 'wrong' }]) {
      const socket = client(url, auth);
      const err = await withTimeout(
        new Promise<Error & { data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve)),
        'connect_error',
      );
      expect(err.data?.code).toBe('UNAUTHENTICATED');
    }
    const ok = await connected(url, { token: TOKENS.viewer });
    expect(ok.socket.connected).toBe(true);
  });

  it('close() disconnects every client', async () => {
    const { url } = await start();
    const rec = await connected(url);
    const gone = withTimeout(new Promise<void>((resolve) => rec.socket.once('disconnect', () => resolve())), 'disconnect');
    await realtime?.close();
    await gone;
    expect(rec.socket.connected).toBe(false);
  });
});

describe('fan-out off the request path', () => {
  it('sends nothing while the committing call is still running: events go out on a later turn of the event loop', async () => {
    const { h, url } = await start();
    const outgoing: string[] = [];
    realtime?.io.on('connection', (socket) => socket.onAnyOutgoing((name: string) => outgoing.push(name)));
    const rec = await connected(url);
    const task = await h.orchestrator.createTask({ title: 'quiet until the caller is done' }, 'test');
    // The commit has resolved for the caller; a synchronous fan-out would have written to the socket by now.
    expect(outgoing).toEqual([]);
    expect((await rec.waitFor('task:created')).task.id).toBe(task.id);
    expect(outgoing).toEqual(['task:created', 'event']);
  });

  it('auth.batch: the same messages, in the same order, in fewer frames (one per flush)', async () => {
    const { h, url } = await start();
    const single = await connected(url);
    const batched = await connected(url, { batch: true });
    const ids = (await Promise.all(Array.from({ length: 20 }, (_, i) => h.orchestrator.createTask({ title: `burst ${i}` }, 'test')))).map(
      (t) => t.id,
    );
    const last = ids.at(-1);
    await single.waitFor('event', (e) => e.taskId === last);
    await batched.waitFor('batch', (b) => b.messages.some((m) => m.name === 'event' && m.payload.taskId === last));
    const frames = (batched.named('batch') as SocketPayloads['batch'][]).map((b) => b.messages);
    const perMessage = single.messages.filter((m) => m.name !== 'metrics:updated');
    expect(perMessage).toHaveLength(40);
    expect(frames.flat()).toEqual(perMessage);
    expect(frames.length).toBeLessThanOrEqual(20);
    expect(batched.messages.filter((m) => m.name !== 'batch' && m.name !== 'metrics:updated')).toEqual([]);
  });

  it('auth.batch with auth.lastEventId: the replay and the live stream both come as batches, without gap or duplicate', async () => {
    const { h, url } = await start();
    const first = (await h.request('POST', '/api/tasks', { title: 'before' })).json.task.id;
    const events = await h.orchestrator.listEvents({ afterId: 0, order: 'asc', limit: 10 });
    const missed = (await h.request('POST', '/api/tasks', { title: 'missed' })).json.task.id;
    const back = await connected(url, { batch: true, lastEventId: events.at(-1)?.id ?? 0 });
    await back.waitFor('replay:done');
    const live = (await h.request('POST', '/api/tasks', { title: 'live' })).json.task.id;
    await back.waitFor('batch', (b) => b.messages.some((m) => m.name === 'event' && m.payload.taskId === live));
    const seen = (back.named('batch') as { messages: { name: string; payload: { taskId?: string } }[] }[])
      .flatMap((b) => b.messages)
      .filter((m) => m.name === 'event')
      .map((m) => m.payload.taskId);
    expect(seen).toEqual([missed, live]);
    expect(seen).not.toContain(first);
  });
});

describe('socket event catalogue', () => {
  it('every domain event yields at least the generic `event` message', () => {
    for (const type of EVENT_TYPES) {
      const messages = toSocketMessages({
        event: { id: 1, type, taskId: null, agentId: null, actor: 'x', at: 0, payload: {} } as never,
        task: null,
        agent: null,
      });
      expect(messages.at(-1)?.name, type).toBe('event');
    }
  });

  it('docs/events.md lists every socket event and every domain event', () => {
    const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    for (const name of SOCKET_EVENT_NAMES) expect(doc, name).toContain(`\`${name}\``);
    for (const type of EVENT_TYPES) expect(doc, type).toContain(`\`${type}\``);
  });
});
