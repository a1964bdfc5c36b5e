import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | null = null;

/**
 * prom-client's default metrics (event-loop lag as `nodejs_eventloop_lag_seconds` and its
 * percentiles, GC, heap, CPU, file descriptors), collected once per process. They describe
 * the process, not a server, and collecting them starts an event-loop monitor and a GC
 * observer that prom-client never stops: one per server would pile up in a test process
 * that starts dozens. Not prom-client's global registry: each server merges this one into
 * its own at scrape time (see ServerMetrics.render).
 */
export function processMetrics(): Registry {
  if (shared === null) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
