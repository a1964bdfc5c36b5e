import { AGENT_AVAILABILITIES, AGENT_KINDS, type Agent } from '../../core/agent.js';
import { VersionConflictError } from '../../core/errors.js';
import type { AgentReads, AgentWrites } from '../../core/ports.js';
import type { SqlParams, SqlRow, SqlRunner } from './connection.js';
import { bool, num, numOrNull, oneOf, stringArray, text, toBit, toJson } from './row-codec.js';

/** The row <-> Agent mapping, in one place. */
function rowToAgent(row: SqlRow): Agent {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    kind: oneOf(row, 'kind', AGENT_KINDS),
    capabilities: stringArray(row, 'capabilities'),
    maxConcurrentTasks: num(row, 'max_concurrent_tasks'),
    availability: oneOf(row, 'availability', AGENT_AVAILABILITIES),
    load: num(row, 'load'),
    declaredReliability: num(row, 'declared_reliability'),
    completedCount: num(row, 'completed_count'),
    failedCount: num(row, 'failed_count'),
    costPerHour: numOrNull(row, 'cost_per_hour'),
    lastHeartbeatAt: numOrNull(row, 'last_heartbeat_at'),
    lastAssignedAt: numOrNull(row, 'last_assigned_at'),
    overloaded: bool(row, 'overloaded'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
    version: num(row, 'version'),
  };
}

/** Every column of `agents` but the internal seq, in INSERT order. */
const AGENT_COLUMNS = [
  'id',
  'name',
  'kind',
  'capabilities',
  'max_concurrent_tasks',
  'availability',
  'load',
  'declared_reliability',
  'completed_count',
  'failed_count',
  'cost_per_hour',
  'last_heartbeat_at',
  'last_assigned_at',
  'overloaded',
  'created_at',
  'updated_at',
  'version',
] as const;

type AgentColumn = (typeof AGENT_COLUMNS)[number];

function agentToParams(agent: Agent): Record<AgentColumn, string | number | null> {
  return {
    id: agent.id,
    name: agent.name,
    kind: agent.kind,
    capabilities: toJson(agent.capabilities),
    max_concurrent_tasks: agent.maxConcurrentTasks,
    availability: agent.availability,
    load: agent.load,
    declared_reliability: agent.declaredReliability,
    completed_count: agent.completedCount,
    failed_count: agent.failedCount,
    cost_per_hour: agent.costPerHour,
    last_heartbeat_at: agent.lastHeartbeatAt,
    last_assigned_at: agent.lastAssignedAt,
    overloaded: toBit(agent.overloaded),
    created_at: agent.createdAt,
    updated_at: agent.updatedAt,
    version: agent.version,
  };
}

/** Every column; built from the constant column list. Parameters: one per column. */
const INSERT_AGENT_SQL = `INSERT INTO agents (${AGENT_COLUMNS.join(', ')}) VALUES (${AGENT_COLUMNS.map((c) => `@${c}`).join(', ')})`;

/** Columns `agents.update` writes: the descriptive ones. load, the outcome counters and last_assigned_at belong to adjustLoad. */
const DESCRIPTIVE_COLUMNS = [
  'name',
  'kind',
  'capabilities',
  'max_concurrent_tasks',
  'availability',
  'declared_reliability',
  'cost_per_hour',
  'last_heartbeat_at',
  'overloaded',
  'updated_at',
  'version',
] as const satisfies readonly AgentColumn[];

/** Guarded by version. Parameters: @id, @expected_version, one per descriptive column. */
const UPDATE_AGENT_SQL = `UPDATE agents SET ${DESCRIPTIVE_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND version = @expected_version`;

/**
 * Candidates in listCandidates order, walking the partial index agents_available_order
 * (migration 0003) and stopping at @limit: no sort, and only the agents before the last
 * one returned are read. Each is checked on its own row and on the primary key of
 * agent_capabilities (one seek per required capability). INDEXED BY pins the walk, as
 * peekQueue pins tasks_queue: while another index led with availability, the planner took it
 * and sorted every available agent.
 * Parameters: @required @excluded (JSON arrays; Postgres binds text[]), @n = number of distinct
 * required capabilities, @limit. Postgres checks the row's capabilities array instead, which
 * its planner has statistics for.
 */
const CANDIDATES_BY_ORDER_SQL = `SELECT * FROM agents INDEXED BY agents_available_order
  WHERE availability = 'AVAILABLE' AND load < max_concurrent_tasks
    AND id NOT IN (SELECT value FROM json_each(@excluded))
    AND (@n = 0 OR (SELECT COUNT(*) FROM agent_capabilities c
      WHERE c.agent_id = agents.id AND c.capability IN (SELECT value FROM json_each(@required))) = @n)
  ORDER BY last_assigned_at NULLS FIRST, id
  LIMIT @limit`;

/**
 * The same rows in the same order, starting from the holders of @rarest (a range of
 * agent_capabilities_capability) and sorting them: for a capability so rare that the walk
 * above would read most of the fleet to find @limit holders. CROSS JOIN fixes that join order.
 * Parameters: those of CANDIDATES_BY_ORDER_SQL plus @rarest, one of the required capabilities.
 */
const CANDIDATES_BY_HOLDERS_SQL = `SELECT a.* FROM agent_capabilities h CROSS JOIN agents a ON a.id = h.agent_id
  WHERE h.capability = @rarest AND a.availability = 'AVAILABLE' AND a.load < a.max_concurrent_tasks
    AND a.id NOT IN (SELECT value FROM json_each(@excluded))
    AND (SELECT COUNT(*) FROM agent_capabilities c
      WHERE c.agent_id = a.id AND c.capability IN (SELECT value FROM json_each(@required))) = @n
  ORDER BY a.last_assigned_at NULLS FIRST, a.id
  LIMIT @limit`;

