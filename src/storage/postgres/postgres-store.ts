import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { InternalError, StoreUnavailableError, SwitchboardError, ValidationError } from '../../core/errors.js';
import type { CommitListener, Store, StoreCapabilities, StoreReads, StoreTx } from '../../core/ports.js';
import { runMigrations, type MigrationSession } from '../migration-runner.js';
import { PostgresAgentReads, PostgresAgentRepo } from './agent-rows.js';
import { PostgresEventReads, PostgresEventRepo } from './event-rows.js';
import { PostgresIdempotencyReads, PostgresIdempotencyRepo } from './idempotency-rows.js';
import { SAFE_IDENTIFIER, quoteIdent, translatePgError, wrapDb, type Db } from './sql.js';
import { PostgresTaskReads, PostgresTaskRepo } from './task-rows.js';
import { PostgresTokenReads, PostgresTokenRepo } from './token-rows.js';
import { PostgresLogReads, PostgresLogRepo } from './log-rows.js';
import { PostgresNotificationReads, PostgresNotificationRepo } from './notification-rows.js';

/** Connections per node; a transaction holds one for its whole callback. */
export const PG_POOL_SIZE_DEFAULT = 10;
/** How long a checkout waits for a connection before the store reports STORE_UNAVAILABLE. */
export const PG_CONNECT_TIMEOUT_DEFAULT_MS = 10_000;
/** First key of the two-key advisory lock that serialises migrations ("SB"); the second is the schema. */
const MIGRATION_LOCK_CLASS = 0x5342;

/** What `openPostgresStore` needs; built from the validated config in main.ts. */
export interface PostgresStoreOptions {
  connectionString: string;
  /**
   * Keeps every table in this schema (every pooled connection gets `search_path` = it):
   * one database can hold several deployments, and each test file gets its own.
   * Lower-case letters, digits and `_` only, since it is spliced into DDL.
   */
  schema?: string;
  poolSize?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarts); the pool replaces it. */
  onPoolError?: (err: Error) => void;
}

/**
 * Parses int8 (epoch ms, BIGSERIAL ids, count(*)) to a JS number for this pool only, so
 * domain types come back exact without changing pg's global parsers for other users.
 * Every value Switchboard stores in a BIGINT is below 2^53.
 */
function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}

/**
 * Opens the PostgreSQL adapter of the Store port (the multi-node deployment) and checks
 * the server answers, so a wrong DATABASE_URL fails at start-up rather than on the first
 * request. Call `migrate()` before use.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options);
  try {
    await store.ping();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * The Store port on PostgreSQL. Reads outside a transaction use the pool; a transaction
 * pins one client (READ COMMITTED) and guarded writes re-check their WHERE after taking
 * the row lock, so concurrent nodes race safely: exactly one writer wins each guard.
 *
 * Group commit: `transaction(fn)` calls queue for one of `poolSize / 2` lanes; a free lane
 * takes every unit waiting (up to GROUP_COMMIT_UNITS_MAX) into one transaction, each unit
 * in its own savepoint, and commits once. A commit is a synced WAL flush and a round trip;
 * 50 agents' claims and completions now share them instead of paying one each. Units run
 * one after another within a lane, so each sees the writes of those before it.
 */
export class PostgresStore implements Store {
  readonly capabilities: StoreCapabilities = Object.freeze({ dialect: 'postgres', listenNotify: true, concurrentWriters: true });
  readonly tasks: StoreReads['tasks'];
  readonly agents: StoreReads['agents'];
  readonly events: StoreReads['events'];
  readonly idempotency: StoreReads['idempotency'];
  readonly tokens: StoreReads['tokens'];
  readonly logs: StoreReads['logs'];
  readonly notifications: StoreReads['notifications'];

  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  /** Marks the async context of an open transaction, to refuse nesting (see `transaction`). */
  private readonly activeTx = new AsyncLocalStorage<{ open: boolean }>();
  private closed = false;
  private readonly commitListeners: CommitListener[] = [];
  /** Units waiting for a lane. */
  private queue: Unit[] = [];
  /** Batches that may run at once, each on its own pooled connection. */
  private readonly lanes: number;
  private lanesBusy = 0;

