import pg from 'pg';
import { ValidationError } from '../../core/errors.js';
import { quoteIdent, translatePgError } from './sql.js';

/** First pause before the listening connection is re-opened after it drops; doubles up to the max. */
export const NOTIFY_RECONNECT_DELAY_DEFAULT_MS = 500;
/** Ceiling of the reconnect backoff, so a node notices a recovered server within half a minute. */
export const NOTIFY_RECONNECT_DELAY_MAX_MS = 30_000;

/** Channel names are identifiers in LISTEN: a conservative set that needs no escaping surprises. */
const CHANNEL_PATTERN = /^[A-Za-z0-9_.:-]{1,63}$/;

/** How to reach the database and whom to tell about connection trouble. */
export interface PostgresNotifierOptions {
  connectionString: string;
  /** First reconnect pause; later attempts back off exponentially. */
  reconnectDelayMs?: number;
  /**
   * Called after the listening connection was lost and is listening again. Notifications
   * sent in between are gone (NOTIFY is fire-and-forget): catch up from the event log.
   */
  onReconnect?: () => void;
  /** Connection failures and handler exceptions; neither stops the notifier. */
  onError?: (err: Error) => void;
}

type Handler = (payload: string) => void;

/**
 * Cross-node wake-ups over LISTEN/NOTIFY: a node that commits a change (a new task, a
 * freed slot, an event id) notifies, every other node's dispatcher and Socket.io gateway
 * hears it at once instead of polling. Listening uses one dedicated connection (a pooled
 * one would be handed to other queries); notifying goes through a small pool.
 */
export class PostgresNotifier {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly pool: pg.Pool;
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private nextDelayMs: number;
  private closed = false;

  constructor(private readonly options: PostgresNotifierOptions) {
    this.nextDelayMs = options.reconnectDelayMs ?? NOTIFY_RECONNECT_DELAY_DEFAULT_MS;
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: 'switchboard-notify' });
    this.pool.on('error', (err) => this.report(err));
  }

  /** Calls `handler` with the payload of every notification on `channel`, from any node. */
  async listen(channel: string, handler: Handler): Promise<void> {
    checkChannel(channel);
    let set = this.handlers.get(channel);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    const client = await this.connection();
    // LISTEN is idempotent; the channel is an identifier, so it is quoted, not bound.
    await client.query(`LISTEN ${quoteIdent(channel)}`).catch((err: unknown) => {
      throw translatePgError(err);
    });
  }

  /** Stops calling `handler`; the channel is unlistened when its last handler goes. */
  async unlisten(channel: string, handler: Handler): Promise<void> {
    const set = this.handlers.get(channel);
    if (set === undefined || !set.delete(handler) || set.size > 0) return;
    this.handlers.delete(channel);
    if (this.client !== null) await this.client.query(`UNLISTEN ${quoteIdent(channel)}`).catch((err: unknown) => this.report(err));
  }

  /** Announces `payload` (at most 8000 bytes) on `channel` to every listening node. */
  async notify(channel: string, payload: string): Promise<void> {
    checkChannel(channel);
    // $1 = channel, $2 = payload; pg_notify takes parameters where NOTIFY cannot.
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((err: unknown) => {
      throw translatePgError(err);
    });
  }

  /** Closes the listening connection and the pool; no reconnect happens after this. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const pending = this.connecting;
    const client = this.client ?? (pending === null ? null : await pending.catch(() => null));
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** The listening connection, opened (and listening on every known channel) on first use. */
  private connection(): Promise<pg.Client> {
    if (this.client !== null) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(translatePgError(new Error('Connection terminated: notifier closed')));
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'switchboard-listen' });
    let ended = false;
    client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''));
    client.on('error', (err) => {
      ended = true;
      this.lost(client, err);
    });
    client.on('end', () => {
      ended = true;
      this.lost(client, null);
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
      if (ended) throw new Error('Connection terminated while it was being set up');
    } catch (err) {
      await client.end().catch(() => undefined);
      throw translatePgError(err);
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw translatePgError(new Error('Connection terminated: notifier closed'));
    }
    this.client = client;
    this.nextDelayMs = this.options.reconnectDelayMs ?? NOTIFY_RECONNECT_DELAY_DEFAULT_MS;
    return client;
  }

  private lost(client: pg.Client, err: Error | null): void {
    if (err !== null) this.report(err);
    if (this.client !== client || this.closed) return;
    this.client = null;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null) return;
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(NOTIFY_RECONNECT_DELAY_MAX_MS, delay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connection().then(
        () => this.options.onReconnect?.(),
        (err: unknown) => {
          this.report(err);
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        this.report(err);
      }
    }
  }

  private report(err: unknown): void {
    this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
  }
}

function checkChannel(channel: string): void {
  if (!CHANNEL_PATTERN.test(channel)) {
    throw new ValidationError(`Invalid notification channel "${channel}": 1-63 of A-Z a-z 0-9 _ . : -`, { field: 'channel' });
  }
}
