import { performance } from 'node:perf_hooks';
import type { Store, StoreTx } from '../core/ports.js';
import type { ServerMetrics } from './registry.js';

/**
 * The store with each committed `transaction()` timed into `observeCommit(seconds, 1)`:
 * until group commit shares one commit between units, a transaction is one unit. The time
 * runs from asking for the transaction (waiting for SQLite's single writer or a pooled
 * PostgreSQL connection included) to its commit. A rolled-back transaction (a lost race,
 * a refused transition) committed nothing and is not counted. When group commit lands it
 * calls `observeCommit` itself with the batch size, and this decorator goes.
 */
export function meteredStore(store: Store, metrics: Pick<ServerMetrics, 'observeCommit'>): Store {
  return {
    get capabilities() {
      return store.capabilities;
    },
    // Getters, not copies: the reads are whatever the store holds when they are used.
    get tasks() {
      return store.tasks;
    },
    get agents() {
      return store.agents;
    },
    get events() {
      return store.events;
    },
    get idempotency() {
      return store.idempotency;
    },
    get tokens() {
      return store.tokens;
    },
    get logs() {
      return store.logs;
    },
    migrate: () => store.migrate(),
    close: () => store.close(),
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      const started = performance.now();
      const value = await store.transaction(fn);
      metrics.observeCommit((performance.now() - started) / 1_000, 1);
      return value;
    },
  };
}
