import type { ApiToken, Role } from '../../core/access.js';
import { ConflictError } from '../../core/errors.js';
import type { TokenReads, TokenWrites } from '../../core/ports.js';
import type { Db } from './sql.js';

/** An `api_tokens` row as pg returns it (int8 parsed to number). */
interface TokenRow {
  id: string;
  label: string;
  role: Role;
  agent_id: string | null;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const SELECT_LIST = 'id, label, role, agent_id, secret_hash, created_at, revoked_at';

function rowToToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    label: r.label,
    role: r.role,
    agentId: r.agent_id,
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** API tokens (hashes only): looked up on every authenticated request. */
export class PostgresTokenReads implements TokenReads {
  constructor(protected readonly db: Db) {}

  async findByHash(params: { secretHash: string }): Promise<ApiToken | null> {
    // $1 = secret hash; the UNIQUE index on secret_hash.
    const res = await this.db.query<TokenRow>(`SELECT ${SELECT_LIST} FROM api_tokens WHERE secret_hash = $1`, [params.secretHash]);
    const row = res.rows[0];
    return row === undefined ? null : rowToToken(row);
  }

  async list(): Promise<ApiToken[]> {
    // No params. Oldest first; seq (BIGSERIAL, SQLite's AUTOINCREMENT) orders same-millisecond tokens.
    const res = await this.db.query<TokenRow>(`SELECT ${SELECT_LIST} FROM api_tokens ORDER BY created_at, seq`, []);
    return res.rows.map(rowToToken);
  }
}

/** Token writes, only ever built on a transaction's client. */
export class PostgresTokenRepo extends PostgresTokenReads implements TokenWrites {
  async insert(token: ApiToken): Promise<void> {
    // $1..$7 = id, label, role, agent id, secret hash, created at, revoked at. ON CONFLICT DO
    // NOTHING (id or hash) instead of a caught 23505 keeps the transaction usable, as on SQLite.
    const res = await this.db.query<{ id: string }>(
      `INSERT INTO api_tokens (id, label, role, agent_id, secret_hash, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [token.id, token.label, token.role, token.agentId, token.secretHash, token.createdAt, token.revokedAt],
    );
    if (res.rows.length !== 1) throw new ConflictError('token', token.id);
  }

  async revoke(params: { id: string; now: number }): Promise<boolean> {
    // $1 = id, $2 = now. Only a live token changes, so a second revoke reports false and keeps the first time.
    const res = await this.db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [params.id, params.now]);
    return (res.rowCount ?? 0) > 0;
  }
}
