import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './config.js';
import type { Store } from './core/ports.js';
import type { ClusterChannel } from './services/cluster-relay.js';
import { postgresClusterChannel } from './storage/postgres/cluster-channel.js';
import { openPostgresStore } from './storage/postgres/postgres-store.js';
import { openSqliteStore } from './storage/sqlite/sqlite-store.js';

/**
 * The composition root's adapters (style rule 1): the only module that turns configuration
 * into storage drivers. The server (server.ts) and the offline admin token (admin-token.ts,
 * behind `switchboard token admin` and `npm run token`) both open their store here, so they
 * always agree on which database the configuration names.
 */
export interface OpenStoreOptions {
  /**
   * Refuse to create the SQLite file when it does not exist. A tool that works on the server's
   * data (a new admin token) must not quietly start an empty database the server never reads,
   * which is what a mistyped SWITCHBOARD_DATA would otherwise do.
   */
  existingOnly?: boolean;
}

/**
 * A store that cannot be opened at start-up. Not an API error (no request is being answered):
 * its message is for whoever starts the process, so it names the database and what the driver said.
 */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

/**
 * Opens (not migrates) the store the configuration names: PostgreSQL when `databaseUrl` is
 * set, else the SQLite file. Throws {@link StoreOpenError} when the database cannot be reached
 * or, with `existingOnly`, when the SQLite file is missing.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataFile'> & Partial<Pick<Config, 'sqliteSynchronous'>>,
  options: OpenStoreOptions = {},
): Promise<Store> {
  if (config.databaseUrl !== null) {
    try {
      return await openPostgresStore({ connectionString: config.databaseUrl });
    } catch (err) {
      // The store's own error is worded for API callers, without driver text; whoever starts
      // a process needs to know which database and what the driver said.
      throw new StoreOpenError(`Cannot reach the PostgreSQL database (DATABASE_URL): ${driverMessage(err)}`, { cause: err });
    }
  }
  if (options.existingOnly === true && !existsSync(config.dataFile)) {
    throw new StoreOpenError(
      `No Switchboard database at ${resolve(config.dataFile)}: start the server once, or set SWITCHBOARD_DATA (or DATABASE_URL) to the store it uses`,
    );
  }
  try {
    return openSqliteStore({ file: config.dataFile, synchronous: config.sqliteSynchronous === 'normal' ? 'NORMAL' : 'FULL' });
  } catch (err) {
    throw new StoreOpenError(`Cannot open the SQLite database ${resolve(config.dataFile)}: ${driverMessage(err)}`, { cause: err });
  }
}

/**
 * How nodes sharing the store's database hear each other's events: only a store that declares
 * `listenNotify` can carry them (PostgreSQL, on the database `openStore` connected to); null
 * for one that cannot (SQLite: one node, nobody to tell).
 */
export function openClusterChannel(
  store: Store,
  config: Pick<Config, 'databaseUrl'>,
  onError: (err: Error) => void,
): ClusterChannel | null {
  if (!store.capabilities.listenNotify) return null;
  if (config.databaseUrl === null) {
    throw new StoreOpenError('The store announces commits (LISTEN/NOTIFY) but no DATABASE_URL names its database');
  }
  return postgresClusterChannel({ connectionString: config.databaseUrl, onError });
}

/** Which store a message should name: the database the store actually opened, by its declared dialect. */
export function storeDescription(store: Store, config: Pick<Config, 'dataFile'>): string {
  return store.capabilities.dialect === 'postgres' ? 'the PostgreSQL store (DATABASE_URL)' : `the SQLite store ${resolve(config.dataFile)}`;
}

/** The innermost cause's message: what the driver said. */
function driverMessage(err: unknown): string {
  let at: unknown = err;
  while (at instanceof Error && at.cause instanceof Error) at = at.cause;
  return at instanceof Error ? at.message : String(at);
}
