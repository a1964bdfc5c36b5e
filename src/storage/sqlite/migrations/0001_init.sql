-- Switchboard schema 1 (SQLite). Mirrors src/storage/postgres/migrations/0001_init.sql.
-- Times are epoch milliseconds (INTEGER), arrays and objects JSON TEXT, booleans 0/1.
-- Derived columns (cap_key, due_*) are computed by the adapter from core's
-- capabilityKey() and timerDueTimes(), so the domain owns their meaning.

-- Named counters; allocateSeq() bumps 'task' inside the caller's transaction.
CREATE TABLE sequences (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO sequences (name, value) VALUES ('task', 0);

-- seq is the rowid, so the table is stored in creation order (list() and cursors scan it).
CREATE TABLE tasks (
  seq                    INTEGER PRIMARY KEY,
  id                     TEXT    NOT NULL UNIQUE,
  title                  TEXT    NOT NULL,
  description            TEXT    NOT NULL,
  priority               TEXT    NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  queue_rank             INTEGER NOT NULL,
  required_capabilities  TEXT    NOT NULL,
  preferred_capabilities TEXT    NOT NULL,
  depends_on             TEXT    NOT NULL,
  labels                 TEXT    NOT NULL,
  status                 TEXT    NOT NULL CHECK (status IN ('BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress               INTEGER NOT NULL,
  agent                  TEXT,
  eta                    TEXT,
  sla_deadline           INTEGER NOT NULL,
  sla_warning_at         INTEGER,
  sla_warned             INTEGER NOT NULL CHECK (sla_warned IN (0, 1)),
  sla_violated           INTEGER NOT NULL CHECK (sla_violated IN (0, 1)),
  max_attempts           INTEGER NOT NULL,
  attempts               INTEGER NOT NULL,
  retry_at               INTEGER,
  promote_at             INTEGER,
  offer_expires_at       INTEGER,
  lease_expires_at       INTEGER,
  lease_token            INTEGER NOT NULL,
  excluded_agents        TEXT    NOT NULL,
  assignment             TEXT,
  result                 TEXT    NOT NULL,
  failure_reason         TEXT,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  assigned_at            INTEGER,
  started_at             INTEGER,
  completed_at           INTEGER,
  failed_at              INTEGER,
  cancelled_at           INTEGER,
  version                INTEGER NOT NULL,
  cap_key                TEXT    NOT NULL,
  due_offer              INTEGER,
  due_lease              INTEGER,
  due_sla_warning        INTEGER,
  due_sla_violation      INTEGER,
  due_retry              INTEGER,
  due_promote            INTEGER
);

-- The queue: peekQueue reads it in order, pendingCapabilityKeys skips through its first column.
CREATE INDEX tasks_queue ON tasks (cap_key, queue_rank, sla_deadline, seq) WHERE status = 'PENDING';
CREATE INDEX tasks_agent_status ON tasks (agent, status, assigned_at) WHERE agent IS NOT NULL;
CREATE INDEX tasks_status_seq ON tasks (status, seq);
CREATE INDEX tasks_priority_seq ON tasks (priority, seq);

-- One partial index per timer: "what is due" and "when is the next one" are index lookups.
CREATE INDEX tasks_due_offer ON tasks (due_offer) WHERE due_offer IS NOT NULL;
CREATE INDEX tasks_due_lease ON tasks (due_lease) WHERE due_lease IS NOT NULL;
CREATE INDEX tasks_due_sla_warning ON tasks (due_sla_warning) WHERE due_sla_warning IS NOT NULL;
CREATE INDEX tasks_due_sla_violation ON tasks (due_sla_violation) WHERE due_sla_violation IS NOT NULL;
CREATE INDEX tasks_due_retry ON tasks (due_retry) WHERE due_retry IS NOT NULL;
CREATE INDEX tasks_due_promote ON tasks (due_promote) WHERE due_promote IS NOT NULL;

-- dependsOn exploded, so listDependents is an index lookup (no FK on depends_on: it names other tasks by id).
CREATE TABLE task_dependencies (
  task_id    TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (task_id, depends_on)
) WITHOUT ROWID;
CREATE INDEX task_dependencies_depends_on ON task_dependencies (depends_on, task_id);

-- requiredCapabilities exploded, for list({ capability }).
CREATE TABLE task_capabilities (
  task_id    TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  capability TEXT NOT NULL,
  PRIMARY KEY (task_id, capability)
) WITHOUT ROWID;
CREATE INDEX task_capabilities_capability ON task_capabilities (capability, task_id);

-- The exploded tables follow the JSON columns in the same statement, so they can never disagree.
CREATE TRIGGER tasks_explode_insert AFTER INSERT ON tasks
BEGIN
  INSERT INTO task_capabilities (task_id, capability)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.required_capabilities);
  INSERT INTO task_dependencies (task_id, depends_on)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.depends_on);
END;

CREATE TRIGGER tasks_explode_capabilities AFTER UPDATE OF required_capabilities ON tasks
WHEN OLD.required_capabilities IS NOT NEW.required_capabilities
BEGIN
  DELETE FROM task_capabilities WHERE task_id = NEW.id;
  INSERT INTO task_capabilities (task_id, capability)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.required_capabilities);
