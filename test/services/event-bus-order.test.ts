import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/core/events.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import type { PublishedEvent } from '../../src/services/types.js';

const published = (id: number): PublishedEvent => ({
  event: { id, type: 'task.created', taskId: `TASK-${id}`, agentId: null, payload: {}, at: 0, actor: 'test' } as unknown as StoredEvent,
  task: null,
  agent: null,
});

describe('EventBus.publishInOrder', () => {
  it('publishes units in the order they were handed over, however long each took to read its snapshots', async () => {
    const bus = new EventBus(silentLogger);
    const seen: number[] = [];
    bus.subscribe((p) => seen.push(p.event.id));
    let releaseFirst: () => void = () => undefined;
    const slow = new Promise<PublishedEvent[]>((resolve) => (releaseFirst = () => resolve([published(1), published(2)])));
    const first = bus.publishInOrder(slow);
    const second = bus.publishInOrder(Promise.resolve([published(3)]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a unit whose snapshots fail does not hold back the ones after it', async () => {
    const bus = new EventBus(silentLogger);
    const seen: number[] = [];
    bus.subscribe((p) => seen.push(p.event.id));
    const failed = bus.publishInOrder(Promise.reject(new Error('read failed')));
    await bus.publishInOrder(Promise.resolve([published(4)]));
    await expect(failed).rejects.toThrow('read failed');
    expect(seen).toEqual([4]);
  });
});