/**
 * Queries of the agent aggregate; one instance per connection (see SqliteTaskRows).
 */
export class SqliteAgentRows implements AgentReads, AgentWrites {
  constructor(private readonly sql: SqlRunner) {}

  async get({ id }: { id: string }): Promise<Agent | null> {
    // @id. The UNIQUE index on id.
    const row = this.sql.get('SELECT * FROM agents WHERE id = @id', { id });
    return row === undefined ? null : rowToAgent(row);
  }

  async list(): Promise<Agent[]> {
    // No parameters. seq is the AUTOINCREMENT rowid: registration order.
    return this.sql.all('SELECT * FROM agents ORDER BY seq').map(rowToAgent);
  }

  async listCandidates({
    requiredCapabilities,
    excluded,
    limit,
  }: {
    requiredCapabilities: readonly string[];
    excluded: readonly string[];
    limit: number;
  }): Promise<Agent[]> {
    const required = [...new Set(requiredCapabilities)];
    const params: SqlParams = { required: JSON.stringify(required), excluded: JSON.stringify(excluded), n: required.length, limit };
    const rarest = required.length === 0 ? null : this.rareCapability(JSON.stringify(required), limit);
    const rows =
      rarest === null ? this.sql.all(CANDIDATES_BY_ORDER_SQL, params) : this.sql.all(CANDIDATES_BY_HOLDERS_SQL, { ...params, rarest });
    return rows.map(rowToAgent);
  }

  /**
   * The required capability with the fewest holders, when so few agents hold it that
   * starting from them beats walking agents_available_order; null otherwise. The walk reads
   * about limit * fleet / holders agents to find `limit` of them; the holders plan reads every
   * holder once and sorts them: the two cost the same when holders^2 = limit * fleet. Each
   * count stops at that bound, so a common capability costs one short index range.
   */
  private rareCapability(required: string, limit: number): string | null {
    // No parameters. One seek: MAX(seq) counts every agent ever registered, a cheap upper bound on the fleet.
    const fleetRow = this.sql.get('SELECT MAX(seq) AS fleet FROM agents');
    const fleet = fleetRow === undefined ? 0 : (numOrNull(fleetRow, 'fleet') ?? 0);
    const bound = Math.ceil(Math.sqrt(limit * fleet));
    // @required (JSON array), @bound. Per capability, a range of agent_capabilities_capability at most @bound long.
    const row = this.sql.get(
      `SELECT r.value AS capability,
         (SELECT COUNT(*) FROM (SELECT 1 FROM agent_capabilities c WHERE c.capability = r.value LIMIT @bound)) AS holders
       FROM json_each(@required) r
       ORDER BY holders
       LIMIT 1`,
      { required, bound },
    );
    return row !== undefined && num(row, 'holders') < bound ? text(row, 'capability') : null;
  }

  async insert(agent: Agent): Promise<void> {
    // One parameter per column. A taken id fails on its unique index.
    this.sql.run(INSERT_AGENT_SQL, { ...agentToParams(agent) }, { entity: 'agent', id: agent.id });
  }

  async update({ next, expectedVersion }: { next: Agent; expectedVersion: number }): Promise<void> {
    const all = agentToParams(next);
    const params: SqlParams = { id: next.id, expected_version: expectedVersion };
    for (const c of DESCRIPTIVE_COLUMNS) params[c] = all[c];
    const changed = this.sql.run(UPDATE_AGENT_SQL, params);
    if (changed === 0) throw new VersionConflictError('agent', next.id);
  }

  async adjustLoad(params: {
    agentId: string;
    delta: 1 | -1;
    outcome: 'completed' | 'failed' | null;
    force: boolean;
    now: number;
  }): Promise<Agent | null> {
    // @agentId @delta @outcome @force (0/1) @now. One guarded statement: the capacity check and
    // the increment cannot be separated by another writer. A -1 is never refused (giving back a
    // slot must work for a PAUSED or OFFLINE agent) and never takes load below 0. version is left
    // alone: it guards the descriptive fields, and a slot change must not fail an operator's edit.
    const row = this.sql.get(
      `UPDATE agents SET
         load = MAX(load + @delta, 0),
         completed_count = completed_count + (CASE WHEN @outcome = 'completed' THEN 1 ELSE 0 END),
         failed_count = failed_count + (CASE WHEN @outcome = 'failed' THEN 1 ELSE 0 END),
         last_assigned_at = CASE WHEN @delta = 1 THEN @now ELSE last_assigned_at END,
         overloaded = (MAX(load + @delta, 0) > max_concurrent_tasks),
         updated_at = @now
       WHERE id = @agentId
         AND (@delta = -1 OR @force = 1 OR (availability = 'AVAILABLE' AND load < max_concurrent_tasks))
       RETURNING *`,
      { agentId: params.agentId, delta: params.delta, outcome: params.outcome, force: toBit(params.force), now: params.now },
    );
    return row === undefined ? null : rowToAgent(row);
  }

  async delete({ id }: { id: string }): Promise<void> {
    // @id. agent_capabilities rows go with it (ON DELETE CASCADE).
    this.sql.run('DELETE FROM agents WHERE id = @id', { id });
  }
}
