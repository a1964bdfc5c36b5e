import { describe, expect, it } from 'vitest';
import type { Channel, Delivery } from '../../core/notification.js';
import { ConflictError } from '../../core/errors.js';
import { T0, ids, rejectionOf, type StoreHarness } from './fixtures.js';

/** Notification channels and the outbox: dedup, due order, leases that one claimer holds. */
export function notificationCases(h: StoreHarness): void {
  const channel = (id: string, extra: Partial<Channel> = {}): Channel => ({
    id,
    name: `channel ${id}`,
    type: 'webhook',
    events: ['task.failed', 'task.sla_violated'],
    filters: { priorities: ['P0'], labels: ['ops'] },
    enabled: true,
    settings: { url: 'http://127.0.0.1:9/hook', secret: 'whsec_c2VjcmV0' },
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  });
  const delivery = (id: string, extra: Partial<Delivery> = {}): Delivery => ({
    id,
    channelId: 'ch1',
    eventId: 1,
    type: 'task.failed',
    taskId: 'TASK-001',
    payload: {
      event: { id: 1, type: 'task.failed', taskId: 'TASK-001', agentId: null, actor: 'system', at: T0, payload: {} as never },
      task: null,
    },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: T0,
    lastError: null,
    lastStatus: null,
    lockedUntil: null,
    lockedBy: null,
    dedupKey: `event:${id}`,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    ...extra,
  });
  const tx = <T>(fn: Parameters<typeof h.store.transaction<T>>[0]) => h.store.transaction(fn);
  const addChannel = (c: Channel) => tx((t) => t.notifications.insertChannel(c));
  const enqueue = async (d: Delivery) => (await tx((t) => t.notifications.enqueue([d]))) === 1;
  const claim = (now: number, owner: string, limit = 10, leaseMs = 1_000) =>
    tx((t) => t.notifications.claimDue({ now, limit, owner, leaseMs }));

  describe('notifications', () => {
    it('round-trips channels, updates and deletes them (with their deliveries)', async () => {
      const a = channel('ch1');
      const b = channel('ch2', { type: 'email', events: [], filters: {}, enabled: false, createdAt: T0 + 1 });
      await addChannel(b);
      await addChannel(a);
      expect(await h.store.notifications.listChannels()).toEqual([a, b]);
      expect(await h.store.notifications.getChannel({ id: 'ch2' })).toEqual(b);
      expect(await h.store.notifications.getChannel({ id: 'nope' })).toBeNull();
      expect(await rejectionOf(addChannel(a))).toBeInstanceOf(ConflictError);
      const renamed = { ...a, name: 'renamed', enabled: false, settings: { url: 'http://x' }, updatedAt: T0 + 5 };
      expect(await tx((t) => t.notifications.updateChannel(renamed))).toBe(true);
      expect(await tx((t) => t.notifications.updateChannel(channel('ghost')))).toBe(false);
      expect(await h.store.notifications.getChannel({ id: 'ch1' })).toEqual(renamed);
      await enqueue(delivery('msg_1'));
      expect(await tx((t) => t.notifications.deleteChannel({ id: 'ch1' }))).toBe(true);
      expect(await tx((t) => t.notifications.deleteChannel({ id: 'ch1' }))).toBe(false);
      expect(await h.store.notifications.getDelivery({ id: 'msg_1' })).toBeNull();
    });

    it('enqueues once per channel and dedup key, and round-trips a delivery', async () => {
      await addChannel(channel('ch1'));
      await addChannel(channel('ch2'));
      const first = delivery('msg_1', { dedupKey: 'task.sla_violated:TASK-001:5' });
      expect(await enqueue(first)).toBe(true);
      expect(await enqueue(delivery('msg_2', { dedupKey: 'task.sla_violated:TASK-001:5' }))).toBe(false);
      expect(await enqueue(delivery('msg_3', { channelId: 'ch2', dedupKey: 'task.sla_violated:TASK-001:5' }))).toBe(true);
      expect(await h.store.notifications.getDelivery({ id: 'msg_1' })).toEqual(first);
      expect(await h.store.notifications.getDelivery({ id: 'msg_2' })).toBeNull();
      // Many at once: one statement, the duplicate among them skipped, the count of the others.
      const many = [
        delivery('msg_4', { dedupKey: 'k4' }),
        delivery('msg_5', { dedupKey: 'task.sla_violated:TASK-001:5' }),
        delivery('msg_6', { channelId: 'ch2', dedupKey: 'k6', taskId: null }),
      ];
      expect(await tx((t) => t.notifications.enqueue(many))).toBe(2);
      expect(await tx((t) => t.notifications.enqueue([]))).toBe(0);
      expect(await h.store.notifications.getDelivery({ id: 'msg_6' })).toEqual(many[2]);
      expect(await h.store.notifications.getDelivery({ id: 'msg_5' })).toBeNull();
    });

    it('claims due deliveries in due order, leases them to one owner, and frees an expired lease', async () => {
      await addChannel(channel('ch1'));
      await enqueue(delivery('msg_b', { nextAttemptAt: T0 + 2 }));
      await enqueue(delivery('msg_a', { nextAttemptAt: T0 + 2 }));
      await enqueue(delivery('msg_c', { nextAttemptAt: T0 + 1, status: 'failed', attempts: 1 }));
      await enqueue(delivery('msg_later', { nextAttemptAt: T0 + 100 }));
      await enqueue(delivery('msg_done', { status: 'delivered', nextAttemptAt: null, deliveredAt: T0 }));
      const got = await claim(T0 + 10, 'node-1', 2);
      expect(ids(got)).toEqual(['msg_c', 'msg_a']);
      expect(got[0]).toMatchObject({ lockedBy: 'node-1', lockedUntil: T0 + 1_010 });
      expect(ids(await claim(T0 + 10, 'node-2'))).toEqual(['msg_b']);
      expect(await claim(T0 + 20, 'node-3')).toEqual([]);
      // node-1 and node-2 died: their leases run out and another node takes the rows (and the one now due).
      expect(ids(await claim(T0 + 1_010, 'node-3'))).toEqual(['msg_c', 'msg_a', 'msg_b', 'msg_later']);
    });

    it('records an outcome only for the lease holder, then reschedules on demand', async () => {
      await addChannel(channel('ch1'));
      await enqueue(delivery('msg_1'));
      const [leased] = await claim(T0, 'node-1');
      if (leased === undefined) throw new Error('nothing claimed');
      const failed: Delivery = {
        ...leased,
        status: 'failed',
        attempts: 1,
        nextAttemptAt: T0 + 500,
        lastError: 'Service Unavailable',
        lastStatus: 503,
        updatedAt: T0 + 1,
      };
      expect(await tx((t) => t.notifications.finishAttempt({ next: failed, owner: 'node-2' }))).toBe(false);
      expect(await tx((t) => t.notifications.finishAttempt({ next: failed, owner: 'node-1' }))).toBe(true);
      expect(await h.store.notifications.getDelivery({ id: 'msg_1' })).toEqual({ ...failed, lockedBy: null, lockedUntil: null });
      expect(await h.store.notifications.summary()).toMatchObject({ failing: 1, dead: 0, lastFailure: { id: 'msg_1' } });
      const again = await tx((t) => t.notifications.reschedule({ id: 'msg_1', now: T0 + 2 }));
      expect(again).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 2 });
      expect(await tx((t) => t.notifications.reschedule({ id: 'ghost', now: T0 }))).toBeNull();
      expect(await h.store.notifications.summary()).toEqual({ failing: 0, dead: 0, lastFailure: null });
    });

    it('lists deliveries newest first, by channel and status, in pages', async () => {
      await addChannel(channel('ch1'));
      await addChannel(channel('ch2'));
      await enqueue(delivery('msg_1', { createdAt: T0 + 1 }));
      await enqueue(delivery('msg_2', { createdAt: T0 + 2, channelId: 'ch2', status: 'dead', nextAttemptAt: null }));
      await enqueue(delivery('msg_3', { createdAt: T0 + 2 }));
      await enqueue(delivery('msg_4', { createdAt: T0 + 3 }));
      const all = await h.store.notifications.listDeliveries({ limit: 10 });
      expect(ids(all)).toEqual(['msg_4', 'msg_3', 'msg_2', 'msg_1']);
      const page = await h.store.notifications.listDeliveries({ limit: 2, before: { createdAt: T0 + 2, id: 'msg_3' } });
      expect(ids(page)).toEqual(['msg_2', 'msg_1']);
      expect(ids(await h.store.notifications.listDeliveries({ limit: 10, channelId: 'ch2' }))).toEqual(['msg_2']);
      expect(ids(await h.store.notifications.listDeliveries({ limit: 10, status: 'pending' }))).toEqual(['msg_4', 'msg_3', 'msg_1']);
      expect(await h.store.notifications.summary()).toMatchObject({ failing: 0, dead: 1, lastFailure: { id: 'msg_2' } });
    });

    it('concurrent claimers never lease the same delivery', async () => {
      await addChannel(channel('ch1'));
      for (let i = 0; i < 20; i++) await enqueue(delivery(`msg_${String(i).padStart(2, '0')}`));
      const batches = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claim(T0, owner, 6)));
      const claimed = batches.flatMap(ids);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.length).toBe(20);
    });
  });
}
