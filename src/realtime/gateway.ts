import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { eventView, logLineView } from '../api/views.js';
import type { Clock } from '../core/clock.js';
import { STREAM_PERMISSION } from '../core/access.js';
import { SwitchboardError } from '../core/errors.js';
import type { Authenticator, Principal, Role } from '../services/auth.js';
import { AuthenticationService, bearerCredential, type Credential } from '../services/authentication.js';
import type { EventBus, Logger } from '../services/event-bus.js';
import { systemClock } from '../services/system-clock.js';
import type { TokenRevocations } from '../services/token-revocations.js';
import { clientAddress, trustFunction, type TrustProxy } from '../services/trust-proxy.js';
import type { OrchestratorApi, PublishedEvent } from '../services/types.js';
import { FanOut, ROOM_ALL, ROOM_BATCH, emitAll, emitBatches } from './fan-out.js';
import {
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  type BatchedMessage,
} from './socket-events.js';

export { ROOM_ALL, ROOM_BATCH } from './fan-out.js';
/** How many missed events a resuming client is sent at most. */
export const REPLAY_MAX = 1000;
/** Dashboards need fresh counts, not one recount per event in a burst. */
export const METRICS_THROTTLE_DEFAULT_MS = 1000;
/**
 * Revoked token ids remembered to close the race of a handshake that read the token as
 * valid just before the revocation committed; older ones are refused by the store.
 */
export const REVOKED_REMEMBERED_MAX = 1000;

/** The Socket.io server typed with our event map, so a wrong payload is a compile error. */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Everything the gateway needs; main.ts builds it, tests pass their own. */
export interface RealtimeDeps {
  httpServer: HttpServer;
  bus: EventBus;
  orchestrator: OrchestratorApi;
  authenticator: Authenticator;
  anonymousRole: Role | 'none';
  logger: Logger;
  /** Least time between two `metrics:updated` messages. */
  metricsThrottleMs?: number;
  /** Time for the auth-failure windows. */
  clock?: Clock;
  /** The authentication the HTTP API uses too (one failure limiter); omitted, the gateway builds its own. */
  authentication?: AuthenticationService;
  /** Which peers' `X-Forwarded-For` names the client of a handshake (SWITCHBOARD_TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  /** Revocations to act on: a revoked token's sockets are disconnected. */
  revocations?: TokenRevocations;
}

/** The running gateway; main.ts closes it on shutdown. */
export interface Realtime {
  io: RealtimeServer;
  /** Disconnects every client, stops listening to the bus and cancels the metrics timer. */
  close(): Promise<void>;
}

/**
 * Socket.io on the HTTP server's port (default path `/socket.io`): committed domain
 * events become the seed's socket events and ours, only for authenticated sockets
 * (seed defect 15), sent off the request path by {@link FanOut}; a client that
 * reconnects with `auth.lastEventId` is first sent what it missed, in order, with no gap
 * or duplicate against the live stream; a revoked token's sockets are cut at once.
 */
