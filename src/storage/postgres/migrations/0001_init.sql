-- 0001_init (PostgreSQL): tasks, dependencies, agents, event log, idempotency keys.
-- Times are epoch milliseconds in BIGINT (the store parses int8 to a JS number).
-- List-valued fields are text[] (GIN-indexed where the store filters on them);
-- free-form documents (assignment, result, payload, body) are JSONB.

CREATE SEQUENCE task_seq AS BIGINT START WITH 1;

CREATE TABLE tasks (
  id                     TEXT PRIMARY KEY,
  seq                    BIGINT NOT NULL UNIQUE,
  title                  TEXT NOT NULL,
  description            TEXT NOT NULL,
  priority               TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
  queue_rank             INTEGER NOT NULL,
  required_capabilities  TEXT[] NOT NULL,
  preferred_capabilities TEXT[] NOT NULL,
  depends_on             TEXT[] NOT NULL,
  labels                 TEXT[] NOT NULL,
  status                 TEXT NOT NULL
    CHECK (status IN ('BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress               INTEGER NOT NULL,
  agent                  TEXT,
  eta                    TEXT,
  sla_deadline           BIGINT NOT NULL,
  sla_warning_at         BIGINT,
  sla_warned             BOOLEAN NOT NULL,
  sla_violated           BOOLEAN NOT NULL,
  max_attempts           INTEGER NOT NULL,
  attempts               INTEGER NOT NULL,
  retry_at               BIGINT,
  promote_at             BIGINT,
  offer_expires_at       BIGINT,
  lease_expires_at       BIGINT,
  lease_token            BIGINT NOT NULL,
  excluded_agents        TEXT[] NOT NULL,
  assignment             JSONB,
  result                 JSONB,
  failure_reason         TEXT,
  created_at             BIGINT NOT NULL,
  updated_at             BIGINT NOT NULL,
  assigned_at            BIGINT,
  started_at             BIGINT,
  completed_at           BIGINT,
  failed_at              BIGINT,
  cancelled_at           BIGINT,
  version                INTEGER NOT NULL,
  -- Derived by the store on every write: capabilityKey(requiredCapabilities). Byte order
  -- ("C") so key order matches SQLite and JavaScript sorting.
  cap_key                TEXT COLLATE "C" NOT NULL,
  -- Derived by the store on every write: timerDueTimes(task), null when not armed.
  due_offer              BIGINT,
  due_lease              BIGINT,
  due_sla_warning        BIGINT,
  due_sla_violation      BIGINT,
  due_retry              BIGINT,
  due_promote            BIGINT
);

-- The queue: pendingCapabilityKeys (loose index scan) and peekQueue (ordered range).
CREATE INDEX tasks_queue_idx ON tasks (cap_key, queue_rank, sla_deadline, seq) WHERE status = 'PENDING';
CREATE INDEX tasks_agent_status_idx ON tasks (agent, status, assigned_at) WHERE agent IS NOT NULL;
CREATE INDEX tasks_status_seq_idx ON tasks (status, seq);
-- countSla: only open tasks whose SLA has been flagged (a small set) are visited.
CREATE INDEX tasks_sla_flagged_idx ON tasks (sla_violated)
  WHERE (sla_warned OR sla_violated) AND status IN ('BLOCKED', 'PENDING', 'ASSIGNED', 'IN_PROGRESS');
CREATE INDEX tasks_required_capabilities_idx ON tasks USING GIN (required_capabilities);
CREATE INDEX tasks_labels_idx ON tasks USING GIN (labels);
-- One partial index per timer: "what is due" and "next due" touch armed timers only.
CREATE INDEX tasks_due_offer_idx ON tasks (due_offer) WHERE due_offer IS NOT NULL;
CREATE INDEX tasks_due_lease_idx ON tasks (due_lease) WHERE due_lease IS NOT NULL;
CREATE INDEX tasks_due_sla_warning_idx ON tasks (due_sla_warning) WHERE due_sla_warning IS NOT NULL;
CREATE INDEX tasks_due_sla_violation_idx ON tasks (due_sla_violation) WHERE due_sla_violation IS NOT NULL;
CREATE INDEX tasks_due_retry_idx ON tasks (due_retry) WHERE due_retry IS NOT NULL;
CREATE INDEX tasks_due_promote_idx ON tasks (due_promote) WHERE due_promote IS NOT NULL;

-- Mirrors tasks.depends_on so "who waits for this task" is an index lookup.
CREATE TABLE task_dependencies (
  task_id    TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX task_dependencies_depends_on_idx ON task_dependencies (depends_on, task_id);

CREATE TABLE agents (
  id                   TEXT PRIMARY KEY,
  -- Registration order for AgentReads.list (created_at can tie under a fake clock).
  registered_seq       BIGSERIAL NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  kind                 TEXT NOT NULL CHECK (kind IN ('ai', 'human', 'service')),
  capabilities         TEXT[] NOT NULL,
  max_concurrent_tasks INTEGER NOT NULL,
  availability         TEXT NOT NULL CHECK (availability IN ('AVAILABLE', 'PAUSED', 'OFFLINE')),
  load                 INTEGER NOT NULL CHECK (load >= 0),
  declared_reliability DOUBLE PRECISION NOT NULL,
  completed_count      INTEGER NOT NULL,
  failed_count         INTEGER NOT NULL,
  cost_per_hour        DOUBLE PRECISION,
  last_heartbeat_at    BIGINT,
  last_assigned_at     BIGINT,
  overloaded           BOOLEAN NOT NULL,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  version              INTEGER NOT NULL
);
CREATE INDEX agents_availability_assigned_idx ON agents (availability, last_assigned_at);

-- Mirrors agents.capabilities so candidate search starts from the capability.
CREATE TABLE agent_capabilities (
  agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  capability TEXT NOT NULL,
  PRIMARY KEY (agent_id, capability)
);
CREATE INDEX agent_capabilities_capability_idx ON agent_capabilities (capability, agent_id);

CREATE TABLE events (
  id       BIGSERIAL PRIMARY KEY,
  type     TEXT NOT NULL,
  task_id  TEXT,
  agent_id TEXT,
  actor    TEXT NOT NULL,
  at       BIGINT NOT NULL,
  payload  JSONB NOT NULL
);
CREATE INDEX events_task_idx ON events (task_id, id);
CREATE INDEX events_agent_idx ON events (agent_id, id);
CREATE INDEX events_type_idx ON events (type, id);

CREATE TABLE idempotency_keys (
  key          TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  status_code  INTEGER NOT NULL,
  body         JSONB,
  created_at   BIGINT NOT NULL
);