  constructor(options: PostgresStoreOptions) {
    const { connectionString, schema, poolSize = PG_POOL_SIZE_DEFAULT } = options;
    if (schema !== undefined && !SAFE_IDENTIFIER.test(schema)) {
      throw new ValidationError(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`, { field: 'schema' });
    }
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new ValidationError(`Invalid PostgreSQL pool size ${poolSize}: use a positive integer`, { field: 'poolSize' });
    }
    this.schema = schema;
    // Half the pool: the other connections serve reads outside transactions while every lane is busy.
    this.lanes = Math.max(1, Math.floor(poolSize / 2));
    this.pool = new pg.Pool({
      connectionString,
      max: poolSize,
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_DEFAULT_MS,
      application_name: 'switchboard',
      types: typeParsers(),
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    });
    const onPoolError = options.onPoolError ?? (() => undefined);
    this.pool.on('error', onPoolError);
    const db = wrapDb(this.pool);
    this.tasks = new PostgresTaskReads(db);
    this.agents = new PostgresAgentReads(db);
    this.events = new PostgresEventReads(db);
    this.idempotency = new PostgresIdempotencyReads(db);
    this.tokens = new PostgresTokenReads(db);
    this.logs = new PostgresLogReads(db);
    this.notifications = new PostgresNotificationReads(db);
  }

  /** Round-trips one query; throws STORE_UNAVAILABLE when the server cannot be reached. */
  async ping(): Promise<void> {
    await wrapDb(this.pool).query('SELECT 1', []);
  }

  /** Applies pending migrations (see runMigrations); several nodes starting at once apply each exactly once. */
  async migrate(): Promise<void> {
    await runMigrations('postgres', (body) => this.migrationTransaction(body));
  }

  /**
   * One transaction holding the migration lock: `$1` = lock class, `$2` = schema, so
   * deployments in other schemas of the database do not wait for each other. The lock is
   * transaction-scoped, so COMMIT or ROLLBACK releases it even if this node dies.
   */
  private async migrationTransaction(body: (session: MigrationSession) => Promise<void>): Promise<void> {
    const client = await this.checkout();
    let failed: unknown;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema())))', [
        MIGRATION_LOCK_CLASS,
        this.schema ?? null,
      ]);
      // DDL cannot take parameters; the schema name was checked against SAFE_IDENTIFIER.
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
      await body({
        // Simple protocol (no parameters): a file may hold many statements.
        exec: async (sql) => void (await client.query(sql)),
        // No parameters.
        applied: async () => (await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations')).rows,
        // $1 = version, $2 = name; applied_at from the database clock.
        record: async ({ version, name }) =>
          void (await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)',
            [version, name],
          )),
      });
      await client.query('COMMIT');
    } catch (err) {
      failed = err;
      await client.query('ROLLBACK').catch(() => undefined);
      throw translatePgError(err);
    } finally {
      client.release(failed instanceof Error && isConnectionError(failed) ? failed : undefined);
    }
  }

  /**
   * Queues `fn` for the next shared transaction (group commit, see the class doc); settles
   * after its COMMIT. Nested calls are refused, as on SQLite: an inner transaction would
   * wait for the outer one's batch to finish, which waits for it. Pass the StoreTx down.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.activeTx.getStore()?.open === true) {
      return Promise.reject(new InternalError('Nested transactions are not supported; pass the StoreTx down instead'));
    }
    if (this.closed) return Promise.reject(new StoreUnavailableError('closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject, alone: false, reruns: 0 });
      this.pump();
    });
  }

  onCommit(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /** Starts a batch on every free lane while units wait; a unit that must run alone gets a lane to itself. */
  private pump(): void {
    while (this.lanesBusy < this.lanes && this.queue.length > 0) {
      const first = this.queue[0];
      let batch: Unit[];
      if (first?.alone === true) batch = this.queue.splice(0, 1);
      else {
        const end = this.queue.findIndex((u, i) => u.alone || i >= GROUP_COMMIT_UNITS_MAX);
        batch = this.queue.splice(0, end === -1 ? this.queue.length : end);
      }
      this.lanesBusy++;
      void this.runBatch(batch).finally(() => {
        this.lanesBusy--;
        this.pump();
      });
    }
  }

  /**
   * One shared transaction on one pooled connection. With more than one unit each runs
   * between SAVEPOINT and RELEASE, so a unit's error rolls back only its own writes; and a
   * short `lock_timeout` bounds how long one waits for a row another lane's batch holds
   * (two batches each holding what the other wants would otherwise wait for the deadlock
   * detector, a second): a unit that times out runs again alone, with no such bound. Units
   * settle only after COMMIT. A batch whose transaction is lost (the connection, or a unit
   * that swallowed a failed statement) fails that unit and runs its neighbours again.
   */
  private async runBatch(batch: Unit[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.checkout();
    } catch (err) {
      for (const unit of batch) unit.reject(err);
      return;
    }
    const started = performance.now();
    const shared = batch.length > 1;
    let broken: Error | undefined;
    const ran: Array<{ unit: Unit; value: unknown }> = [];
    // A unit's own failure is told after the COMMIT, like every outcome: its caller may read what the units before it wrote.
    const failed: Array<{ unit: Unit; err: unknown }> = [];
    try {
      try {
        await client.query(
          shared
            ? `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '${BATCH_LOCK_TIMEOUT_MS}ms'`
            : 'BEGIN ISOLATION LEVEL READ COMMITTED',
        );
      } catch (err) {
        broken = asError(err);
        for (const unit of batch) unit.reject(translatePgError(err));
        return;
      }
      for (const [index, unit] of batch.entries()) {
        const outcome = await this.runUnit(client, unit, shared);
        if (outcome.ok) {
          ran.push({ unit, value: outcome.value });
          continue;
        }
        if (outcome.lockTimeout) {
          this.requeue([{ ...unit, alone: true }]);
          continue;
        }
        if (outcome.transactionLost) {
          broken = outcome.broken;
          unit.reject(outcome.error);
          await client.query('ROLLBACK').catch(() => undefined);
          this.requeue([...ran.map((r) => r.unit), ...batch.slice(index + 1)], outcome.error);
          return;
        }
        failed.push({ unit, err: outcome.error });
      }
      let commit: pg.QueryResult;
      try {
        commit = await client.query('COMMIT');
      } catch (err) {
        broken = asError(err);
        for (const { unit } of ran) unit.reject(translatePgError(err));
        return;
      }
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK instead of an error.
      if (commit.command !== 'COMMIT') {
        const err = new InternalError('The transaction was aborted by a failed statement; nothing was committed');
        for (const { unit } of ran) unit.reject(err);
        return;
      }
      const seconds = (performance.now() - started) / 1000;
      for (const listener of this.commitListeners) listener(batch.length, seconds);
      for (const { unit, value } of ran) unit.resolve(value);
    } finally {
      client.release(broken);
      for (const { unit, err } of failed) unit.reject(err);
    }
  }

  /** Runs one unit in the shared transaction (inside a savepoint when `shared`). */
  private async runUnit(client: pg.PoolClient, unit: Unit, shared: boolean): Promise<UnitOutcome> {
    const scope = { open: true };
    const db = wrapDb(client, () => scope.open);
    try {
      if (shared) await client.query('SAVEPOINT unit');
      const value = await this.activeTx.run(scope, () => unit.fn(buildTx(db)));
      scope.open = false;
      if (shared) await client.query('RELEASE SAVEPOINT unit');
      return { ok: true, value };
    } catch (err) {
      scope.open = false;
      // The unit's own error passes unchanged (driver errors were translated by wrapDb already).
      if (err instanceof Error && isConnectionError(err))
        return { ok: false, error: err, transactionLost: true, broken: err, lockTimeout: false };
      if (!shared) return { ok: false, error: err, transactionLost: true, broken: undefined, lockTimeout: false };
      try {
        await client.query('ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit');
      } catch (rollbackErr) {
        return { ok: false, error: err, transactionLost: true, broken: asError(rollbackErr), lockTimeout: false };
      }
      return {
        ok: false,
        error: err,
        transactionLost: false,
        broken: undefined,
        lockTimeout: isLockTimeout(err) && unit.reruns < UNIT_RERUNS_MAX,
      };
    }
  }

  /** Units that failed through no fault of their own run again, first in line; too often unlucky, they fail with `cause`. */
  private requeue(units: Unit[], cause?: unknown): void {
    const again: Unit[] = [];
    for (const unit of units) {
      if (unit.reruns >= UNIT_RERUNS_MAX) unit.reject(cause ?? new StoreUnavailableError('locked'));
      else again.push({ ...unit, reruns: unit.reruns + 1 });
    }
    this.queue.unshift(...again);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async checkout(): Promise<pg.PoolClient> {
    if (this.closed) throw new StoreUnavailableError('closed');
    try {
      return await this.pool.connect();
    } catch (err) {
      throw translatePgError(err);
    }
  }
}

/** Units one shared transaction carries at most. */
export const GROUP_COMMIT_UNITS_MAX = 64;
/** How long a unit in a shared transaction waits for a row lock before it is run again alone. */
export const BATCH_LOCK_TIMEOUT_MS = 100;
/** Times a unit is run again after its shared transaction was lost or it timed out on a lock. */
const UNIT_RERUNS_MAX = 3;

/** One caller's `transaction(fn)`, waiting for a lane. */
interface Unit {
  fn: (tx: StoreTx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** Runs in a transaction of its own (after a lock timeout in a shared one). */
  alone: boolean;
  reruns: number;
}

type UnitOutcome =
  { ok: true; value: unknown } | { ok: false; error: unknown; transactionLost: boolean; broken: Error | undefined; lockTimeout: boolean };

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** SQLSTATE 55P03, lock_not_available: what `lock_timeout` raises (wrapDb keeps the driver error as the cause). */
function isLockTimeout(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  return (cause as { code?: unknown } | undefined)?.code === '55P03';
}

function buildTx(db: Db): StoreTx {
  return {
    tasks: new PostgresTaskRepo(db),
    agents: new PostgresAgentRepo(db),
    events: new PostgresEventRepo(db),
    idempotency: new PostgresIdempotencyRepo(db),
    tokens: new PostgresTokenRepo(db),
    logs: new PostgresLogRepo(db),
    notifications: new PostgresNotificationRepo(db),
  };
}

function isConnectionError(err: Error): boolean {
  const translated = translatePgError(err);
  return translated instanceof SwitchboardError && translated.code === 'STORE_UNAVAILABLE';
}
