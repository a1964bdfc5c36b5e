import { performance } from 'node:perf_hooks';
import type { Server, Socket } from 'socket.io';
import type { Logger } from '../services/event-bus.js';
import type { PublishedEvent } from '../services/types.js';
import { toSocketMessages, type BatchedMessage, type ServerToClientEvents } from './socket-events.js';

/** Sockets that take one message per name (the seed's clients): each domain-event message is broadcast to this room. */
export const ROOM_ALL = 'all';
/** Sockets that asked for `auth.batch: true`: one `batch` frame per flush. */
export const ROOM_BATCH = 'batch';
/** Messages per `batch` frame at most, so a burst never becomes one frame of megabytes. */
export const BATCH_MESSAGES_MAX = 500;
/**
 * Least time between two flushes to batch sockets. Under load it is what makes a batch a
 * batch: every flush costs one write per socket whatever it carries, so at 500 creates/s
 * with 500 sockets, flushing per event would be 250,000 writes a second; this caps it at
 * 20 frames per socket per second. An idle server still flushes on the next turn.
 */
export const FANOUT_FLUSH_INTERVAL_MS = 50;

/** What the fan-out needs of a socket; Socket.io's Socket fits it. */
type FanOutSocket = Pick<Socket<never, ServerToClientEvents>, 'id' | 'connected' | 'join' | 'emit'> & { data: { batch: boolean } };
type Emitter = Pick<Server<never, ServerToClientEvents>, 'emit'>;
type RealtimeIo = Server<never, ServerToClientEvents>;

interface Flushed {
  id: number;
  messages: BatchedMessage[];
}

/**
 * Sends committed events to the sockets off the request path. The bus hands events over
 * synchronously inside the request that committed them; they are only queued there and
 * flushed on a later turn, so the HTTP response never waits for fan-out and every event
 * of a burst goes out in one pass. Each event's views are built once (shared by both
 * lanes) and each message is broadcast once per flush: Socket.io encodes a broadcast
 * once, down to the WebSocket frame, and writes the same bytes to every socket. Measured,
 * what remains is one write per frame per socket on the server and one decode per frame
 * in every client (bench/README.md, fan-out), hence two lanes:
 * - {@link ROOM_ALL}, one frame per message, flushed on the next `setImmediate`: a flush
 *   there costs a write per message per socket, so it is kept small and frequent, letting
 *   requests run between flushes;
 * - {@link ROOM_BATCH}, one frame per flush, at most every {@link FANOUT_FLUSH_INTERVAL_MS}.
 */
export class FanOut {
  readonly #messages = new WeakMap<PublishedEvent, BatchedMessage[]>();
  readonly #perMessage: Lane;
  readonly #batch: Lane;

  constructor(io: RealtimeIo, logger: Logger) {
    const messagesOf = (published: PublishedEvent): BatchedMessage[] => {
      let messages = this.#messages.get(published);
      if (messages === undefined) {
        messages = toSocketMessages(published);
        this.#messages.set(published, messages);
      }
      return messages;
    };
    this.#perMessage = new Lane(io, logger, messagesOf, { room: ROOM_ALL, intervalMs: 0, send: emitAll });
    this.#batch = new Lane(io, logger, messagesOf, { room: ROOM_BATCH, intervalMs: FANOUT_FLUSH_INTERVAL_MS, send: emitBatches });
  }

  enqueue(published: PublishedEvent): void {
    this.#perMessage.enqueue(published);
    this.#batch.enqueue(published);
  }

  /** The socket is replaying: keep what is flushed until {@link admit} says where its replay ended. */
  holdFor(socket: FanOutSocket): void {
    this.#laneOf(socket).holdFor(socket);
  }

  /**
   * Lets the socket into its room. After a replay ending at `lastEventId`, that happens
   * inside its lane's next flush, after it has been sent what was held for it: the room
   * then carries on from there with no gap and no duplicate.
   */
  admit(socket: FanOutSocket, lastEventId: number | null): void {
    this.#laneOf(socket).admit(socket, lastEventId);
  }

  close(): void {
    this.#perMessage.close();
    this.#batch.close();
  }

