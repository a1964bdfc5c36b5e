import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { InternalError, StoreUnavailableError, SwitchboardError } from '../../core/errors.js';
import type {
  AgentReads,
  EventReads,
  IdempotencyReads,
  LogReads,
  NotificationReads,
  Store,
  StoreCapabilities,
  StoreTx,
  TaskReads,
  TokenReads,
} from '../../core/ports.js';
import { checkAppliedMigrations, loadMigrations, type MigrationFile } from '../migration-files.js';
import { SqliteAgentRows } from './agent-rows.js';
import {
  SQLITE_BUSY_TIMEOUT_DEFAULT_MS,
  SqlRunner,
  beginImmediate,
  openConnection,
  rollbackQuietly,
  translateSqliteError,
} from './connection.js';
import { SqliteEventRows } from './event-rows.js';
import { SqliteIdempotencyRows } from './idempotency-rows.js';
import { SqliteLogRows } from './log-rows.js';
import { SqliteNotificationRows } from './notification-rows.js';
import { num, text } from './row-codec.js';
import { SqliteTaskRows } from './task-rows.js';
import { SqliteTokenRows } from './token-rows.js';

export interface SqliteStoreOptions {
  /**
   * Database file; its directory is created if missing. `':memory:'` (or `''`) is for
   * throwaway tests only: one connection serves reads and writes (see SqliteStore).
   */
  file: string;
  /** How long a write waits for another process's write lock. Default {@link SQLITE_BUSY_TIMEOUT_DEFAULT_MS}. */
  busyTimeoutMs?: number;
}

/** SQLite has one writer at a time and no cross-process notification. */
export const SQLITE_STORE_CAPABILITIES: StoreCapabilities = Object.freeze({
  dialect: 'sqlite',
  listenNotify: false,
  concurrentWriters: false,
});

/**
 * Opens the embedded store (the zero-configuration default). Call `migrate()` before use;
 * opening does not change the schema, so a read-only tool can open a store without side effects.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

/**
 * The Store port on SQLite (better-sqlite3, WAL).
 *
 * Two connections: transactions run on the writer; reads on the Store itself run on a
 * separate reader, so they see only committed data even while a transaction of this
 * process is open between two awaits (with `':memory:'` both are one connection, and such
 * reads can see the open transaction's writes).
 *
 * better-sqlite3 is synchronous while `transaction(fn)` awaits between statements, so
 * transactions are queued on a promise chain (one at a time per store) and bracketed by
 * `BEGIN IMMEDIATE` / `COMMIT`, which makes another process on the same file wait for the
 * write lock too. Nested `transaction` calls are not supported: they would wait for
 * themselves, so they are refused with an INTERNAL error instead.
 */
export class SqliteStore implements Store {
  readonly capabilities = SQLITE_STORE_CAPABILITIES;
  readonly tasks: TaskReads;
  readonly agents: AgentReads;
  readonly events: EventReads;
  readonly idempotency: IdempotencyReads;
  readonly tokens: TokenReads;
  readonly logs: LogReads;
  readonly notifications: NotificationReads;

  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly tx: StoreTx;
  private readonly busyTimeoutMs: number;
  private readonly activeTx = new AsyncLocalStorage<{ open: boolean }>();
  /** Settles when the last queued transaction or migration has finished. */
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_DEFAULT_MS;
    this.writer = openConnection(options.file, this.busyTimeoutMs);
    if (this.writer.memory) {
      this.reader = this.writer;
    } else {
      this.reader = openConnection(options.file, this.busyTimeoutMs);
      this.reader.pragma('query_only = ON');
    }
    const reads = new SqlRunner(this.reader, false);
    this.tasks = new SqliteTaskRows(reads);
    this.agents = new SqliteAgentRows(reads);
    this.events = new SqliteEventRows(reads);
    this.idempotency = new SqliteIdempotencyRows(reads);
    this.tokens = new SqliteTokenRows(reads);
    this.logs = new SqliteLogRows(reads);
    this.notifications = new SqliteNotificationRows(reads);
    const writes = new SqlRunner(this.writer, true);
    this.tx = {
      tasks: new SqliteTaskRows(writes),
      agents: new SqliteAgentRows(writes),
      events: new SqliteEventRows(writes),
      idempotency: new SqliteIdempotencyRows(writes),
      tokens: new SqliteTokenRows(writes),
      logs: new SqliteLogRows(writes),
      notifications: new SqliteNotificationRows(writes),
    };
  }

  /**
   * Applies the migrations not yet recorded in `schema_migrations`, all in one
   * `BEGIN IMMEDIATE` transaction: a second process starting at the same moment waits,
   * then finds them applied. Refuses to run against a database whose recorded migrations
   * do not match this build's files (renamed file, or a newer schema).
   */
  async migrate(): Promise<void> {
    const files = loadMigrations('sqlite');
    await this.exclusive(() => this.locked(async () => this.applyMigrations(files)));
  }

  /**
   * Queued behind this store's other transactions, then run between BEGIN IMMEDIATE and
   * COMMIT on the writer; ROLLBACK when `fn` throws. A nested call is refused (see class doc).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.activeTx.getStore()?.open === true) {
      return Promise.reject(new InternalError('Nested transactions are not supported; pass the StoreTx down instead'));
    }
    return this.exclusive(() =>
      this.locked(async () => {
        const scope = { open: true };
        try {
          return await this.activeTx.run(scope, () => fn(this.tx));
        } finally {
          scope.open = false;
        }
      }),
    );
  }

  /** Waits for queued transactions, then closes both connections; later calls are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }

  /** Runs `work` after every previously queued transaction of this store has settled. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('closed'));
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** BEGIN IMMEDIATE, `work`, COMMIT; ROLLBACK and a translated error if anything throws. */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await beginImmediate(this.writer, this.busyTimeoutMs);
    try {
      const value = await work();
      this.writer.exec('COMMIT');
      return value;
    } catch (err) {
      rollbackQuietly(this.writer);
      throw translateSqliteError(err);
    }
  }

  private applyMigrations(files: MigrationFile[]): void {
    const db = this.writer;
    // No parameters. Created here rather than by a migration: it records the migrations.
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    // No parameters.
    const applied = new Map(
      db
        .prepare<[], Record<string, unknown>>('SELECT version, name FROM schema_migrations')
        .all()
        .map((r) => [num(r, 'version'), text(r, 'name')] as const),
    );
    checkAppliedMigrations(applied, files);
    // @version @name; applied_at from SQLite's clock (migrations run before any Clock exists).
    const record = db.prepare<[{ version: number; name: string }]>(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
    );
    for (const file of files) {
      if (applied.has(file.version)) continue;
      db.exec(file.sql);
      record.run({ version: file.version, name: file.name });
    }
  }
}
