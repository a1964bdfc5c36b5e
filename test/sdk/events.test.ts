import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, SwitchboardApiError, type EventView, type ReplayDone, type SwitchboardClient } from '../../src/sdk/index.js';
import { TOKENS } from '../support/api-harness.js';
import { Inbox } from './inbox.js';
import { startListeningHarness, type ListeningHarness } from './listening-harness.js';

/** The SDK's live side against the real gateway on a listening server. */
describe('SDK events', () => {
  let h: ListeningHarness;
  let client: SwitchboardClient;
  beforeEach(async () => {
    h = await startListeningHarness({ anonymousRole: 'none' });
    client = createClient({ url: h.url, token: TOKENS.admin });
  });
  afterEach(async () => {
    client.close();
    await h.close();
  });

  it('subscribe delivers every domain event in order, filtered by type, from the one event map', async () => {
    const inbox = new Inbox<EventView>();
    const subscription = client.events.subscribe({ types: ['task.created', 'task.cancelled'] }, inbox.push);
    await subscription.ready;
    const { task } = await client.tasks.create({ title: 'Watch me' });
    await client.tasks.update(task.id, { priority: 'P0' });
    await client.tasks.cancel(task.id, { reason: 'done watching' });

    const events = await inbox.until((items) => items.length === 2, 'created and cancelled');
    expect(events.map((e) => [e.type, e.taskId])).toEqual([
      ['task.created', task.id],
      ['task.cancelled', task.id],
    ]);
    const cancelled = events[1];
    // The payload is typed by the event type: narrowing on `type` reaches `reason`.
    if (cancelled?.type === 'task.cancelled') expect(cancelled.payload.reason).toBe('done watching');
    // The filtered-out update still moved the resume point: it resumes after the last event, not the last delivered.
    const log = await client.events.list({ order: 'desc', limit: 1 });
    expect(subscription.lastEventId).toBe(log.events[0]?.id);
  });

  it('resumes from lastEventId: what happened before the subscription is replayed, then it goes live', async () => {
    const first = await client.tasks.create({ title: 'Before' });
    const before = (await client.events.list({ order: 'desc', limit: 1 })).events[0]?.id ?? 0;
    await client.tasks.create({ title: 'Missed' });

    const inbox = new Inbox<EventView>();
    const replays = new Inbox<ReplayDone>();
    const subscription = client.events.subscribe({ lastEventId: before }, inbox.push, replays.push);
    await subscription.ready;
    await client.tasks.create({ title: 'Live' });

    const events = await inbox.until((items) => items.length === 2, 'missed and live');
    expect(events.map((e) => e.type === 'task.created' && e.payload.title)).toEqual(['Missed', 'Live']);
    expect(events.every((e) => e.id > before && e.taskId !== first.task.id)).toBe(true);
    expect(replays.items).toEqual([{ lastEventId: before + 1, replayed: 1, truncated: false }]);
  });

  it('after the connection drops it reconnects with the last id seen and receives what it missed, no gap, no duplicate', async () => {
    const inbox = new Inbox<EventView>();
    const replays = new Inbox<ReplayDone>();
    const subscription = client.events.subscribe({}, inbox.push, replays.push);
    await subscription.ready;
    await client.tasks.create({ title: 'One' });
    await inbox.until((items) => items.length === 1, 'the first event');

    // Cut the transport under the socket (not a server-side disconnect, which a client must not retry).
    for (const socket of h.realtime.io.sockets.sockets.values()) socket.conn.close();
    // The client waits at least half its reconnection delay (500 ms) before trying again: these commit while it is away.
    await h.orchestrator.createTask({ title: 'Two' }, 'test');
    await h.orchestrator.createTask({ title: 'Three' }, 'test');

    await replays.until((items) => items.length === 1, 'the replay after reconnecting');
    await client.tasks.create({ title: 'Four' });
    const events = await inbox.until((items) => items.length === 4, 'all four creates');
    expect(events.map((e) => e.type === 'task.created' && e.payload.title)).toEqual(['One', 'Two', 'Three', 'Four']);
    expect(replays.items[0]).toMatchObject({ replayed: 2, truncated: false });
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it("client.on('task:assigned') works like the seed's orchestrator.on('taskAssigned'), with the task and the agent", async () => {
    const assigned = new Inbox<{ taskId: string; agentId: string }>();
    const off = client.on('task:assigned', ({ task, agent }) => assigned.push({ taskId: task.id, agentId: agent.id }));
    await client.connected();
    await client.agents.register({ id: 'bot', name: 'Bot' });
    const { task } = await client.tasks.create({ title: 'Route me' });
    await client.tasks.assign(task.id);

    expect(await assigned.until((items) => items.length === 1, 'task:assigned')).toEqual([{ taskId: task.id, agentId: 'bot' }]);
    off();
  });

  it('a refused handshake rejects ready with SwitchboardApiError and the server code', async () => {
    const errors = new Inbox<Error>();
    const anonymous = createClient({ url: h.url, onError: errors.push });
    const subscription = anonymous.events.subscribe({}, () => undefined);
    const err = await subscription.ready.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardApiError);
    expect(err).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errors.items[0]).toBe(err);
    anonymous.close();
  });
});