  #laneOf(socket: FanOutSocket): Lane {
    return socket.data.batch ? this.#batch : this.#perMessage;
  }
}

/** One room, its queue and its flush schedule. */
class Lane {
  #queue: PublishedEvent[] = [];
  #scheduled: { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout } | null = null;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Sockets being sent their replay: what was flushed meanwhile waits here for them. */
  readonly #held = new Map<string, Flushed[]>();
  /** Sockets whose replay ended, with the last id it sent: admitted at the next flush. */
  #admitting: { socket: FanOutSocket; lastEventId: number }[] = [];
  #closed = false;

  constructor(
    private readonly io: RealtimeIo,
    private readonly logger: Logger,
    private readonly messagesOf: (published: PublishedEvent) => BatchedMessage[],
    private readonly options: { room: string; intervalMs: number; send: (target: Emitter, messages: BatchedMessage[]) => void },
  ) {}

  enqueue(published: PublishedEvent): void {
    if (this.#closed) return;
    // Nobody to send to, now or after a replay: nothing to queue.
    if (this.#held.size === 0 && (this.io.sockets.adapter.rooms.get(this.options.room)?.size ?? 0) === 0) return;
    this.#queue.push(published);
    this.#schedule();
  }

  holdFor(socket: FanOutSocket): void {
    this.#held.set(socket.id, []);
  }

  admit(socket: FanOutSocket, lastEventId: number | null): void {
    if (lastEventId === null) {
      void socket.join(this.options.room);
      return;
    }
    this.#admitting.push({ socket, lastEventId });
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#scheduled?.kind === 'immediate') clearImmediate(this.#scheduled.handle);
    if (this.#scheduled?.kind === 'timeout') clearTimeout(this.#scheduled.handle);
    this.#scheduled = null;
    this.#queue = [];
    this.#admitting = [];
    this.#held.clear();
  }

  #schedule(): void {
    if (this.#scheduled !== null) return;
    // Monotonic scheduling time, not domain time: nothing is decided by it but when to write.
    const wait = this.#lastFlushAt + this.options.intervalMs - performance.now();
    this.#scheduled =
      wait > 0
        ? { kind: 'timeout', handle: setTimeout(() => this.#flush(), wait) }
        : { kind: 'immediate', handle: setImmediate(() => this.#flush()) };
  }

  #flush(): void {
    this.#scheduled = null;
    this.#lastFlushAt = performance.now();
    const batch = this.#queue;
    this.#queue = [];
    try {
      const flushed = batch.map((published) => ({ id: published.event.id, messages: this.messagesOf(published) }));
      if (flushed.length > 0) {
        this.options.send(
          this.io.to(this.options.room),
          flushed.flatMap((f) => f.messages),
        );
        for (const held of this.#held.values()) held.push(...flushed);
      }
    } catch (err) {
      this.logger.error({ err, events: batch.length }, 'realtime: fan-out failed');
    }
    const admitting = this.#admitting;
    this.#admitting = [];
    for (const { socket, lastEventId } of admitting) {
      const held = this.#held.get(socket.id) ?? [];
      this.#held.delete(socket.id);
      if (!socket.connected) continue;
      const missed = held.filter((f) => f.id > lastEventId).flatMap((f) => f.messages);
      if (missed.length > 0) this.options.send(socket, missed);
      void socket.join(this.options.room);
    }
  }
}

/** Emits each message by its name: to one socket, or as one broadcast to a room. */
export function emitAll(target: Emitter, messages: readonly BatchedMessage[]): void {
  // BatchedMessage pairs each name with its payload type; TypeScript cannot follow the pairing through a union, hence the widening.
  const emit = target.emit.bind(target) as (name: string, payload: unknown) => unknown;
  for (const m of messages) emit(m.name, m.payload);
}

/** Emits the messages as `batch` frames of at most {@link BATCH_MESSAGES_MAX}. */
export function emitBatches(target: Emitter, messages: readonly BatchedMessage[]): void {
  for (let i = 0; i < messages.length; i += BATCH_MESSAGES_MAX)
    target.emit('batch', { messages: messages.slice(i, i + BATCH_MESSAGES_MAX) });
}
