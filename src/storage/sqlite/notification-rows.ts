import { EVENT_TYPES } from '../../core/events.js';
import {
  CHANNEL_TYPES,
  DELIVERY_STATUSES,
  type Channel,
  type ChannelFilters,
  type Delivery,
  type DeliverySnapshot,
} from '../../core/notification.js';
import type { DeliveryFilter, NotificationReads, NotificationWrites } from '../../core/ports.js';
import type { SqlParams, SqlRow, SqlRunner } from './connection.js';
import { bool, json, num, numOrNull, oneOf, text, textOrNull, toBit, toJson } from './row-codec.js';

function rowToChannel(row: SqlRow): Channel {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    type: oneOf(row, 'type', CHANNEL_TYPES),
    events: (json(row, 'events') as string[]).filter((t): t is Channel['events'][number] => (EVENT_TYPES as readonly string[]).includes(t)),
    filters: json(row, 'filters') as ChannelFilters,
    enabled: bool(row, 'enabled'),
    settings: json(row, 'settings') as Record<string, unknown>,
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
  };
}

function channelParams(c: Channel): SqlParams {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    events: toJson(c.events),
    filters: toJson(c.filters),
    enabled: toBit(c.enabled),
    settings: toJson(c.settings),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function rowToDelivery(row: SqlRow): Delivery {
  return {
    id: text(row, 'id'),
    channelId: text(row, 'channel_id'),
    eventId: num(row, 'event_id'),
    type: oneOf(row, 'type', EVENT_TYPES),
    taskId: textOrNull(row, 'task_id'),
    payload: json(row, 'payload') as DeliverySnapshot,
    status: oneOf(row, 'status', DELIVERY_STATUSES),
    attempts: num(row, 'attempts'),
    nextAttemptAt: numOrNull(row, 'next_attempt_at'),
    lastError: textOrNull(row, 'last_error'),
    lastStatus: numOrNull(row, 'last_status'),
    lockedUntil: numOrNull(row, 'locked_until'),
    lockedBy: textOrNull(row, 'locked_by'),
    dedupKey: text(row, 'dedup_key'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
    deliveredAt: numOrNull(row, 'delivered_at'),
  };
}

/** Channels and the outbox on SQLite; one instance per connection (see SqliteTaskRows). */
export class SqliteNotificationRows implements NotificationReads, NotificationWrites {
  constructor(private readonly sql: SqlRunner) {}

  async listChannels(): Promise<Channel[]> {
    // No parameters; a handful of rows.
    return this.sql.all('SELECT * FROM notification_channels ORDER BY created_at, id').map(rowToChannel);
  }

  async getChannel({ id }: { id: string }): Promise<Channel | null> {
    // @id: primary key.
    const row = this.sql.get('SELECT * FROM notification_channels WHERE id = @id', { id });
    return row === undefined ? null : rowToChannel(row);
  }

  async getDelivery({ id }: { id: string }): Promise<Delivery | null> {
    // @id: primary key.
    const row = this.sql.get('SELECT * FROM notification_deliveries WHERE id = @id', { id });
    return row === undefined ? null : rowToDelivery(row);
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    const where: string[] = [];
    const params: SqlParams = { limit: filter.limit };
    if (filter.channelId !== undefined) {
      where.push('channel_id = @channelId');
      params.channelId = filter.channelId;
    }
    if (filter.status !== undefined) {
      where.push('status = @status');
      params.status = filter.status;
    }
    if (filter.before !== undefined) {
      where.push('(created_at, id) < (@beforeAt, @beforeId)');
      params.beforeAt = filter.before.createdAt;
      params.beforeId = filter.before.id;
    }
    // @channelId @status @beforeAt @beforeId @limit, only the clauses of the filters given;
    // the (created_at, id) and (channel_id, created_at, id) indexes serve the order.
    const sql = `SELECT * FROM notification_deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return this.sql.all(sql, params).map(rowToDelivery);
  }

  async summary(): Promise<{ failing: number; dead: number; lastFailure: Delivery | null }> {
    // No parameters; the (status, updated_at) index serves the counts and the last failure.
    const counts = this.sql.get(
      `SELECT COALESCE(SUM(status = 'failed'), 0) AS failing, COALESCE(SUM(status = 'dead'), 0) AS dead
       FROM notification_deliveries WHERE status IN ('failed', 'dead')`,
    );
    // No parameters.
    const last = this.sql.get(
      `SELECT * FROM notification_deliveries WHERE status IN ('failed', 'dead') ORDER BY updated_at DESC, id DESC LIMIT 1`,
    );
    return {
      failing: counts === undefined ? 0 : num(counts, 'failing'),
      dead: counts === undefined ? 0 : num(counts, 'dead'),
      lastFailure: last === undefined ? null : rowToDelivery(last),
    };
  }

  async insertChannel(channel: Channel): Promise<void> {
    // @id @name @type @events @filters @enabled @settings @createdAt @updatedAt.
    this.sql.run(
      `INSERT INTO notification_channels (id, name, type, events, filters, enabled, settings, created_at, updated_at)
       VALUES (@id, @name, @type, @events, @filters, @enabled, @settings, @createdAt, @updatedAt)`,
      channelParams(channel),
      { entity: 'record', id: channel.id },
    );
  }

  async updateChannel(channel: Channel): Promise<boolean> {
    // @id and the columns; created_at and type never change.
    const changed = this.sql.run(
      `UPDATE notification_channels SET name = @name, events = @events, filters = @filters, enabled = @enabled,
         settings = @settings, updated_at = @updatedAt WHERE id = @id`,
      channelParams(channel),
    );
    return changed > 0;
  }

  async deleteChannel({ id }: { id: string }): Promise<boolean> {
    // @id; the deliveries go with it (ON DELETE CASCADE).
    return this.sql.run('DELETE FROM notification_channels WHERE id = @id', { id }) > 0;
  }

  async enqueue(deliveries: readonly Delivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    // One row per delivery in a JSON array (@rows), one statement whatever the count; the
    // (channel_id, dedup_key) unique key makes a duplicate a no-op; `->` keeps the payload as JSON text.
    return this.sql.run(
      `INSERT INTO notification_deliveries (id, channel_id, event_id, type, task_id, payload, status, attempts, next_attempt_at,
         last_error, last_status, locked_until, locked_by, dedup_key, created_at, updated_at, delivered_at)
       SELECT r ->> '$.id', r ->> '$.channelId', r ->> '$.eventId', r ->> '$.type', r ->> '$.taskId', r -> '$.payload',
         r ->> '$.status', r ->> '$.attempts', r ->> '$.nextAttemptAt', r ->> '$.lastError', r ->> '$.lastStatus',
         r ->> '$.lockedUntil', r ->> '$.lockedBy', r ->> '$.dedupKey', r ->> '$.createdAt', r ->> '$.updatedAt', r ->> '$.deliveredAt'
       FROM (SELECT value AS r FROM json_each(@rows)) WHERE true
       ON CONFLICT (channel_id, dedup_key) DO NOTHING`,
      { rows: JSON.stringify(deliveries) },
    );
  }

  async claimDue({ now, limit, owner, leaseMs }: { now: number; limit: number; owner: string; leaseMs: number }): Promise<Delivery[]> {
    // @now @limit @owner @until. One writer at a time, so pick-then-lease in one statement is enough;
    // the partial (next_attempt_at, id) index serves the pick.
    return this.sql
      .all(
        `UPDATE notification_deliveries SET locked_until = @until, locked_by = @owner
         WHERE id IN (
           SELECT id FROM notification_deliveries
           WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND status IN ('pending', 'failed')
             AND (locked_until IS NULL OR locked_until <= @now)
           ORDER BY next_attempt_at, id LIMIT @limit)
         RETURNING *`,
        { now, limit, owner, until: now + leaseMs },
      )
      .map(rowToDelivery)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async finishAttempt({ next, owner }: { next: Delivery; owner: string }): Promise<boolean> {
    // @id @owner and the outcome columns; the lease guard keeps a late writer from overwriting a newer claim.
    const changed = this.sql.run(
      `UPDATE notification_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt,
         last_error = @lastError, last_status = @lastStatus, delivered_at = @deliveredAt, updated_at = @updatedAt,
         locked_until = NULL, locked_by = NULL
       WHERE id = @id AND locked_by = @owner`,
      {
        id: next.id,
        owner,
        status: next.status,
        attempts: next.attempts,
        nextAttemptAt: next.nextAttemptAt,
        lastError: next.lastError,
        lastStatus: next.lastStatus,
        deliveredAt: next.deliveredAt,
        updatedAt: next.updatedAt,
      },
    );
    return changed > 0;
  }

  async reschedule({ id, now }: { id: string; now: number }): Promise<Delivery | null> {
    // @id @now. A delivered row goes out again with the same id (the receiver dedups on webhook-id).
    const row = this.sql.get(
      `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL, locked_by = NULL,
         updated_at = @now WHERE id = @id RETURNING *`,
      { id, now },
    );
    return row === undefined ? null : rowToDelivery(row);
  }
}
