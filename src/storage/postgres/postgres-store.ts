import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { InternalError, StoreUnavailableError, SwitchboardError, ValidationError } from '../../core/errors.js';
import type { Store, StoreCapabilities, StoreReads, StoreTx } from '../../core/ports.js';
import { checkAppliedMigrations, loadMigrations, type MigrationFile } from '../migration-files.js';
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

  constructor(options: PostgresStoreOptions) {
    const { connectionString, schema, poolSize = PG_POOL_SIZE_DEFAULT } = options;
    if (schema !== undefined && !SAFE_IDENTIFIER.test(schema)) {
      throw new ValidationError(`Invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`, { field: 'schema' });
    }
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new ValidationError(`Invalid PostgreSQL pool size ${poolSize}: use a positive integer`, { field: 'poolSize' });
    }
    this.schema = schema;
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

  async migrate(): Promise<void> {
    const migrations = loadMigrations('postgres');
    const client = await this.checkout();
    let failed: unknown;
    try {
      await client.query('BEGIN');
      // $1 = lock class, $2 = schema. Transaction-scoped, so it is released by COMMIT/ROLLBACK
      // even if this node dies; a second node waits here, then finds nothing left to apply.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema())))', [
        MIGRATION_LOCK_CLASS,
        this.schema ?? null,
      ]);
      // DDL cannot take parameters; the schema name was checked against SAFE_IDENTIFIER.
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      );
      const applied = await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations');
      const done = new Map(applied.rows.map((r) => [r.version, r.name]));
      checkAppliedMigrations(done, migrations);
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query(m.sql); // simple protocol: a file may hold many statements
        // $1 = version, $2 = name; applied_at from the database clock (no domain time involved).
        await client.query(
          `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`,
          [m.version, m.name],
        );
      }
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
   * Nested calls are refused, as on SQLite: an inner transaction would need a second pooled
   * connection while the outer one holds rows it may wait for, and it would not see the
   * outer one's writes. Pass the StoreTx down instead.
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.activeTx.getStore()?.open === true) {
      throw new InternalError('Nested transactions are not supported; pass the StoreTx down instead');
    }
    const scope = { open: true };
    try {
      return await this.activeTx.run(scope, () => this.runTransaction(fn));
    } finally {
      scope.open = false;
    }
  }

  private async runTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const client = await this.checkout();
    let open = true;
    let broken: Error | undefined;
    const db = wrapDb(client, () => open);
    try {
      try {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw translatePgError(err);
      }
      let result: T;
      try {
        result = await fn(buildTx(db));
      } catch (err) {
        open = false;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        throw err;
      }
      open = false;
      let commit: pg.QueryResult;
      try {
        commit = await client.query('COMMIT');
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw translatePgError(err);
      }
      // A failed statement that `fn` caught aborts the whole transaction; PostgreSQL then
      // answers COMMIT with ROLLBACK instead of an error. Nothing was kept: say so.
      if (commit.command !== 'COMMIT') {
        throw new InternalError('The transaction was aborted by a failed statement; nothing was committed');
      }
      return result;
    } finally {
      open = false;
      client.release(broken);
    }
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
