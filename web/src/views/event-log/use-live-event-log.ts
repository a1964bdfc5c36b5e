import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { EVENT_LOG_PAGE, type EventLogFilter } from '../../api/event-log-query.js';
import { queryKeys } from '../../api/query-keys.js';
import { useServices } from '../../app/services.js';
import { freshMatches, headId, prependToFirstPage, type EventLogPages } from './live-pages.js';

/** Ids held for the "N new events" count; past this the count stops growing (a tab left open for days). */
const MAX_HELD = 10_000;

interface Held {
  filter: EventLogFilter;
  ids: ReadonlySet<number>;
}

/**
 * Keeps the event log live from the socket's `event` messages (the batches the feed gets),
 * with no request per event. On the first page, matching events go on top of it. Once the
 * reader has loaded older pages, nothing moves: the new events are only counted, and
 * `showNewest` goes back to one fresh first page (one request).
 */
export function useLiveEventLog(
  filter: EventLogFilter,
  data: Pick<EventLogPages, 'pages'> | undefined,
): { newer: number; showNewest(): void } {
  const { sync } = useServices();
  const client = useQueryClient();
  const [held, setHeld] = useState<Held>({ filter, ids: new Set() });

  useEffect(() => {
    const key = queryKeys.eventLog(filter);
    return sync.onEvents((events) => {
      const cached = client.getQueryData<EventLogPages>(key);
      // Before the first page lands there is nothing to add to: that read brings them.
      if (cached === undefined) return;
      const fresh = freshMatches(cached, events, filter);
      if (fresh.length === 0) return;
      if (cached.pages.length > 1) {
        setHeld((prev) => {
          const ids = new Set(prev.filter === filter ? prev.ids : []);
          for (const e of fresh) if (ids.size < MAX_HELD) ids.add(e.id);
          return { filter, ids };
        });
        return;
      }
      // While a read is in flight ("Load older" uses this page's cursor) nothing is cut off the page's end.
      const pageSize = client.isFetching({ queryKey: key, exact: true }) > 0 ? Infinity : EVENT_LOG_PAGE;
      client.setQueryData<EventLogPages>(key, prependToFirstPage(cached, fresh, pageSize));
    });
  }, [sync, client, filter]);

  // Counted against what is shown, so a Refresh that brought them in clears the count by itself.
  const head = data === undefined ? Infinity : headId(data);
  let newer = 0;
  if (held.filter === filter) for (const id of held.ids) if (id > head) newer++;

  const showNewest = () => {
    const key = queryKeys.eventLog(filter);
    setHeld({ filter, ids: new Set() });
    client.setQueryData<EventLogPages>(key, (d) => d && { pages: d.pages.slice(0, 1), pageParams: d.pageParams.slice(0, 1) });
    void client.refetchQueries({ queryKey: key, exact: true });
  };
  return { newer, showNewest };
}
