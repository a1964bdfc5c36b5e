import type pg from 'pg';
import { ConflictError, InternalError, StoreUnavailableError, SwitchboardError, VersionConflictError } from '../../core/errors.js';

/**
 * What the row modules run queries on: the pool (reads outside a transaction) or the
 * one client of a transaction. Both go through {@link runQuery}, so every driver error
 * leaves the adapter as a SwitchboardError.
 */
export interface Db {
  query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

/** Anything with pg's `query(config)`: a Pool, a PoolClient or a Client. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/**
 * Distinct statement texts given a name, so each connection parses and plans them once
 * (a named statement is prepared on its first use per connection): planning cost about
 * twice the execution on the hot path. Statements built from filters could be many, so
 * naming stops at this many texts and the rest run unnamed.
 */
export const PREPARED_STATEMENTS_MAX = 500;
const preparedNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_STATEMENTS_MAX) {
    name = `sb_${preparedNames.size + 1}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** Wraps a pool or client so its errors are translated; `isOpen` refuses use after a transaction ended. */
export function wrapDb(target: PgQueryable, isOpen: () => boolean = () => true): Db {
  return {
    async query<R extends pg.QueryResultRow>(text: string, values: readonly unknown[]): Promise<pg.QueryResult<R>> {
      if (!isOpen()) throw new InternalError('Store transaction used after it finished');
      try {
        const name = statementName(text);
        return await target.query<R>(name === undefined ? { text, values: [...values] } : { name, text, values: [...values] });
      } catch (err) {
        throw translatePgError(err);
      }
    },
  };
}

/** SQLSTATE classes that mean "the database is not there right now" rather than "the query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_SYSCALL = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/**
 * Style rule 9: driver errors become coded errors. Unique violations (23505) are
 * ConflictError on both stores; lost connections are STORE_UNAVAILABLE; serialisation
 * failures and deadlocks are VERSION_CONFLICT (the caller reloads and retries). The
 * wording is the core constructors': the API shows it, and driver text, SQL, SQLSTATE and
 * constraint names describe our schema, not the caller's request. The driver error stays
 * the `cause`, which is what the server log shows.
 */
export function translatePgError(err: unknown): Error {
  if (err instanceof SwitchboardError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === '23505') return new ConflictError('record', null, undefined, { cause: err });
  if (code === '40001' || code === '40P01') return new VersionConflictError('record', null, { cause: err });
  if (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SYSCALL.has(code))) {
    return new StoreUnavailableError('unreachable', { cause: err });
  }
  if (
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Cannot use a pool after calling end/i.test(
      message,
    )
  ) {
    return new StoreUnavailableError('unreachable', { cause: err });
  }
  // InternalError's text is for the log only; the API never shows it.
  return new InternalError(`PostgreSQL failed to run a statement${code === undefined ? '' : ` (SQLSTATE ${code})`}`, { cause: err });
}

/** Collects positional parameters for a query built from optional filters. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** JSONB parameters are sent as JSON text: pg would turn a JS array into a PostgreSQL array. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

/** Escapes LIKE wildcards so user text matches literally (used with `ESCAPE '\'`). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Guards identifiers that cannot be parameterised (schema, channel names). */
export const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes an identifier for DDL / LISTEN, where parameters are not allowed. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
