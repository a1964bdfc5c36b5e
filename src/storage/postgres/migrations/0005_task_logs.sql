-- 0005_task_logs (PostgreSQL): the lines a task's runner streams (POST/GET /api/tasks/{id}/logs).
-- The primary key (task_id, seq) serves both reads: a GET page is one range of it and the
-- log's last line (its size, for the 5 MiB cap) one backward seek. bytes_total is the log's
-- size up to and including the line; truncation marks the one marker line a capped log ends with.
-- Mirrors src/storage/sqlite/migrations/0005_task_logs.sql.
CREATE TABLE task_logs (
  task_id     TEXT NOT NULL REFERENCES tasks (id),
  seq         BIGINT NOT NULL,
  attempt     INTEGER NOT NULL,
  stream      TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
  text        TEXT NOT NULL,
  at          BIGINT NOT NULL,
  bytes_total BIGINT NOT NULL,
  truncation  BOOLEAN NOT NULL,
  PRIMARY KEY (task_id, seq)
);
