import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { ConflictError, InternalError, StoreUnavailableError, type UniqueEntity } from '../../core/errors.js';

/** How long a writer waits for another connection's write lock before giving up. */
export const SQLITE_BUSY_TIMEOUT_DEFAULT_MS = 5_000;
/** Longest pause between two attempts to take the write lock. */
const BEGIN_RETRY_MAX_DELAY_MS = 25;

/** Named bind parameters of one statement; booleans are bound as 0/1 by the row modules. */
export type SqlParams = Record<string, string | number | null>;
/** Which entity and id a write's unique key names, so a taken key becomes the right ConflictError. */
export interface ConflictWording {
  entity: UniqueEntity;
  id: string;
}
/** A row as better-sqlite3 returns it; the row modules map it to a domain type in one place. */
export type SqlRow = Record<string, unknown>;

/** How hard a commit waits for the disk: FULL syncs the WAL at every commit, NORMAL only at checkpoints. */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/**
 * Opens one connection with the pragmas every Switchboard connection needs: WAL (readers
 * never block the writer), the `synchronous` level (FULL: a commit is on disk, power loss
 * included, before it returns; group commit shares that fsync), foreign keys, and a busy
 * timeout so another process holding the lock is waited for.
 */
export function openConnection(file: string, busyTimeoutMs: number, synchronous: SqliteSynchronous = 'FULL'): Database.Database {
  if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  // Unicode-aware lower-casing for the text filter: SQLite's lower() only folds ASCII.
  db.function('sb_casefold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  return db;
}

/**
 * A connection's prepared-statement cache, and the one place driver errors are translated. Statements are prepared on first use (so a store
 * can be opened before `migrate()` creates the tables) and reused after. A writer-side cache
 * refuses to run outside a transaction, which catches a `StoreTx` kept past its callback.
 */
export class SqlRunner {
  private readonly cache = new Map<string, Database.Statement<[SqlParams], SqlRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly requireTransaction: boolean,
  ) {}

  get(sql: string, params: SqlParams = {}): SqlRow | undefined {
    try {
      return this.stmt(sql).get(params);
    } catch (err) {
      throw translateSqliteError(err);
    }
  }

  all(sql: string, params: SqlParams = {}): SqlRow[] {
    try {
      return this.stmt(sql).all(params);
    } catch (err) {
      throw translateSqliteError(err);
    }
  }

  /** Runs a write and returns the number of rows changed; `conflict` words the ConflictError of a taken key. */
  run(sql: string, params: SqlParams = {}, conflict?: ConflictWording): number {
    try {
      return this.stmt(sql).run(params).changes;
    } catch (err) {
      throw translateSqliteError(err, conflict);
    }
  }

  private stmt(sql: string): Database.Statement<[SqlParams], SqlRow> {
    if (this.requireTransaction && !this.db.inTransaction) {
      throw new InternalError('A StoreTx was used outside its transaction (keep it inside the transaction callback)');
    }
    let stmt = this.cache.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare<[SqlParams], SqlRow>(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

/**
 * Takes the write lock with `BEGIN IMMEDIATE`, retrying asynchronously while another
 * connection holds it. better-sqlite3's own busy handler would block the event loop, and
 * when the holder is another connection in this same process it could never finish: the
 * wait would always end in SQLITE_BUSY. Yielding between attempts lets it commit. The
 * writer connection therefore runs with `busy_timeout = 0` (set once by the store, not
 * toggled per transaction): once BEGIN IMMEDIATE holds the lock nothing in WAL mode waits.
 */
export async function beginImmediate(db: Database.Database, busyTimeoutMs: number): Promise<void> {
  const started = performance.now();
  let pause = 1;
  for (;;) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusy(err) || performance.now() - started >= busyTimeoutMs) throw translateSqliteError(err);
    }
    await delay(pause);
    pause = Math.min(BEGIN_RETRY_MAX_DELAY_MS, pause * 2);
  }
}

/** Rolls back if a transaction is still open (SQLite may already have rolled back, e.g. on SQLITE_FULL). */
export function rollbackQuietly(db: Database.Database): void {
  if (db.open && db.inTransaction) db.exec('ROLLBACK');
}

/**
 * Maps driver errors to coded errors (style rule 9): unique and primary-key violations
 * become ConflictError, lock timeouts STORE_UNAVAILABLE, anything else from SQLite
 * INTERNAL. Messages are our own words (the API may show them); the driver error is the
 * `cause`, which the server log shows. Errors that are not SQLite's pass unchanged.
 */
export function translateSqliteError(err: unknown, conflict?: ConflictWording): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ConflictError(conflict?.entity ?? 'record', conflict?.id ?? null, undefined, { cause: err });
  }
  if (isBusy(err)) {
    return new StoreUnavailableError('locked', { cause: err });
  }
  // InternalError's text is for the log only; the API never shows it.
  return new InternalError(`SQLite failed to run a statement (${err.code})`, { cause: err });
}

function isBusy(err: unknown): boolean {
  return err instanceof Database.SqliteError && (err.code.startsWith('SQLITE_BUSY') || err.code.startsWith('SQLITE_LOCKED'));
}
