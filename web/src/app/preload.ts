import { agentsQuery, allTasksQuery, metricsQuery, recentEventsQuery } from '../api/hooks.js';
import type { AppRuntime } from './runtime.js';

/**
 * Starts the first requests of the page being opened before React has rendered
 * anything (and the view's code chunk with them), so data and code load in parallel.
 * The views use the same query options, so nothing is fetched twice.
 */
export function preloadRoute(pathname: string, { queryClient, services }: AppRuntime): void {
  const { api } = services;
  if (pathname === '/') {
    void queryClient.prefetchQuery(metricsQuery(api));
    void queryClient.prefetchQuery(recentEventsQuery(services));
  } else if (pathname === '/board') {
    void import('../views/board/board-view.js');
    void queryClient.prefetchInfiniteQuery(allTasksQuery(api));
    void queryClient.prefetchQuery(agentsQuery(api));
  } else if (pathname === '/agents') {
    void import('../views/agents/agents-view.js');
    void queryClient.prefetchQuery(agentsQuery(api));
  } else if (pathname.startsWith('/tasks/')) {
    void import('../views/task-detail/task-detail-view.js');
  }
}
