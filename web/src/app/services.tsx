import { createContext, use, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import type { SwitchboardClient } from 'switchboard/sdk';
import type { ConnectionStatus } from '../realtime/connection.js';
import type { SeriesSnapshot } from '../realtime/live-series.js';
import type { AuthPromptReason } from './auth-gate.js';
import type { AppRuntime, Services } from './runtime.js';

export type { Services };

const ServicesContext = createContext<Services | null>(null);

/** Provides the runtime's services and runs them (socket, clock, chart rollover) while mounted. */
export function ServicesProvider({ runtime, children }: { runtime: AppRuntime; children: ReactNode }) {
  useEffect(() => {
    const { connection, series, sync, ticker } = runtime.services;
    ticker.start();
    connection.start();
    const tick = setInterval(() => series.tick(Date.now()), 15_000);
    return () => {
      clearInterval(tick);
      ticker.stop();
      connection.stop();
      sync.dispose();
      runtime.reconciler.dispose();
    };
  }, [runtime]);

  return <ServicesContext value={runtime.services}>{children}</ServicesContext>;
}

export function useServices(): Services {
  const services = use(ServicesContext);
  if (services === null) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}

export function useApi(): SwitchboardClient {
  return useServices().api;
}

export function useConnectionStatus(): ConnectionStatus {
  const { connection } = useServices();
  return useSyncExternalStore(connection.subscribe, connection.getStatus);
}

export function useSeries(): SeriesSnapshot {
  const { series } = useServices();
  return useSyncExternalStore(series.subscribe, series.getSnapshot);
}

/**
 * The current time, re-rendering the caller once per `granularityMs` (quantised, so a
 * 10 s granularity re-renders every 10 s although the page ticks every second).
 */
export function useNow(granularityMs = 1_000): number {
  const { ticker } = useServices();
  const getSnapshot = () => Math.floor(ticker.now() / granularityMs) * granularityMs;
  return useSyncExternalStore(ticker.subscribe, getSnapshot);
}

/** Why the token prompt shows, or null when it is closed. */
export function useAuthPrompt(): AuthPromptReason | null {
  const { auth } = useServices();
  return useSyncExternalStore(auth.subscribe, auth.reason);
}
