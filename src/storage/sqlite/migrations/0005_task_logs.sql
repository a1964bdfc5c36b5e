-- 0005_task_logs (SQLite): the lines a task's runner streams (POST/GET /api/tasks/{id}/logs).
-- WITHOUT ROWID clusters the rows on (task_id, seq): a GET page is one range of the key and
-- the log's last line (its size, for the 5 MiB cap) one seek. bytes_total is the log's size
-- up to and including the line; truncation marks the one marker line a capped log ends with.
-- Mirrors src/storage/postgres/migrations/0005_task_logs.sql.
CREATE TABLE task_logs (
  task_id     TEXT NOT NULL REFERENCES tasks (id),
  seq         INTEGER NOT NULL,
  attempt     INTEGER NOT NULL,
  stream      TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
  text        TEXT NOT NULL,
  at          INTEGER NOT NULL,
  bytes_total INTEGER NOT NULL,
  truncation  INTEGER NOT NULL CHECK (truncation IN (0, 1)),
  PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
