import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { io as connect, type Socket } from 'socket.io-client';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_POLICY } from '../../src/core/policy.js';
import { attachRealtime, type Realtime } from '../../src/realtime/gateway.js';
import type { Role } from '../../src/core/access.js';
import { AuthenticationService } from '../../src/services/authentication.js';
import { EventBus, silentLogger } from '../../src/services/event-bus.js';
import { createOrchestrator, type Orchestrator } from '../../src/services/orchestrator.js';
import { TokenRevocations } from '../../src/services/token-revocations.js';
import { TokenService } from '../../src/services/tokens.js';
import type { TrustProxy } from '../../src/services/trust-proxy.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { FakeClock } from './fake-clock.js';

/** One node wired as server.ts wires it: real tokens, one authentication shared by HTTP and Socket.io, revocations, listening on loopback. */
export interface SecuredServer {
  url: string;
  app: FastifyInstance;
  orchestrator: Orchestrator;
  tokens: TokenService;
  clock: FakeClock;
  adminSecret: string;
  /** A fetch with a bearer token and optional extra headers; `json` is the parsed body. */
  http(
    method: string,
    path: string,
    secret: string | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: any }>;
  /** A socket.io client (websocket, no reconnection), closed by `close()`. */
  socket(auth: Record<string, unknown>, extraHeaders?: Record<string, string>): Socket;
  close(): Promise<void>;
}

export async function startSecuredServer(options: { trustProxy?: TrustProxy; anonymousRole?: Role | 'none' } = {}): Promise<SecuredServer> {
  const anonymousRole = options.anonymousRole ?? 'none';
  const dir = mkdtempSync(join(tmpdir(), 'sb-secured-'));
  const store: SqliteStore = openSqliteStore({ file: join(dir, 'sb.db') });
  await store.migrate();
  const clock = new FakeClock();
  const bus = new EventBus(silentLogger);
  const revocations = new TokenRevocations(silentLogger);
  const tokens = new TokenService(store, clock, revocations);
  const authentication = new AuthenticationService({ authenticator: tokens, anonymousRole, clock });
  const orchestrator = createOrchestrator({ store, clock, policy: DEFAULT_POLICY, bus, dispatch: 'manual', logger: silentLogger });
  const trustProxy = options.trustProxy ?? false;
  const app = await buildApp({
    orchestrator,
    authenticator: tokens,
    tokens,
    anonymousRole,
    bodyLimitBytes: 65_536,
    clock,
    authentication,
    trustProxy,
  });
  const realtime: Realtime = attachRealtime({
    httpServer: app.server,
    bus,
    orchestrator,
    authenticator: tokens,
    anonymousRole,
    logger: silentLogger,
    clock,
    authentication,
    trustProxy,
    revocations,
  });
  await orchestrator.start();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const adminSecret = (await tokens.bootstrapAdmin())?.secret ?? '';
  const sockets: Socket[] = [];
  return {
    url,
    app,
    orchestrator,
    tokens,
    clock,
    adminSecret,
    async http(method, path, secret, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
    socket(auth, extraHeaders) {
      const s = connect(url, {
        transports: ['websocket'],
        auth,
        reconnection: false,
        forceNew: true,
        ...(extraHeaders ? { extraHeaders } : {}),
      });
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await realtime.close();
      await app.close();
      await orchestrator.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves on `connect`, rejects with the refusal (its `data.code`) on `connect_error`. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** The `data.code` of a refused handshake. */
export async function refusedWith(socket: Socket): Promise<unknown> {
  try {
    await connected(socket);
    return 'connected';
  } catch (err) {
    return (err as Error & { data?: { code?: unknown } }).data?.code;
  }
}
