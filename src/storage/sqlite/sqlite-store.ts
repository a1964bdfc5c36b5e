import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { InternalError, StoreUnavailableError, SwitchboardError } from '../../core/errors.js';
import type {
  AgentReads,
  CommitListener,
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
import { runMigrations, type MigrationSession } from '../migration-runner.js';
import { SqliteAgentRows } from './agent-rows.js';
import { Checkpointer } from './checkpointer.js';
import {
  SQLITE_BUSY_TIMEOUT_DEFAULT_MS,
  SqlRunner,
  beginImmediate,
  openConnection,
  rollbackQuietly,
  translateSqliteError,
  type SqliteSynchronous,
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
  /**
   * `FULL` (default): every commit is on disk before it is acknowledged, power loss included.
   * `NORMAL`: commits survive a crash of the process but the last ones may be lost with power.
   */
  synchronous?: SqliteSynchronous;
  /** Called with a message when the background checkpointer fails (the store keeps working; the WAL only grows). */
  onCheckpointError?: (message: string) => void;
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

/** Units of work one shared transaction carries at most, so the first of them is not kept waiting long for its commit. */
export const GROUP_COMMIT_UNITS_MAX = 64;

/** One caller's `transaction(fn)`, waiting for a shared transaction to run it. */
interface Unit {
  fn: (tx: StoreTx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** True once the shared transaction it ran in was lost: it runs again in the next one, once. */
  rerun?: boolean;
}

/**
 * The Store port on SQLite (better-sqlite3, WAL).
 *
 * Two connections: transactions run on the writer; reads on the Store itself run on a
 * separate reader, so they see only committed data even while a transaction of this
 * process is open between two awaits (with `':memory:'` both are one connection, and such
 * reads can see the open transaction's writes).
 *
 * Group commit: better-sqlite3 is synchronous and SQLite has one writer, so concurrent
 * `transaction(fn)` calls queue. Whatever has queued by the time the writer is free runs
 * in ONE `BEGIN IMMEDIATE` ... `COMMIT`, each unit inside its own SAVEPOINT: a unit that
 * throws is rolled back to its savepoint and rejected alone, its neighbours keep their
 * writes. Nobody's promise settles before the shared COMMIT has returned, so an
 * acknowledged write is a durable one, and the cost of that durable commit (an fsync of
 * the WAL with `synchronous=FULL`) is shared by the whole batch. Units run one after
 * another, so each sees the writes of those before it, exactly as if each had committed
 * alone in that order. Nested `transaction` calls would wait for themselves, so they are
 * refused with an INTERNAL error instead.
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
  private readonly checkpointer: Checkpointer | null;
  private readonly activeTx = new AsyncLocalStorage<{ open: boolean }>();
  /** Units waiting for the next shared transaction. */
  private queue: Unit[] = [];
  private draining = false;
  /** Settles when the last queued batch or migration has finished. */
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly commitListeners: CommitListener[] = [];
  /** The batch's own statements, prepared once: `exec` parses its SQL on every call, four times per unit. */
  private readonly control: Record<'savepoint' | 'release' | 'rollbackTo' | 'commit', Database.Statement>;

  constructor(options: SqliteStoreOptions) {
    this.busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_DEFAULT_MS;
    const synchronous = options.synchronous ?? 'FULL';
    this.writer = openConnection(options.file, this.busyTimeoutMs, synchronous);
    // beginImmediate waits for the write lock itself, without blocking the event loop (see there).
    this.writer.pragma('busy_timeout = 0');
    if (this.writer.memory) {
      this.reader = this.writer;
      this.checkpointer = null;
    } else {
      this.reader = openConnection(options.file, this.busyTimeoutMs, synchronous);
      this.reader.pragma('query_only = ON');
      this.checkpointer = new Checkpointer(options.file, options.onCheckpointError ?? (() => undefined));
      this.writer.pragma('wal_autocheckpoint = 0');
    }
    this.control = {
      savepoint: this.writer.prepare('SAVEPOINT unit'),
      release: this.writer.prepare('RELEASE unit'),
      rollbackTo: this.writer.prepare('ROLLBACK TO unit'),
      commit: this.writer.prepare('COMMIT'),
    };
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
   * Applies pending migrations (see runMigrations) in one `BEGIN IMMEDIATE` transaction:
   * a second process starting at the same moment waits for the write lock, then finds them applied.
   */
  async migrate(): Promise<void> {
    await this.exclusive(() => runMigrations('sqlite', (body) => this.migrationTransaction(body)));
  }

  /** Queues `fn` for the next shared transaction (see the class doc); settles after its COMMIT. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.activeTx.getStore()?.open === true) {
      return Promise.reject(new InternalError('Nested transactions are not supported; pass the StoreTx down instead'));
    }
    if (this.closed) return Promise.reject(new StoreUnavailableError('closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        void this.exclusive(() => this.drain());
      }
    });
  }

  onCommit(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /** Waits for queued transactions, then closes both connections; later calls are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.checkpointer?.stop();
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }

  /** Runs `work` after every previously queued batch or migration of this store has settled. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Runs batches until the queue is empty; callers that arrive meanwhile join the next batch. */
  private async drain(): Promise<void> {
    try {
      // The first caller waits one turn of the event loop, so the requests that arrived with
      // it (read in the same I/O phase) join its batch: over HTTP, without this wait, nearly
      // every batch held one unit and paid a whole fsync.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        await this.runBatch(this.queue.splice(0, GROUP_COMMIT_UNITS_MAX));
        // Let I/O callbacks (requests that arrived during the commit's fsync) queue their units first.
        if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * One shared transaction: each unit between SAVEPOINT and RELEASE, then one COMMIT. A
   * unit's error rolls back only its savepoint, and is told to its caller after the COMMIT
   * like everyone's outcome: that caller may go on to read what the units before it wrote
   * (a replayed idempotent create does). If SQLite lost the whole transaction (it does on
   * SQLITE_FULL, IOERR, NOMEM), the failing unit is rejected and those that had already run
   * go back to the queue to run once more; a failed COMMIT rejects them all, since none of
   * their writes was kept.
   */
  private async runBatch(batch: Unit[]): Promise<void> {
    const started = performance.now();
    try {
      await beginImmediate(this.writer, this.busyTimeoutMs);
    } catch (err) {
      for (const unit of batch) unit.reject(translateSqliteError(err));
      return;
    }
    const ran: Array<{ unit: Unit; value: unknown }> = [];
    const failed: Array<{ unit: Unit; err: unknown }> = [];
    try {
      for (const unit of batch) {
        const scope = { open: true };
        try {
          this.control.savepoint.run();
          const value = await this.activeTx.run(scope, () => unit.fn(this.tx));
          this.control.release.run();
          ran.push({ unit, value });
        } catch (err) {
          if (!this.writer.inTransaction) {
            failed.push({ unit, err });
            this.requeue(
              ran.map((r) => r.unit),
              err,
            );
            return;
          }
          this.control.rollbackTo.run();
          this.control.release.run();
          failed.push({ unit, err });
        } finally {
          scope.open = false;
        }
      }
      try {
        this.control.commit.run();
      } catch (err) {
        rollbackQuietly(this.writer);
        for (const { unit } of ran) unit.reject(translateSqliteError(err));
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      for (const listener of this.commitListeners) listener(batch.length, seconds);
      for (const { unit, value } of ran) unit.resolve(value);
    } finally {
      for (const { unit, err } of failed) unit.reject(translateSqliteError(err));
    }
  }

  /** Units whose shared transaction was lost through no fault of theirs run again, first in line; twice unlucky, they fail. */
  private requeue(units: Unit[], cause: unknown): void {
    const again: Unit[] = [];
    for (const unit of units) {
      if (unit.rerun === true) unit.reject(translateSqliteError(cause));
      else again.push({ ...unit, rerun: true });
    }
    this.queue.unshift(...again);
  }

  private async migrationTransaction(body: (session: MigrationSession) => Promise<void>): Promise<void> {
    const db = this.writer;
    await beginImmediate(db, this.busyTimeoutMs);
    try {
      await body({
        exec: async (sql) => void db.exec(sql),
        // No parameters.
        applied: async () =>
          db
            .prepare<[], Record<string, unknown>>('SELECT version, name FROM schema_migrations')
            .all()
            .map((r) => ({ version: num(r, 'version'), name: text(r, 'name') })),
        // @version @name; applied_at from SQLite's clock.
        record: async ({ version, name }) =>
          void db
            .prepare<[{ version: number; name: string }]>(
              "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
            )
            .run({ version, name }),
      });
      db.exec('COMMIT');
    } catch (err) {
      rollbackQuietly(db);
      throw translateSqliteError(err);
    }
  }
}
