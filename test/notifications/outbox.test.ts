import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/core/notification.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { NotificationOutbox } from '../../src/notifications/outbox.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { WorkRunner } from '../../src/services/unit-of-work.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from '../support/fake-clock.js';

let dir: string;
let store: SqliteStore;
let now: number;
let outbox: NotificationOutbox;
let commits: number;
let runner: WorkRunner;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sb-outbox-'));
  store = openSqliteStore({ file: join(dir, 'sb.db') });
  await store.migrate();
  now = 0;
  commits = 0;
  outbox = new NotificationOutbox(1_000, () => now);
  outbox.onCommitted(() => commits++);
  runner = new WorkRunner(store, new FakeClock(), DEFAULT_POLICY, new EventBus(silentLogger), outbox);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const channel = (id: string): Channel => ({
  id,
  name: id,
  type: 'webhook',
  events: ['agent.offline'],
  filters: {},
  enabled: true,
  settings: { url: 'http://127.0.0.1:9', secret: 'whsec_eA==' },
  createdAt: 0,
  updatedAt: 0,
});
const offline = { type: 'agent.offline', taskId: null, agentId: 'a1', payload: { reason: 'lease_expired' } } as const;
const deliveries = () => store.notifications.listDeliveries({ limit: 100 });

describe('the outbox is part of the event transaction', () => {
  it('a rolled-back transaction leaves no delivery; a committed one leaves one per channel and wakes the dispatcher once', async () => {
    await store.transaction(async (tx) => {
      await tx.notifications.insertChannel(channel('ch_a'));
      await tx.notifications.insertChannel(channel('ch_b'));
    });
    await expect(
      runner.run('test', async (work) => {
        await work.append(offline);
        throw new Error('the transition failed after its event');
      }),
    ).rejects.toThrow('the transition failed');
    expect(await deliveries()).toEqual([]);
    expect(await store.events.lastId()).toBe(0);
    expect(commits).toBe(0);

    await runner.run('test', (work) => work.append(offline));
    expect((await deliveries()).map((d) => d.channelId).sort()).toEqual(['ch_a', 'ch_b']);
    expect(commits).toBe(1);
    // notify: false (a failure about a failure notice) writes the event and no delivery.
    await runner.run('test', (work) => work.append(offline, { notify: false }));
    expect(await deliveries()).toHaveLength(2);
  });

  it('caches channels for its window: a change made elsewhere applies once the window passes, a local one at once', async () => {
    await runner.run('test', (work) => work.append(offline)); // loads the (empty) channel list
    await store.transaction((tx) => tx.notifications.insertChannel(channel('ch_other_node')));
    await runner.run('test', (work) => work.append(offline));
    expect(await deliveries()).toHaveLength(0);
    now += 1_001;
    await runner.run('test', (work) => work.append(offline));
    expect(await deliveries()).toHaveLength(1);
    await store.transaction((tx) => tx.notifications.insertChannel(channel('ch_here')));
    outbox.invalidate();
    await runner.run('test', (work) => work.append(offline));
    expect(await deliveries()).toHaveLength(3);
  });
});
