import type { Agent, AgentAvailability, AgentKind } from '../../core/agent.js';
import { ConflictError, VersionConflictError } from '../../core/errors.js';
import type { AgentReads, AgentWrites } from '../../core/ports.js';
import type { Db } from './sql.js';

/** An `agents` row as pg returns it (int8 parsed to number, float8 to number). */
interface AgentRow {
  id: string;
  name: string;
  kind: AgentKind;
  capabilities: string[];
  max_concurrent_tasks: number;
  availability: AgentAvailability;
  load: number;
  declared_reliability: number;
  completed_count: number;
  failed_count: number;
  cost_per_hour: number | null;
  last_heartbeat_at: number | null;
  last_assigned_at: number | null;
  overloaded: boolean;
  created_at: number;
  updated_at: number;
  version: number;
}

const COLUMNS = [
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
] as const satisfies readonly (keyof AgentRow)[];

const SELECT_LIST = COLUMNS.join(', ');
const A_SELECT_LIST = COLUMNS.map((c) => `a.${c}`).join(', ');

function rowToAgent(r: AgentRow): Agent {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    capabilities: r.capabilities,
    maxConcurrentTasks: r.max_concurrent_tasks,
    availability: r.availability,
    load: r.load,
    declaredReliability: r.declared_reliability,
    completedCount: r.completed_count,
    failedCount: r.failed_count,
    costPerHour: r.cost_per_hour,
    lastHeartbeatAt: r.last_heartbeat_at,
    lastAssignedAt: r.last_assigned_at,
    overloaded: r.overloaded,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/** Agent reads over the pool (or a transaction's client). */
export class PostgresAgentReads implements AgentReads {
  constructor(protected readonly db: Db) {}

  async get(params: { id: string }): Promise<Agent | null> {
    // $1 = agent id.
    const res = await this.db.query<AgentRow>(`SELECT ${SELECT_LIST} FROM agents WHERE id = $1`, [params.id]);
    const row = res.rows[0];
    return row === undefined ? null : rowToAgent(row);
  }

  async list(): Promise<Agent[]> {
    // No params; registered_seq is a BIGSERIAL (SQLite orders by its rowid).
    const res = await this.db.query<AgentRow>(`SELECT ${SELECT_LIST} FROM agents ORDER BY registered_seq`, []);
    return res.rows.map(rowToAgent);
  }

  async listCandidates(params: { requiredCapabilities: readonly string[]; excluded: readonly string[]; limit: number }): Promise<Agent[]> {
    const required = [...new Set(params.requiredCapabilities)];
    // $1 = required capabilities (text[]), $2 = excluded agent ids (text[]), $3 = limit.
    // A walk of agents_available_order_idx (migration 0003) in the order returned, stopping at
    // the limit: no sort, no aggregate over the holders. Each agent is checked on its own row:
    // `capabilities @> $1` holds exactly when agent_capabilities has every required one (the
    // mirror is written in the same statement), and unlike a subquery on agent_capabilities it
    // has element statistics, so for a capability few agents hold the planner can prefer one
    // pass over the table and a sort of the few matches. SQLite has no such statistics: it
    // counts the rarest capability's holders and picks between two queries itself.
    const res = await this.db.query<AgentRow>(
      `SELECT ${A_SELECT_LIST} FROM agents a
       WHERE a.availability = 'AVAILABLE' AND a.load < a.max_concurrent_tasks
         AND a.id <> ALL ($2::text[])
         AND a.capabilities @> $1::text[]
       ORDER BY a.last_assigned_at NULLS FIRST, a.id
       LIMIT $3`,
      [required, [...params.excluded], params.limit],
    );
    return res.rows.map(rowToAgent);
  }
}

/** Agent writes, only ever built on a transaction's client. */
export class PostgresAgentRepo extends PostgresAgentReads implements AgentWrites {
  async insert(agent: Agent): Promise<void> {
    // $1..$17 = every column in COLUMNS order. ON CONFLICT DO NOTHING instead of a caught
    // 23505 keeps the transaction usable after a duplicate (as it is on SQLite).
    const res = await this.db.query<{ inserted: number }>(
      `WITH a AS (
         INSERT INTO agents (${SELECT_LIST})
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT DO NOTHING
         RETURNING id, capabilities
       ), c AS (
         INSERT INTO agent_capabilities (agent_id, capability)
         SELECT DISTINCT a.id, cap FROM a, unnest(a.capabilities) AS cap
       )
       SELECT count(*)::int AS inserted FROM a`,
      [
        agent.id,
        agent.name,
        agent.kind,
        agent.capabilities,
        agent.maxConcurrentTasks,
        agent.availability,
        agent.load,
        agent.declaredReliability,
        agent.completedCount,
        agent.failedCount,
        agent.costPerHour,
        agent.lastHeartbeatAt,
        agent.lastAssignedAt,
        agent.overloaded,
        agent.createdAt,
        agent.updatedAt,
        agent.version,
      ],
    );
    if (res.rows[0]?.inserted !== 1) throw new ConflictError('agent', agent.id);
  }

  async update(params: { next: Agent; expectedVersion: number }): Promise<void> {
    const a = params.next;
    // $1 = id, $2 = expected version, $3..$14 = descriptive fields, updated_at, version.
    // load, outcome counters and last_assigned_at are left alone: adjustLoad owns them.
    // The capability mirror is resynced in the same statement.
    const res = await this.db.query<{ updated: number }>(
      `WITH upd AS (
         UPDATE agents SET name = $3, kind = $4, capabilities = $5::text[], max_concurrent_tasks = $6,
           availability = $7, declared_reliability = $8, cost_per_hour = $9, last_heartbeat_at = $10,
           overloaded = $11, updated_at = $12, version = $13
         WHERE id = $1 AND version = $2
         RETURNING id, capabilities
       ), del AS (
         DELETE FROM agent_capabilities c USING upd
         WHERE c.agent_id = upd.id AND c.capability <> ALL (upd.capabilities)
       ), ins AS (
         INSERT INTO agent_capabilities (agent_id, capability)
         SELECT DISTINCT upd.id, cap FROM upd, unnest(upd.capabilities) AS cap
         ON CONFLICT DO NOTHING
       )
       SELECT count(*)::int AS updated FROM upd`,
      [
        a.id,
        params.expectedVersion,
        a.name,
        a.kind,
        a.capabilities,
        a.maxConcurrentTasks,
        a.availability,
        a.declaredReliability,
        a.costPerHour,
        a.lastHeartbeatAt,
        a.overloaded,
        a.updatedAt,
        a.version,
      ],
    );
    if (res.rows[0]?.updated !== 1) throw new VersionConflictError('agent', a.id);
  }

  async adjustLoad(params: {
    agentId: string;
    delta: 1 | -1;
    outcome: 'completed' | 'failed' | null;
    force: boolean;
    now: number;
  }): Promise<Agent | null> {
    // $1 = agent id, $2 = delta (+1 / -1), $3 = outcome or NULL, $4 = force, $5 = now.
    // One guarded statement: under READ COMMITTED concurrent +1s queue on the row lock and
    // each re-checks load < max against the latest row, so capacity is never overrun.
    // A -1 is never refused and never takes load below 0.
    const res = await this.db.query<AgentRow>(
      `UPDATE agents SET
         load = GREATEST(load + $2::int, 0),
         completed_count = completed_count + CASE WHEN $3::text = 'completed' THEN 1 ELSE 0 END,
         failed_count = failed_count + CASE WHEN $3::text = 'failed' THEN 1 ELSE 0 END,
         last_assigned_at = CASE WHEN $2::int > 0 THEN $5::bigint ELSE last_assigned_at END,
         overloaded = GREATEST(load + $2::int, 0) > max_concurrent_tasks,
         updated_at = $5::bigint
       WHERE id = $1
         AND ($2::int < 0 OR $4::boolean OR (availability = 'AVAILABLE' AND load < max_concurrent_tasks))
       RETURNING ${SELECT_LIST}`,
      [params.agentId, params.delta, params.outcome, params.force, params.now],
    );
    const row = res.rows[0];
    return row === undefined ? null : rowToAgent(row);
  }

  async delete(params: { id: string }): Promise<void> {
    // $1 = agent id; agent_capabilities rows go with it (ON DELETE CASCADE).
    await this.db.query('DELETE FROM agents WHERE id = $1', [params.id]);
  }
}
