import type { EventDraft, EventType, StoredEvent } from '../../core/events.js';
import type { EventFilter, EventReads, EventWrites } from '../../core/ports.js';
import { Params, jsonParam, type Db } from './sql.js';

/** An `events` row as pg returns it (BIGSERIAL id and epoch ms parsed to number, JSONB parsed). */
interface EventRow {
  id: number;
  type: EventType;
  task_id: string | null;
  agent_id: string | null;
  actor: string;
  at: number;
  payload: unknown;
}

const SELECT_LIST = 'id, type, task_id, agent_id, actor, at, payload';

function rowToEvent(r: EventRow): StoredEvent {
  // The row was written from an EventDraft, so type and payload belong together.
  return { id: r.id, type: r.type, taskId: r.task_id, agentId: r.agent_id, actor: r.actor, at: r.at, payload: r.payload } as StoredEvent;
}

/** Reads of the append-only event log (activity feed, audit, replay). */
export class PostgresEventReads implements EventReads {
  constructor(protected readonly db: Db) {}

  async list(params: EventFilter): Promise<StoredEvent[]> {
    const p = new Params();
    const where: string[] = [];
    if (params.taskId !== undefined) where.push(`task_id = ${p.add(params.taskId)}`);
    if (params.agentId !== undefined) where.push(`agent_id = ${p.add(params.agentId)}`);
    // One text[] parameter for the type list (SQLite reads a JSON array); empty matches nothing.
    if (params.types !== undefined) where.push(`type = ANY (${p.add(params.types)}::text[])`);
    if (params.afterId !== undefined) where.push(`id > ${p.add(params.afterId)}`);
    if (params.beforeId !== undefined) where.push(`id < ${p.add(params.beforeId)}`);
    const limit = p.add(params.limit);
    const order = params.order === 'desc' ? 'DESC' : 'ASC';
    // Params: the filters present, in the order above, then limit; indexes (task_id, id),
    // (agent_id, id), (type, id) or the primary key serve each shape.
    const res = await this.db.query<EventRow>(
      `SELECT ${SELECT_LIST} FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT ${limit}`,
      p.values,
    );
    return res.rows.map(rowToEvent);
  }

  async lastId(): Promise<number> {
    // No params; max over the primary key is one index probe.
    const res = await this.db.query<{ id: number | null }>('SELECT max(id) AS id FROM events', []);
    return res.rows[0]?.id ?? 0;
  }
}

/** Appends, only ever built on a transaction's client: the event commits with its change. */
export class PostgresEventRepo extends PostgresEventReads implements EventWrites {
  async append(params: { draft: EventDraft; at: number; actor: string }): Promise<StoredEvent> {
    const { draft, at, actor } = params;
    // $1 = type, $2 = task id, $3 = agent id, $4 = actor, $5 = at, $6 = payload as JSON text
    // (JSONB; SQLite stores TEXT). Ids come from a BIGSERIAL, allocated at insert time.
    const res = await this.db.query<EventRow>(
      `INSERT INTO events (type, task_id, agent_id, actor, at, payload) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${SELECT_LIST}`,
      [draft.type, draft.taskId, draft.agentId, actor, at, jsonParam(draft.payload)],
    );
    const row = res.rows[0];
    if (row === undefined) throw new Error('INSERT ... RETURNING gave no row');
    return rowToEvent(row);
  }
}
