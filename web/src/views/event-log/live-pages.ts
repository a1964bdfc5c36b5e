import type { EventListResponse, EventView } from 'switchboard/sdk';

/** The event log's cached pages (React Query's infinite data), newest page first. */
export interface EventLogPages {
  pages: EventListResponse[];
  pageParams: (string | null)[];
}

/** The view's filter (EventLogFilter); "" means any. Declared here so this pure module imports no React. */
export interface LogFilter {
  taskId: string;
  agentId: string;
  type: string;
}

/** The same test the server applies to `GET /api/events?taskId=&agentId=&type=`: equality on each given field. */
export function matchesFilter(event: EventView, filter: LogFilter): boolean {
  return (
    (filter.taskId === '' || event.taskId === filter.taskId) &&
    (filter.agentId === '' || event.agentId === filter.agentId) &&
    (filter.type === '' || event.type === filter.type)
  );
}

/** The newest event id the pages hold (0 for an empty log). */
export function headId(data: Pick<EventLogPages, 'pages'>): number {
  return data.pages[0]?.events[0]?.id ?? 0;
}

/** Of a batch, the events that match the filter and are newer than everything shown, newest first. */
export function freshMatches(data: EventLogPages, events: readonly EventView[], filter: LogFilter): EventView[] {
  const head = headId(data);
  return events.filter((e) => e.id > head && matchesFilter(e, filter)).sort((a, b) => b.id - a.id);
}

/**
 * The first page with `fresh` (newest first, all newer than it) on top, cut back to
 * `pageSize`: what falls off the bottom is reached again through the page's cursor, which
 * then points just past the last event kept (as the server's own `nextCursor` would).
 */
export function prependToFirstPage(data: EventLogPages, fresh: readonly EventView[], pageSize: number): EventLogPages {
  const first = data.pages[0];
  if (first === undefined || fresh.length === 0) return data;
  const events = [...fresh, ...first.events];
  const kept = events.slice(0, pageSize);
  const last = kept.at(-1);
  const nextCursor = events.length > pageSize && last !== undefined ? String(last.id) : first.nextCursor;
  return { ...data, pages: [{ ...first, events: kept, nextCursor }, ...data.pages.slice(1)] };
}