export function attachRealtime(deps: RealtimeDeps): Realtime {
  const io: RealtimeServer = new Server(deps.httpServer, { serveClient: false });
  const authentication =
    deps.authentication ??
    new AuthenticationService({ authenticator: deps.authenticator, anonymousRole: deps.anonymousRole, clock: deps.clock ?? systemClock });
  const trust = trustFunction(deps.trustProxy ?? false);
  const fanOut = new FanOut(io, deps.logger);
  const revoked = new Set<string>();
  let metricsTimer: NodeJS.Timeout | null = null;
  let closed = false;

  io.use((socket, next) => {
    authenticateSocket(socket, authentication, trust).then(
      (principal) => {
        socket.data.principal = principal;
        socket.data.batch = socket.handshake.auth['batch'] === true;
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });

  io.on('connection', (socket) => {
    const { tokenId } = socket.data.principal;
    if (tokenId !== null) {
      // The handshake may have read the token just before its revocation committed.
      if (revoked.has(tokenId)) {
        socket.disconnect(true);
        return;
      }
      void socket.join(tokenRoom(tokenId));
    }
    const lastEventId: unknown = socket.handshake.auth['lastEventId'];
    if (typeof lastEventId === 'number' && Number.isSafeInteger(lastEventId) && lastEventId >= 0) void resume(socket, lastEventId);
    else fanOut.admit(socket, null);
  });

  async function resume(socket: RealtimeSocket, lastEventId: number): Promise<void> {
    fanOut.holdFor(socket);
    let last = lastEventId;
    let replayed = 0;
    try {
      const events = await deps.orchestrator.listEvents({ afterId: lastEventId, order: 'asc', limit: REPLAY_MAX });
      const messages: BatchedMessage[] = events.map((event) => ({ name: 'event', payload: eventView(event) }));
      if (socket.data.batch) emitBatches(socket, messages);
      else emitAll(socket, messages);
      replayed = events.length;
      last = events.at(-1)?.id ?? lastEventId;
      socket.emit('replay:done', { lastEventId: last, replayed, truncated: events.length === REPLAY_MAX });
    } catch (err) {
      deps.logger.error({ err, socket: socket.id }, 'realtime: replay failed');
      socket.emit('replay:done', { lastEventId: last, replayed, truncated: true });
    } finally {
      fanOut.admit(socket, last);
    }
  }

  const unsubscribeBus = deps.bus.subscribe((published: PublishedEvent) => {
    if (closed) return;
    fanOut.enqueue(published);
    scheduleMetrics();
  });

  // Every socket holds STREAM_PERMISSION (the handshake checked it), so both rooms get the lines, as a
  // plain message for batch sockets too: log lines are no domain events for a batch to order.
  const unsubscribeLogs = deps.bus.subscribeLogs(({ taskId, lines }) => {
    if (!closed) io.to([ROOM_ALL, ROOM_BATCH]).emit('task:log', { taskId, lines: lines.map(logLineView) });
  });

  const unsubscribeRevocations =
    deps.revocations?.subscribe((tokenId) => {
      if (closed) return;
      revoked.add(tokenId);
      // A Set iterates in insertion order: dropping the first entry forgets the oldest.
      if (revoked.size > REVOKED_REMEMBERED_MAX) revoked.delete(revoked.values().next().value ?? tokenId);
      io.in(tokenRoom(tokenId)).disconnectSockets(true);
    }) ?? (() => undefined);

  function scheduleMetrics(): void {
    if (metricsTimer !== null || closed) return;
    metricsTimer = setTimeout(() => {
      metricsTimer = null;
      deps.orchestrator.metrics().then(
        (metrics) => {
          if (!closed) io.to([ROOM_ALL, ROOM_BATCH]).emit('metrics:updated', { metrics });
        },
        (err: unknown) => deps.logger.warn({ err }, 'realtime: metrics unavailable'),
      );
    }, deps.metricsThrottleMs ?? METRICS_THROTTLE_DEFAULT_MS);
    metricsTimer.unref();
  }

  return {
    io,
    async close() {
      if (closed) return;
      closed = true;
      unsubscribeBus();
      unsubscribeLogs();
      unsubscribeRevocations();
      fanOut.close();
      if (metricsTimer !== null) clearTimeout(metricsTimer);
      metricsTimer = null;
      await io.close();
    },
  };
}

/** Every socket opened with one token joins its room, so a revocation reaches them all in one call. */
function tokenRoom(tokenId: string): string {
  return `token:${tokenId}`;
}

/** A refused handshake: the client sees `connect_error` with the coded error's message and `data.code`. */
function refusal(err: SwitchboardError): Error {
  return Object.assign(new Error(err.message), { data: { code: err.code, ...err.details } });
}

async function authenticateSocket(
  socket: RealtimeSocket,
  authentication: AuthenticationService,
  trust: ReturnType<typeof trustFunction>,
): Promise<Principal> {
  const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], trust);
  try {
    return await authentication.authorize(handshakeCredential(socket), address, 'pass auth.token', STREAM_PERMISSION);
  } catch (err) {
    if (err instanceof SwitchboardError && (err.code === 'UNAUTHENTICATED' || err.code === 'RATE_LIMITED' || err.code === 'FORBIDDEN'))
      throw refusal(err);
    throw err;
  }
}

/** `auth.token` from the client, or an `Authorization: Bearer` header (Node clients). */
function handshakeCredential(socket: RealtimeSocket): Credential {
  const fromAuth: unknown = socket.handshake.auth['token'];
  if (typeof fromAuth === 'string' && fromAuth.trim() !== '') return { kind: 'token', token: fromAuth.trim() };
  return bearerCredential(socket.handshake.headers.authorization);
}
