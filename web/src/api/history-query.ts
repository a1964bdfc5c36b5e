import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { EventView, Metrics } from 'switchboard/sdk';
import { useServices } from '../app/services.js';
import { HISTORY_EVENT_TYPES, HISTORY_WINDOW_MS } from '../lib/history.js';
import { EVENT_PAGE_LIMIT } from './hooks.js';
import { queryKeys } from './query-keys.js';

/** At most this many pages of the event log are read to seed the charts (older history is cut). */
const HISTORY_MAX_PAGES = 8;

interface History {
  events: EventView[];
  /** The events reach back to the start of the hour (not cut by HISTORY_MAX_PAGES). */
  complete: boolean;
  fetchedAt: number;
}

/**
 * Reads the last hour of status-changing events (newest first, page by page) once, and
 * seeds the live chart series with it and the current metrics.
 */
export function useSeededSeries(metrics: Metrics | undefined): { isLoading: boolean; error: Error | null } {
  const { api, series } = useServices();
  const query = useQuery<History>({
    queryKey: queryKeys.history,
    queryFn: async ({ signal }) => {
      const fetchedAt = Date.now();
      const since = fetchedAt - HISTORY_WINDOW_MS;
      const events: EventView[] = [];
      const type = HISTORY_EVENT_TYPES.join(',');
      let before: number | undefined;
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        const result = await api.events.list({ limit: EVENT_PAGE_LIMIT, order: 'desc', type, before }, { signal });
        events.push(...result.events);
        const oldest = result.events.at(-1);
        if (result.nextCursor === null || oldest === undefined || Date.parse(oldest.at) < since)
          return { events, complete: true, fetchedAt };
        // The cursor is the id to read `before` next, sent as a string (the query takes the integer).
        before = Number(result.nextCursor);
      }
      return { events, complete: false, fetchedAt };
    },
    staleTime: Infinity,
    gcTime: Infinity,
  });
  const history = query.data;
  useEffect(() => {
    if (history === undefined || metrics === undefined || series.getSnapshot().seeded) return;
    series.seed(history.events, metrics, Date.now(), history.complete);
  }, [history, metrics, series]);
  return { isLoading: query.isPending, error: query.error };
}
