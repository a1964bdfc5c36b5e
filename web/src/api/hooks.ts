import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type {
  AgentView,
  AttemptView,
  EventView,
  Metrics,
  RecommendationsResponse,
  SwitchboardClient,
  TaskListResponse,
  TaskView,
} from 'switchboard/sdk';
import { useApi, useServices, type Services } from '../app/services.js';
import { flattenTaskPages, type TaskPages } from '../lib/task-cache.js';
import { queryKeys, RECENT_EVENTS_LIMIT } from './query-keys.js';

/** Page size the board loads with (the API's maximum). */
const TASK_PAGE_LIMIT = 1000;
/** Page size of event-log reads (the API's maximum). */
export const EVENT_PAGE_LIMIT = 500;

export interface AllTasks {
  tasks: TaskView[];
  /** No page has arrived yet. */
  isLoading: boolean;
  /** Every page has arrived (the list is complete). */
  isComplete: boolean;
  error: Error | null;
  retry: () => void;
}

/**
 * Every task, loaded progressively: the first page (1,000 tasks) renders at once, the
 * next pages follow one after another in the background. Socket messages keep the
 * cached pages current, so nothing here refetches on its own.
 */
export function allTasksQuery(api: SwitchboardClient) {
  return infiniteQueryOptions<TaskListResponse, Error, TaskPages, typeof queryKeys.allTasks, string | null>({
    queryKey: queryKeys.allTasks,
    queryFn: ({ pageParam, signal }) =>
      api.tasks.list({ limit: TASK_PAGE_LIMIT, ...(pageParam === null ? {} : { cursor: pageParam }) }, { signal }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: Infinity,
  });
}

export function useAllTasks(): AllTasks {
  const query = useInfiniteQuery(allTasksQuery(useApi()));
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const tasks = useMemo(() => flattenTaskPages(query.data), [query.data]);
  return {
    tasks,
    isLoading: query.isPending,
    isComplete: query.isSuccess && !hasNextPage,
    error: query.error,
    retry: () => void query.refetch(),
  };
}

export function agentsQuery(api: SwitchboardClient) {
  return queryOptions<AgentView[]>({
    queryKey: queryKeys.agents,
    queryFn: async ({ signal }) => (await api.agents.list({ signal })).agents,
    staleTime: Infinity,
  });
}

export function useAgents() {
  return useQuery(agentsQuery(useApi()));
}

/** Shared by the hook and the prefetch that main.tsx starts before React renders. */
export function metricsQuery(api: SwitchboardClient) {
  return queryOptions<Metrics>({
    queryKey: queryKeys.metrics,
    queryFn: async ({ signal }) => (await api.tasks.metrics({ signal })).metrics,
    staleTime: Infinity,
  });
}

export function useMetrics() {
  return useQuery(metricsQuery(useApi()));
}

/** The activity feed: the newest events, kept live by `event` messages. */
export function recentEventsQuery({ api, connection }: Pick<Services, 'api' | 'connection'>) {
  return queryOptions<EventView[]>({
    queryKey: queryKeys.recentEvents,
    queryFn: async ({ signal }) => {
      const page = await api.events.list({ limit: RECENT_EVENTS_LIMIT, order: 'desc' }, { signal });
      const newest = page.events[0];
      if (newest !== undefined) connection.noteEventId(newest.id);
      return page.events;
    },
    staleTime: Infinity,
  });
}

export function useRecentEvents() {
  return useQuery(recentEventsQuery(useServices()));
}

export function useTask(id: string) {
  const api = useApi();
  return useQuery<TaskView>({
    queryKey: queryKeys.task(id),
    queryFn: async ({ signal }) => (await api.tasks.get(id, { signal })).task,
    staleTime: 30_000,
  });
}

export function useTaskEvents(id: string) {
  const api = useApi();
  return useQuery<EventView[]>({
    queryKey: queryKeys.taskEvents(id),
    queryFn: async ({ signal }) => (await api.tasks.events(id, { signal })).events,
    staleTime: Infinity,
  });
}

export function useRecommendations(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery<RecommendationsResponse>({
    queryKey: queryKeys.recommendations(id),
    queryFn: ({ signal }) => api.tasks.recommendations(id, { signal }),
    enabled,
    staleTime: 10_000,
  });
}

/** The task's attempts with their usage, derived by the server from its events; refetched when one starts or ends (CacheSync). */
export function useTaskAttempts(id: string) {
  const api = useApi();
  return useQuery<AttemptView[]>({
    queryKey: queryKeys.taskAttempts(id),
    queryFn: async ({ signal }) => (await api.tasks.attempts(id, { signal })).attempts,
    staleTime: Infinity,
  });
}