END;

CREATE TRIGGER tasks_explode_dependencies AFTER UPDATE OF depends_on ON tasks
WHEN OLD.depends_on IS NOT NEW.depends_on
BEGIN
  DELETE FROM task_dependencies WHERE task_id = NEW.id;
  INSERT INTO task_dependencies (task_id, depends_on)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.depends_on);
END;

-- seq keeps registration order (AUTOINCREMENT: never reused after a delete).
CREATE TABLE agents (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  name                 TEXT    NOT NULL,
  kind                 TEXT    NOT NULL CHECK (kind IN ('ai', 'human', 'service')),
  capabilities         TEXT    NOT NULL,
  max_concurrent_tasks INTEGER NOT NULL,
  availability         TEXT    NOT NULL CHECK (availability IN ('AVAILABLE', 'PAUSED', 'OFFLINE')),
  load                 INTEGER NOT NULL CHECK (load >= 0),
  declared_reliability REAL    NOT NULL,
  completed_count      INTEGER NOT NULL,
  failed_count         INTEGER NOT NULL,
  cost_per_hour        REAL,
  last_heartbeat_at    INTEGER,
  last_assigned_at     INTEGER,
  overloaded           INTEGER NOT NULL CHECK (overloaded IN (0, 1)),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  version              INTEGER NOT NULL
);
CREATE INDEX agents_availability_assigned ON agents (availability, last_assigned_at);

CREATE TABLE agent_capabilities (
  agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  capability TEXT NOT NULL,
  PRIMARY KEY (agent_id, capability)
) WITHOUT ROWID;
CREATE INDEX agent_capabilities_capability ON agent_capabilities (capability, agent_id);

CREATE TRIGGER agents_explode_insert AFTER INSERT ON agents
BEGIN
  INSERT INTO agent_capabilities (agent_id, capability)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.capabilities);
END;

CREATE TRIGGER agents_explode_capabilities AFTER UPDATE OF capabilities ON agents
WHEN OLD.capabilities IS NOT NEW.capabilities
BEGIN
  DELETE FROM agent_capabilities WHERE agent_id = NEW.id;
  INSERT INTO agent_capabilities (agent_id, capability)
    SELECT DISTINCT NEW.id, value FROM json_each(NEW.capabilities);
END;

-- The append-only log. AUTOINCREMENT: an id is never reused, even after retention deletes rows.
CREATE TABLE events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  type     TEXT    NOT NULL,
  task_id  TEXT,
  agent_id TEXT,
  actor    TEXT    NOT NULL,
  at       INTEGER NOT NULL,
  payload  TEXT    NOT NULL
);
CREATE INDEX events_task ON events (task_id, id);
CREATE INDEX events_agent ON events (agent_id, id);
CREATE INDEX events_type ON events (type, id);

CREATE TABLE idempotency_keys (
  key          TEXT    PRIMARY KEY,
  request_hash TEXT    NOT NULL,
  status_code  INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL
);
-- For the retention sweep (oldest keys first).
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
