import { EVENT_TYPES, type EventDraft, type StoredEvent } from '../../core/events.js';
import type { EventFilter, EventReads, EventWrites } from '../../core/ports.js';
import type { SqlParams, SqlRow, SqlRunner } from './connection.js';
import { json, num, oneOf, text, textOrNull, toJson } from './row-codec.js';

/** The row <-> StoredEvent mapping, in one place. The payload's shape follows `type` (DomainEventMap). */
function rowToEvent(row: SqlRow): StoredEvent {
  const event = {
    id: num(row, 'id'),
    type: oneOf(row, 'type', EVENT_TYPES),
    taskId: textOrNull(row, 'task_id'),
    agentId: textOrNull(row, 'agent_id'),
    actor: text(row, 'actor'),
    at: num(row, 'at'),
    payload: json(row, 'payload'),
  };
  return event as StoredEvent;
}

/**
 * The append-only event log; one instance per connection (see SqliteTaskRows). Ids come
 * from AUTOINCREMENT, so they only grow and a rolled-back append leaves no row.
 */
export class SqliteEventRows implements EventReads, EventWrites {
  constructor(private readonly sql: SqlRunner) {}

  async list(filter: EventFilter): Promise<StoredEvent[]> {
    const where: string[] = [];
    const params: SqlParams = { limit: filter.limit };
    if (filter.taskId !== undefined) {
      where.push('task_id = @taskId');
      params.taskId = filter.taskId;
    }
    if (filter.agentId !== undefined) {
      where.push('agent_id = @agentId');
      params.agentId = filter.agentId;
    }
    if (filter.types !== undefined) {
      where.push('type IN (SELECT value FROM json_each(@types))');
      params.types = JSON.stringify(filter.types);
    }
    if (filter.afterId !== undefined) {
      where.push('id > @afterId');
      params.afterId = filter.afterId;
    }
    if (filter.beforeId !== undefined) {
      where.push('id < @beforeId');
      params.beforeId = filter.beforeId;
    }
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    // @taskId @agentId @types (JSON array; Postgres binds text[]) @afterId @beforeId @limit, only the
    // clauses of the filters given; the (task_id, id), (agent_id, id) and (type, id) indexes serve them in id order.
    const sql = `SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT @limit`;
    return this.sql.all(sql, params).map(rowToEvent);
  }

  async lastId(): Promise<number> {
    // No parameters. MAX of the rowid is a single seek.
    const row = this.sql.get('SELECT COALESCE(MAX(id), 0) AS id FROM events');
    return row === undefined ? 0 : num(row, 'id');
  }

  async append({ draft, at, actor }: { draft: EventDraft; at: number; actor: string }): Promise<StoredEvent> {
    // @type @taskId @agentId @actor @at @payload (JSON text).
    const row = this.sql.get(
      `INSERT INTO events (type, task_id, agent_id, actor, at, payload)
       VALUES (@type, @taskId, @agentId, @actor, @at, @payload) RETURNING *`,
      { type: draft.type, taskId: draft.taskId, agentId: draft.agentId, actor, at, payload: toJson(draft.payload) },
    );
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    return rowToEvent(row);
  }
}
