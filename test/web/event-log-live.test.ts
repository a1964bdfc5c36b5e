import type { EventListResponse, EventView } from 'switchboard/sdk';
import { describe, expect, it } from 'vitest';
import {
  freshMatches,
  matchesFilter,
  prependToFirstPage,
  type EventLogPages,
  type LogFilter,
} from '../../web/src/views/event-log/live-pages.js';
import { event } from './fixtures.js';

const ANY: LogFilter = { taskId: '', agentId: '', type: '' };

function page(events: EventView[], nextCursor: string | null): EventListResponse {
  return { success: true, events, nextCursor };
}

/** Events with ids `from` down to `to`, newest first, as the server pages them. */
function run(from: number, to: number): EventView[] {
  const out: EventView[] = [];
  for (let id = from; id >= to; id--) out.push({ ...event('task.created', `TASK-${id}`, 0), id });
  return out;
}

describe('event log kept live (socket events into the cached pages)', () => {
  it('matches on task, agent and type as the server filters', () => {
    const e = { ...event('task.assigned', 'TASK-1', 0, {}, 'bot'), id: 1 };
    expect(matchesFilter(e, ANY)).toBe(true);
    expect(matchesFilter(e, { ...ANY, taskId: 'TASK-1', agentId: 'bot', type: 'task.assigned' })).toBe(true);
    expect(matchesFilter(e, { ...ANY, taskId: 'TASK-2' })).toBe(false);
    expect(matchesFilter(e, { ...ANY, agentId: 'other' })).toBe(false);
    expect(matchesFilter(e, { ...ANY, type: 'task.created' })).toBe(false);
  });

  it('keeps only matching events newer than the head, newest first', () => {
    const data: EventLogPages = { pages: [page(run(10, 8), null)], pageParams: [null] };
    const batch = [...run(9, 9), ...run(11, 11), { ...event('agent.registered', null, 0), id: 12 }, ...run(13, 13)];
    expect(freshMatches(data, batch, { ...ANY, type: 'task.created' }).map((e) => e.id)).toEqual([13, 11]);
  });

  it('puts fresh events on top and moves the cursor past the last one kept when the page overflows', () => {
    const data: EventLogPages = { pages: [page(run(10, 7), null)], pageParams: [null] };
    const grown = prependToFirstPage(data, run(12, 11), 5);
    expect(grown.pages[0]?.events.map((e) => e.id)).toEqual([12, 11, 10, 9, 8]);
    // Event 7 fell off the page: "Load older" reads from before 8 and finds it.
    expect(grown.pages[0]?.nextCursor).toBe('8');
    const roomy = prependToFirstPage(data, run(11, 11), 50);
    expect(roomy.pages[0]?.events.map((e) => e.id)).toEqual([11, 10, 9, 8, 7]);
    expect(roomy.pages[0]?.nextCursor).toBeNull();
  });
});
