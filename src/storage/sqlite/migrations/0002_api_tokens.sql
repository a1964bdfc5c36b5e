-- API tokens (DESIGN §8). Only the SHA-256 of a secret is stored; the hash is unique so a
-- lookup by hash finds at most one token. Mirrors src/storage/postgres/migrations/0002_api_tokens.sql.

-- seq keeps issue order for tokens created in the same millisecond.
CREATE TABLE api_tokens (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT    NOT NULL UNIQUE,
  label       TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'agent')),
  agent_id    TEXT,
  secret_hash TEXT    NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
