import type { EventType } from '../../core/events.js';
import type { Channel, ChannelFilters, ChannelKind, Delivery, DeliverySnapshot, DeliveryStatus } from '../../core/notification.js';
import type { DeliveryFilter, NotificationReads, NotificationWrites } from '../../core/ports.js';
import { Params, jsonParam, type Db } from './sql.js';

interface ChannelRow {
  id: string;
  name: string;
  type: ChannelKind;
  events: EventType[];
  filters: ChannelFilters;
  enabled: boolean;
  settings: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  id: string;
  channel_id: string;
  event_id: number;
  type: EventType;
  task_id: string | null;
  payload: DeliverySnapshot;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  last_status: number | null;
  locked_until: number | null;
  locked_by: string | null;
  dedup_key: string;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

function rowToChannel(r: ChannelRow): Channel {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    events: r.events,
    filters: r.filters,
    enabled: r.enabled,
    settings: r.settings,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function rowToDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    channelId: r.channel_id,
    eventId: r.event_id,
    type: r.type,
    taskId: r.task_id,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    lastStatus: r.last_status,
    lockedUntil: r.locked_until,
    lockedBy: r.locked_by,
    dedupKey: r.dedup_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  };
}

/** Reads of channels and the outbox. */
export class PostgresNotificationReads implements NotificationReads {
  constructor(protected readonly db: Db) {}

  async listChannels(): Promise<Channel[]> {
    // No params; a handful of rows.
    const res = await this.db.query<ChannelRow>('SELECT * FROM notification_channels ORDER BY created_at, id', []);
    return res.rows.map(rowToChannel);
  }

  async getChannel({ id }: { id: string }): Promise<Channel | null> {
    // $1 = id (primary key).
    const res = await this.db.query<ChannelRow>('SELECT * FROM notification_channels WHERE id = $1', [id]);
    const row = res.rows[0];
    return row === undefined ? null : rowToChannel(row);
  }

  async getDelivery({ id }: { id: string }): Promise<Delivery | null> {
    // $1 = id (primary key).
    const res = await this.db.query<DeliveryRow>('SELECT * FROM notification_deliveries WHERE id = $1', [id]);
    const row = res.rows[0];
    return row === undefined ? null : rowToDelivery(row);
  }

