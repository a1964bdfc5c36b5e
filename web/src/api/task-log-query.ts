import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { SwitchboardClient } from 'switchboard/sdk';
import { useApi } from '../app/services.js';
import { EMPTY_TASK_LOG, mergeLogLines, resumeSeq, type TaskLog } from '../lib/task-log.js';
import { queryKeys } from './query-keys.js';

/** Lines per read (the API's maximum): a 5 MiB log is still many pages. */
const LOG_PAGE_LIMIT = 1000;

/**
 * A task's log: read from where the held copy has no hole (everything, the first time),
 * page by page, each page shown as it lands. `task:log` messages are merged into the same
 * cache entry meanwhile (CacheSync), by seq, so the read and the live lines never
 * duplicate or drop a line whichever arrives first. A (re)connect of the socket
 * invalidates it: the refetch then reads only what the socket may have missed.
 */
export function taskLogQuery(api: SwitchboardClient, client: QueryClient, taskId: string) {
  const key = queryKeys.taskLog(taskId);
  const held = () => client.getQueryData<TaskLog>(key) ?? EMPTY_TASK_LOG;
  return queryOptions<TaskLog>({
    queryKey: key,
    queryFn: async ({ signal }) => {
      let after = resumeSeq(held());
      for (;;) {
        const page = await api.tasks.logs(taskId, { after, limit: LOG_PAGE_LIMIT }, { signal });
        const merged = mergeLogLines(held(), page.lines, page.truncated);
        if (!page.hasMore) return merged;
        client.setQueryData(key, merged);
        after = page.lastSeq;
      }
    },
    staleTime: Infinity,
  });
}

export function useTaskLog(taskId: string) {
  return useQuery(taskLogQuery(useApi(), useQueryClient(), taskId));
}
