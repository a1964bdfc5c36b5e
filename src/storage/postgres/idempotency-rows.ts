import { ConflictError } from '../../core/errors.js';
import type { IdempotencyReads, IdempotencyWrites, IdempotentResponse } from '../../core/ports.js';
import { jsonParam, type Db } from './sql.js';

/** An `idempotency_keys` row as pg returns it. */
interface IdempotencyRow {
  key: string;
  request_hash: string;
  status_code: number;
  body: unknown;
  created_at: number;
}

/** Stored answers to creates made with an `Idempotency-Key`. */
export class PostgresIdempotencyReads implements IdempotencyReads {
  constructor(protected readonly db: Db) {}

  async get(params: { key: string }): Promise<IdempotentResponse | null> {
    // $1 = key.
    const res = await this.db.query<IdempotencyRow>(
      'SELECT key, request_hash, status_code, body, created_at FROM idempotency_keys WHERE key = $1',
      [params.key],
    );
    const r = res.rows[0];
    if (r === undefined) return null;
    return { key: r.key, requestHash: r.request_hash, statusCode: r.status_code, body: r.body ?? null, createdAt: r.created_at };
  }
}

/** Writes, only ever built on a transaction's client. */
export class PostgresIdempotencyRepo extends PostgresIdempotencyReads implements IdempotencyWrites {
  async put(params: IdempotentResponse): Promise<void> {
    // $1 = key, $2 = request hash, $3 = status code, $4 = body as JSON text, $5 = created at.
    // ON CONFLICT DO NOTHING keeps the transaction usable after a duplicate (SQLite's does).
    const res = await this.db.query<{ key: string }>(
      `INSERT INTO idempotency_keys (key, request_hash, status_code, body, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING key`,
      [params.key, params.requestHash, params.statusCode, jsonParam(params.body), params.createdAt],
    );
    if (res.rows.length !== 1) throw new ConflictError('idempotency key', params.key);
  }
}