  async listDeliveries(filter: DeliveryFilter): Promise<Delivery[]> {
    const p = new Params();
    const where: string[] = [];
    if (filter.channelId !== undefined) where.push(`channel_id = ${p.add(filter.channelId)}`);
    if (filter.status !== undefined) where.push(`status = ${p.add(filter.status)}`);
    if (filter.before !== undefined)
      where.push(`(created_at, id) < (${p.add(filter.before.createdAt)}::bigint, ${p.add(filter.before.id)}::text)`);
    const limit = p.add(filter.limit);
    // Params: the filters present, in the order above, then limit; (created_at, id) and
    // (channel_id, created_at, id) indexes serve the order.
    const res = await this.db.query<DeliveryRow>(
      `SELECT * FROM notification_deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      p.values,
    );
    return res.rows.map(rowToDelivery);
  }

  async summary(): Promise<{ failing: number; dead: number; lastFailure: Delivery | null }> {
    // No params; the (status, updated_at) index serves both.
    const counts = await this.db.query<{ failing: number; dead: number }>(
      `SELECT count(*) FILTER (WHERE status = 'failed') AS failing, count(*) FILTER (WHERE status = 'dead') AS dead
       FROM notification_deliveries WHERE status IN ('failed', 'dead')`,
      [],
    );
    // No params.
    const last = await this.db.query<DeliveryRow>(
      `SELECT * FROM notification_deliveries WHERE status IN ('failed', 'dead') ORDER BY updated_at DESC, id DESC LIMIT 1`,
      [],
    );
    const row = last.rows[0];
    return {
      failing: counts.rows[0]?.failing ?? 0,
      dead: counts.rows[0]?.dead ?? 0,
      lastFailure: row === undefined ? null : rowToDelivery(row),
    };
  }
}

/** Writes, only ever built on a transaction's client: an outbox row commits with its event. */
export class PostgresNotificationRepo extends PostgresNotificationReads implements NotificationWrites {
  async insertChannel(c: Channel): Promise<void> {
    // $1..$9 = the columns; JSONB sent as JSON text.
    await this.db.query(
      `INSERT INTO notification_channels (id, name, type, events, filters, enabled, settings, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::jsonb, $8, $9)`,
      [c.id, c.name, c.type, jsonParam(c.events), jsonParam(c.filters), c.enabled, jsonParam(c.settings), c.createdAt, c.updatedAt],
    );
  }

  async updateChannel(c: Channel): Promise<boolean> {
    // $1 = id, $2..$6 = the columns that may change; created_at and type never do.
    const res = await this.db.query(
      `UPDATE notification_channels SET name = $2, events = $3::jsonb, filters = $4::jsonb, enabled = $5, settings = $6::jsonb,
         updated_at = $7 WHERE id = $1`,
      [c.id, c.name, jsonParam(c.events), jsonParam(c.filters), c.enabled, jsonParam(c.settings), c.updatedAt],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async deleteChannel({ id }: { id: string }): Promise<boolean> {
    // $1 = id; the deliveries go with it (ON DELETE CASCADE).
    const res = await this.db.query('DELETE FROM notification_channels WHERE id = $1', [id]);
    return (res.rowCount ?? 0) > 0;
  }

  async enqueue(deliveries: readonly Delivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    // $1 = the rows as one JSON array: one statement, one round trip, whatever the count; the
    // (channel_id, dedup_key) unique key makes a duplicate a no-op.
    const res = await this.db.query(
      `INSERT INTO notification_deliveries (id, channel_id, event_id, type, task_id, payload, status, attempts, next_attempt_at,
         last_error, last_status, locked_until, locked_by, dedup_key, created_at, updated_at, delivered_at)
       SELECT id, "channelId", "eventId", type, "taskId", payload, status, attempts, "nextAttemptAt",
         "lastError", "lastStatus", "lockedUntil", "lockedBy", "dedupKey", "createdAt", "updatedAt", "deliveredAt"
       FROM jsonb_to_recordset($1::jsonb) AS r (id text, "channelId" text, "eventId" bigint, type text, "taskId" text, payload jsonb,
         status text, attempts integer, "nextAttemptAt" bigint, "lastError" text, "lastStatus" integer, "lockedUntil" bigint,
         "lockedBy" text, "dedupKey" text, "createdAt" bigint, "updatedAt" bigint, "deliveredAt" bigint)
       ON CONFLICT (channel_id, dedup_key) DO NOTHING`,
      [jsonParam(deliveries)],
    );
    return res.rowCount ?? 0;
  }

  async claimDue({ now, limit, owner, leaseMs }: { now: number; limit: number; owner: string; leaseMs: number }): Promise<Delivery[]> {
    // $1 = now, $2 = limit, $3 = owner, $4 = lease end. SKIP LOCKED: another node's claim in
    // flight is passed over, not waited for, so two nodes never lease the same row.
    const res = await this.db.query<DeliveryRow>(
      `UPDATE notification_deliveries SET locked_until = $4, locked_by = $3
       WHERE id IN (
         SELECT id FROM notification_deliveries
         WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1 AND status IN ('pending', 'failed')
           AND (locked_until IS NULL OR locked_until <= $1)
         ORDER BY next_attempt_at, id LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, limit, owner, now + leaseMs],
    );
    return res.rows
      .map(rowToDelivery)
      .sort((a, b) => (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async finishAttempt({ next, owner }: { next: Delivery; owner: string }): Promise<boolean> {
    // $1 = id, $2 = owner (the lease guard), $3..$9 = the outcome columns.
    const res = await this.db.query(
      `UPDATE notification_deliveries SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6, last_status = $7,
         delivered_at = $8, updated_at = $9, locked_until = NULL, locked_by = NULL
       WHERE id = $1 AND locked_by = $2`,
      [next.id, owner, next.status, next.attempts, next.nextAttemptAt, next.lastError, next.lastStatus, next.deliveredAt, next.updatedAt],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async reschedule({ id, now }: { id: string; now: number }): Promise<Delivery | null> {
    // $1 = id, $2 = now. A fresh attempt budget; a delivered row goes out again with the same id.
    const res = await this.db.query<DeliveryRow>(
      `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, locked_until = NULL, locked_by = NULL,
         updated_at = $2 WHERE id = $1 RETURNING *`,
      [id, now],
    );
    const row = res.rows[0];
    return row === undefined ? null : rowToDelivery(row);
  }
}
