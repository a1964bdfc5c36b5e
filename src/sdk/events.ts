import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { EventType } from '../core/events.js';
import type { ErrorCode } from '../core/errors.js';
import type { SocketEventName, SocketPayloads } from '../realtime/socket-events.js';
import { SwitchboardApiError } from './errors.js';
import type { EventView } from './wire.js';

export type { SocketEventName, SocketPayloads };

/** The named messages `client.on` listens to: every socket message but the stream plumbing `subscribe` handles. */
export type LiveEventName = Exclude<SocketEventName, 'batch' | 'replay:done'>;

/** Where and as whom the socket connects; the same URL and token as the REST client. */
export interface RealtimeOptions {
  url: string;
  token?: string;
  /** Socket.io transports; default websocket only (no long-polling round trips, and nothing to configure in proxies but upgrades). */
  transports?: ('websocket' | 'polling')[];
  /** Called with a refused handshake (SwitchboardApiError with the server's code, status 0: a socket has no HTTP status). */
  onError?: (err: Error) => void;
}

/** What `client.events.subscribe` takes. */
export interface SubscribeOptions {
  /** Only these event types reach the handler; every event still moves the resume point. */
  types?: readonly EventType[];
  /** Resume after this event id: the server first replays what came after it (at most its replay window). */
  lastEventId?: number;
}

/** A running subscription. */
export interface Subscription {
  /** The id of the last event received: where the next reconnect resumes. */
  readonly lastEventId: number | null;
  /** Resolves once connected and, when resuming, once the replay is done. */
  readonly ready: Promise<void>;
  /** Disconnects for good. */
  close(): void;
}

/** What the server says after a resume: `truncated` means more was missed than it replays (reload from REST). */
export type ReplayDone = SocketPayloads['replay:done'];

type UntypedListeners = Record<'on' | 'off', (name: string, listener: (payload: unknown) => void) => unknown>;
type Client = Socket<{ [K in SocketEventName]: (payload: SocketPayloads[K]) => void }, Record<never, never>>;

/**
 * The resumable event stream: every domain event with its id, in order, from the one
 * event map. The socket asks for `batch` frames (one per server flush, so a busy server
 * costs a few decodes a second) and, on every (re)connect, hands the server the last id
 * it saw as `auth.lastEventId`: the server replays what was missed before going live,
 * with no gap and no duplicate. Ids at or below the last one seen are dropped anyway,
 * so a replay overlapping what arrived just before a drop is harmless.
 */
export function subscribe(
  options: RealtimeOptions,
  params: SubscribeOptions,
  handler: (event: EventView) => void,
  onReplayDone?: (done: ReplayDone) => void,
): Subscription {
  let last: number | null = params.lastEventId ?? null;
  const wanted = params.types === undefined ? null : new Set<string>(params.types);
  const socket = connect(options, (cb) => cb({ ...tokenAuth(options), batch: true, ...(last === null ? {} : { lastEventId: last }) }));

  const deliver = (event: EventView) => {
    if (last !== null && event.id <= last) return;
    last = event.id;
    if (wanted === null || wanted.has(event.type)) handler(event);
  };
  socket.on('event', deliver);
  socket.on('batch', ({ messages }) => {
    for (const m of messages) if (m.name === 'event') deliver(m.payload);
  });

  const resuming = last !== null;
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      if (!resuming) resolve();
    });
    socket.on('replay:done', (done) => {
      resolve();
      onReplayDone?.(done);
    });
    socket.on('connect_error', (err) => {
      const refused = refusal(err);
      // A refused handshake is final (Socket.io does not retry a middleware refusal); a network error retries on its own.
      if (!socket.active) reject(refused);
      options.onError?.(refused);
    });
  });
  // The caller may never await `ready`; its rejection is reported through onError instead.
  ready.catch(() => undefined);

  return {
    get lastEventId() {
      return last;
    },
    ready,
    close: () => void socket.disconnect(),
  };
}

/**
 * Named live messages (`task:assigned`, `agent:overload`, ...) on one socket shared by
 * every `on` of a client, opened at the first `on` and closed with the last `off`. They
 * are the seed's integration surface (`orchestrator.on('taskAssigned', ...)`): live only;
 * what a client must not miss it reads with `subscribe`, which resumes.
 */
export class LiveEvents {
  #socket: Client | null = null;
  #listeners = 0;

  constructor(private readonly options: RealtimeOptions) {}

  /** Calls `handler` with every `name` message; returns the function that stops it. */
  on<K extends LiveEventName>(name: K, handler: (payload: SocketPayloads[K]) => void): () => void {
    const socket = (this.#socket ??= this.#open());
    // Socket.io types listeners per name; K is one of them, which the generic signature cannot show it.
    const listener = handler as (payload: unknown) => void;
    (socket as unknown as UntypedListeners).on(name, listener);
    this.#listeners += 1;
    let on = true;
    return () => {
      if (!on) return;
      on = false;
      (socket as unknown as UntypedListeners).off(name, listener);
      this.#listeners -= 1;
      if (this.#listeners === 0) this.close();
    };
  }

  /** Resolves once the shared socket is connected (tests and scripts that must not miss the first message). */
  connected(): Promise<void> {
    const socket = this.#socket;
    if (socket === null || socket.connected) return Promise.resolve();
    return new Promise((resolve) => socket.once('connect', () => resolve()));
  }

  /** Closes the shared socket; a later `on` opens a new one. */
  close(): void {
    this.#socket?.disconnect();
    this.#socket = null;
    this.#listeners = 0;
  }

  #open(): Client {
    const socket = connect(this.options, (cb) => cb(tokenAuth(this.options)));
    socket.on('connect_error', (err) => this.options.onError?.(refusal(err)));
    return socket;
  }
}

function connect(options: RealtimeOptions, auth: (cb: (data: object) => void) => void): Client {
  const socketOptions: Partial<ManagerOptions & SocketOptions> = {
    transports: options.transports ?? ['websocket'],
    auth,
    forceNew: true,
  };
  return io(options.url.replace(/\/+$/, ''), socketOptions) as Client;
}

function tokenAuth(options: RealtimeOptions): { token?: string } {
  return options.token === undefined ? {} : { token: options.token };
}

/** The gateway refuses with the coded error's message and `data.code`; anything else is the transport's own error. */
function refusal(err: Error): Error {
  const data = (err as Error & { data?: { code?: unknown } & Record<string, unknown> }).data;
  if (typeof data?.code !== 'string') return err;
  const { code, ...details } = data;
  return new SwitchboardApiError({ code: code as ErrorCode, status: 0, message: err.message, details });
}
