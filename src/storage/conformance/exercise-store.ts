import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../core/ports.js';
import { agentCases } from './agent-cases.js';
import { eventCases } from './event-cases.js';
import { logCases } from './log-cases.js';
import { notificationCases } from './notification-cases.js';
import type { StoreHarness } from './fixtures.js';
import { queueCases } from './queue-cases.js';
import { taskCases } from './task-cases.js';
import { taskOrderCases } from './task-order-cases.js';
import { tokenCases } from './token-cases.js';
import { transactionCases } from './transaction-cases.js';

/**
 * Builds one store on an empty database for one test. `cleanup` must close the store and
 * remove what the factory created (temp file, schema); the suite calls it after each test.
 * The factory may or may not have migrated: the suite calls `migrate()` either way.
 */
export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/**
 * The Store conformance suite: every port method and every guard, exercised through the
 * port alone, so the SQLite and PostgreSQL adapters are held to the same behaviour (same
 * results, same error codes, same race outcomes). Each test gets a fresh store from
 * `factory`. Call it at the top level of an adapter's test file:
 * `exerciseStore('SqliteStore', async () => ...)`.
 */
export function exerciseStore(name: string, factory: StoreFactory): void {
  describe(name, () => {
    let current: Awaited<ReturnType<StoreFactory>> | null = null;
    const harness: StoreHarness = {
      get store(): Store {
        if (current === null) throw new Error('exerciseStore: no store (the factory failed or the test runs outside beforeEach)');
        return current.store;
      },
    };

    beforeEach(async () => {
      current = await factory();
      await current.store.migrate();
    });

    afterEach(async () => {
      const done = current;
      current = null;
      if (done !== null) await done.cleanup();
    });

    taskCases(harness);
    taskOrderCases(harness);
    queueCases(harness);
    agentCases(harness);
    eventCases(harness);
    tokenCases(harness);
    logCases(harness);
    notificationCases(harness);
    transactionCases(harness);
  });
}
