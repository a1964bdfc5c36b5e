import type { IdempotencyReads, IdempotencyWrites, IdempotentResponse } from '../../core/ports.js';
import type { SqlRow, SqlRunner } from './connection.js';
import { json, num, text, toJson } from './row-codec.js';

function rowToResponse(row: SqlRow): IdempotentResponse {
  return {
    key: text(row, 'key'),
    requestHash: text(row, 'request_hash'),
    statusCode: num(row, 'status_code'),
    body: json(row, 'body'),
    createdAt: num(row, 'created_at'),
  };
}

/** Stored answers to creates made with an `Idempotency-Key`; one instance per connection. */
export class SqliteIdempotencyRows implements IdempotencyReads, IdempotencyWrites {
  constructor(private readonly sql: SqlRunner) {}

  async get({ key }: { key: string }): Promise<IdempotentResponse | null> {
    // @key. The primary key.
    const row = this.sql.get('SELECT * FROM idempotency_keys WHERE key = @key', { key });
    return row === undefined ? null : rowToResponse(row);
  }

  async put(response: IdempotentResponse): Promise<void> {
    // @key @requestHash @statusCode @body (JSON text) @createdAt. A taken key fails on the primary key.
    this.sql.run(
      `INSERT INTO idempotency_keys (key, request_hash, status_code, body, created_at)
       VALUES (@key, @requestHash, @statusCode, @body, @createdAt)`,
      {
        key: response.key,
        requestHash: response.requestHash,
        statusCode: response.statusCode,
        body: toJson(response.body),
        createdAt: response.createdAt,
      },
      { entity: 'idempotency key', id: response.key },
    );
  }
}
