import { ROLES, type ApiToken } from '../../core/access.js';
import type { TokenReads, TokenWrites } from '../../core/ports.js';
import type { SqlRow, SqlRunner } from './connection.js';
import { num, numOrNull, oneOf, text, textOrNull } from './row-codec.js';

/** The row <-> ApiToken mapping, in one place. */
function rowToToken(row: SqlRow): ApiToken {
  return {
    id: text(row, 'id'),
    label: text(row, 'label'),
    role: oneOf(row, 'role', ROLES),
    agentId: textOrNull(row, 'agent_id'),
    secretHash: text(row, 'secret_hash'),
    createdAt: num(row, 'created_at'),
    revokedAt: numOrNull(row, 'revoked_at'),
  };
}

/** API tokens (hashes only); one instance per connection (see SqliteTaskRows). */
export class SqliteTokenRows implements TokenReads, TokenWrites {
  constructor(private readonly sql: SqlRunner) {}

  async findByHash({ secretHash }: { secretHash: string }): Promise<ApiToken | null> {
    // @secretHash. The UNIQUE index on secret_hash.
    const row = this.sql.get('SELECT * FROM api_tokens WHERE secret_hash = @secretHash', { secretHash });
    return row === undefined ? null : rowToToken(row);
  }

  async list(): Promise<ApiToken[]> {
    // No parameters. Oldest first; seq orders tokens issued in the same millisecond.
    return this.sql.all('SELECT * FROM api_tokens ORDER BY created_at, seq').map(rowToToken);
  }

  async insert(token: ApiToken): Promise<void> {
    // @id @label @role @agentId @secretHash @createdAt @revokedAt. A taken id or hash fails on its UNIQUE index.
    this.sql.run(
      `INSERT INTO api_tokens (id, label, role, agent_id, secret_hash, created_at, revoked_at)
       VALUES (@id, @label, @role, @agentId, @secretHash, @createdAt, @revokedAt)`,
      {
        id: token.id,
        label: token.label,
        role: token.role,
        agentId: token.agentId,
        secretHash: token.secretHash,
        createdAt: token.createdAt,
        revokedAt: token.revokedAt,
      },
      { entity: 'token', id: token.id },
    );
  }

  async revoke({ id, now }: { id: string; now: number }): Promise<boolean> {
    // @id @now. Only a live token changes, so a second revoke reports false and keeps the first time.
    return this.sql.run('UPDATE api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL', { id, now }) > 0;
  }
}
