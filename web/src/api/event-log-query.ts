import { useInfiniteQuery } from '@tanstack/react-query';
import type { EventListQuery, EventListResponse } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { queryKeys } from './query-keys.js';
import type { EventType } from './vocabulary.js';

/** What the event log view filters on; an empty string means "any". */
export interface EventLogFilter {
  taskId: string;
  agentId: string;
  type: EventType | '';
}

/** Events per page: a screenful or two, so "Load older" is a real page and not the whole log. */
export const EVENT_LOG_PAGE = 50;

function queryOf(filter: EventLogFilter, before: string | null): EventListQuery {
  const query: EventListQuery = { limit: EVENT_LOG_PAGE, order: 'desc' };
  if (filter.taskId !== '') query.taskId = filter.taskId;
  if (filter.agentId !== '') query.agentId = filter.agentId;
  if (filter.type !== '') query.type = filter.type;
  if (before !== null) query.before = Number(before);
  return query;
}

/**
 * The event log, newest first, a page at a time (the server's `nextCursor` is the next
 * page's `before`). Kept live from the socket by the view (views/event-log/use-live-event-log.ts),
 * without refetching: this query only reads.
 */
export function useEventLog(filter: EventLogFilter) {
  const { api } = useServices();
  return useInfiniteQuery<EventListResponse, Error, { pages: EventListResponse[] }, ReturnType<typeof queryKeys.eventLog>, string | null>({
    queryKey: queryKeys.eventLog(filter),
    queryFn: ({ pageParam, signal }) => api.events.list(queryOf(filter, pageParam), { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
}
