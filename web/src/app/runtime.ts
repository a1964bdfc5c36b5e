import { QueryClient } from '@tanstack/react-query';
import type { SwitchboardClient } from 'switchboard/sdk';
import { createDashboardClient, isClientFault } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { AGENT_ID_STORAGE_KEY, StoredValue, TokenStore } from '../api/token-store.js';
import { CacheSync } from '../realtime/cache-sync.js';
import { LiveConnection } from '../realtime/connection.js';
import { LiveSeries } from '../realtime/live-series.js';
import { Reconciler } from '../realtime/reconciler.js';
import { AuthGate } from './auth-gate.js';
import { Ticker } from './ticker.js';

/** The page's long-lived objects, built once in main.tsx (no module-level singletons). */
export interface Services {
  api: SwitchboardClient;
  tokens: TokenStore;
  /** The human agent the sign-in's token is bound to (its "My work"); null when the page works as nobody in particular. */
  signedInAgent: StoredValue;
  auth: AuthGate;
  connection: LiveConnection;
  series: LiveSeries;
  sync: CacheSync;
  ticker: Ticker;
}

export interface AppRuntime {
  queryClient: QueryClient;
  services: Services;
  reconciler: Reconciler;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        retry: (count, err) => !isClientFault(err) && count < 2,
      },
    },
  });
}

/**
 * Builds the query cache, the API client and the live connection, wired together:
 * socket messages go to the cache writer, the reconciler and the chart series. Nothing
 * starts here; ServicesProvider starts and stops the connection and the clock.
 */
export function createAppRuntime(): AppRuntime {
  const queryClient = makeQueryClient();
  const tokens = new TokenStore();
  const auth = new AuthGate();
  const api = createDashboardClient({ origin: window.location.origin, tokens, onUnauthorized: auth.request });
  const sync = new CacheSync(queryClient);
  const reconciler = new Reconciler(sync, api, queryClient);
  const series = new LiveSeries(Date.now());
  const connection = new LiveConnection(
    tokens,
    {
      task: (task) => sync.task(task),
      agent: (agent) => sync.agent(agent),
      agentRemoved: (id) => sync.removeAgent(id),
      metrics: (metrics) => {
        sync.metrics(metrics);
        series.onMetrics(metrics, Date.now());
      },
      event: (event) => {
        // A failed delivery changes the banner's count; deliveries have no socket message of their own.
        if (event.type.startsWith('notification.')) void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
        sync.event(event);
        reconciler.onEvent(event);
        series.onEvent(event, Date.now());
      },
      taskLog: (payload) => sync.taskLog(payload),
      connected: () => void queryClient.invalidateQueries({ queryKey: queryKeys.taskLogs }),
      resumed: () => reconciler.onResume(),
      replayDone: (truncated) => reconciler.onReplayDone(truncated),
      unauthorized: auth.request,
    },
    async () => (await api.events.list({ limit: 1, order: 'desc' })).events[0]?.id ?? 0,
  );
  return {
    queryClient,
    reconciler,
    services: { api, tokens, signedInAgent: new StoredValue(AGENT_ID_STORAGE_KEY), auth, connection, series, sync, ticker: new Ticker() },
  };
}
