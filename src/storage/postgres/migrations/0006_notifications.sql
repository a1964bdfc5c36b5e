-- 0006_notifications (PostgreSQL): notification channels and their transactional outbox (issue 10).
-- A delivery row is written in the transaction that appends its event; the dispatcher claims
-- due rows with a lease (locked_until, locked_by) so a crashed node's claims expire and another
-- node delivers them. dedup_key is unique per channel: one notification per task per SLA event
-- per deadline, one per event otherwise. Settings hold the channel's secrets: never returned by the API.
-- Mirrors src/storage/sqlite/migrations/0006_notifications.sql.
CREATE TABLE notification_channels (
  id         TEXT    PRIMARY KEY,
  name       TEXT    NOT NULL,
  type       TEXT    NOT NULL CHECK (type IN ('webhook', 'slack', 'email')),
  events     JSONB   NOT NULL,
  filters    JSONB   NOT NULL,
  enabled    BOOLEAN NOT NULL,
  settings   JSONB   NOT NULL,
  created_at BIGINT  NOT NULL,
  updated_at BIGINT  NOT NULL
);

CREATE TABLE notification_deliveries (
  id              TEXT    PRIMARY KEY,
  channel_id      TEXT    NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  event_id        BIGINT  NOT NULL,
  type            TEXT    NOT NULL,
  task_id         TEXT,
  payload         JSONB   NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT,
  last_error      TEXT,
  last_status     INTEGER,
  locked_until    BIGINT,
  locked_by       TEXT,
  dedup_key       TEXT    NOT NULL,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  delivered_at    BIGINT,
  UNIQUE (channel_id, dedup_key)
);
-- The claim (FOR UPDATE SKIP LOCKED): due rows in due order; only pending and failed rows have a next_attempt_at.
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at, id) WHERE next_attempt_at IS NOT NULL;
-- The listing (newest first; per channel it filters this index, an admin page's read). Every index
-- here is written by every transition a channel wants, so there are few: the channel's deletes
-- use the (channel_id, dedup_key) key, and the banner's counts a partial index of failures only.
CREATE INDEX notification_deliveries_created ON notification_deliveries (created_at, id);
CREATE INDEX notification_deliveries_failing ON notification_deliveries (status, updated_at) WHERE status IN ('failed', 'dead');
