import type { FastifyInstance } from 'fastify';
import { API_DOCS_PATH, buildApp, findWebRoot } from './api/app.js';
import { METRICS_PATH } from './api/metrics-route.js';
import type { Config } from './config.js';
import { DEMO_ACTOR, loadDemo } from './demo/load-demo.js';
import { attachRealtime, type Realtime } from './realtime/gateway.js';
import { EventBus, type Logger } from './services/event-bus.js';
import { createOrchestrator, type Orchestrator } from './services/orchestrator.js';
import { systemClock } from './services/system-clock.js';
import { AuthenticationService } from './services/authentication.js';
import { TokenRevocations } from './services/token-revocations.js';
import { createTokenAuthenticator } from './services/tokens.js';
import { ClusterRelay } from './services/cluster-relay.js';
import { openClusterChannel, openStore } from './composition.js';
import { packageRoot } from './package-root.js';
import { countCommittedEvents } from './metrics/bus-counters.js';
import { timeClaims } from './metrics/claim-timing.js';
import { ServerMetrics } from './metrics/registry.js';
import { createNotifications, type Notifications } from './notifications/module.js';

/** A started server: where it listens, and how to stop it in the order it must be torn down. */
export interface ServerHandle {
  /** `http://host:port`, with the port actually bound (PORT=0 picks one). */
  readonly url: string;
  /** Stop accepting and let in-flight requests finish, disconnect sockets, stop timers, then close the store. */
  close(): Promise<void>;
}

/** What the caller may redirect; the defaults are what `npm start` and `switchboard serve` do. */
export interface StartServerOptions {
  /** Where the first-start admin token and the listening banner go: stdout, which is the program's own. */
  print?: (text: string) => void;
  /** The services' logger until the app's pino logger exists; then the app's takes over. */
  logger?: DeferredLogger;
}

/**
 * The server's composition root (style rule 1): store and cluster channel (through
 * composition.ts, shared with the token command), bus, orchestrator, authenticator, HTTP
 * app and realtime gateway, listening once it resolves. Importable, unlike the entry
 * (main.ts), so `switchboard serve` and tests start the same server `npm start` does.
 * A step that fails tears down what was built before it and rethrows: no API stays up
 * with no data behind it (seed defect 17).
 */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<ServerHandle> {
  const print = options.print ?? ((text: string) => void process.stdout.write(text));
  const logger = options.logger ?? deferredLogger();
  const opened = await openStore(config);
  /** What has been built so far, torn down in reverse if a later step fails. */
  const built: {
    app?: FastifyInstance;
    realtime?: Realtime;
    orchestrator?: Orchestrator;
    relay?: ClusterRelay;
    notifications?: Notifications;
  } = {};
  // The gateway is attached after the app it shares a port with; until then no socket is open.
  const metrics = config.metrics
    ? new ServerMetrics({ store: opened, clock: systemClock, logger, sockets: () => built.realtime?.io.engine.clientsCount ?? 0 })
    : null;
  metrics?.watchCommits(opened);
  const store = opened;
  try {
    await store.migrate();
    const bus = new EventBus(logger);
    if (metrics !== null) countCommittedEvents(bus, metrics);
    // The outbox is written by every transition's transaction; the dispatcher delivers beside them.
    const notifications = createNotifications({
      store,
      clock: systemClock,
      policy: config.policy,
      bus,
      logger,
      options: config.notify,
      ...(metrics === null ? {} : { metrics }),
    });
    built.notifications = notifications;
    const created = createOrchestrator({
      store,
      clock: systemClock,
      policy: config.policy,
      bus,
      dispatch: config.dispatch,
      logger,
      outbox: notifications.outbox,
      escalation: config.escalation,
    });
    const orchestrator = metrics === null ? created : timeClaims(created, metrics);
    built.orchestrator = orchestrator;
    const revocations = new TokenRevocations(logger);
    const authenticator = createTokenAuthenticator(store, systemClock, revocations);
    // One authentication for every transport: a failure counts once, whichever door it knocked on.
    const authentication = new AuthenticationService({ authenticator, anonymousRole: config.anonymousRole, clock: systemClock });
    const webRoot = findWebRoot(packageRoot());
    const app = await buildApp({
      orchestrator,
      authenticator,
      tokens: authenticator,
      anonymousRole: config.anonymousRole,
      bodyLimitBytes: config.bodyLimitBytes,
      logger: { level: config.logLevel },
      webRoot,
      clock: systemClock,
      authentication,
      trustProxy: config.trustProxy,
      ...(metrics === null ? {} : { metrics }),
      notifications: notifications.service,
    });
    built.app = app;
    logger.attach(app.log);
    const realtime = attachRealtime({
      httpServer: app.server,
      bus,
      orchestrator,
      authenticator,
      anonymousRole: config.anonymousRole,
      logger,
      authentication,
      trustProxy: config.trustProxy,
      revocations,
    });
    built.realtime = realtime;

    const admin = await authenticator.bootstrapAdmin();
    if (admin !== null) {
      print(
        `\nFirst start: created an admin API token. It is shown only this once (lost it? npx switchboard token admin):\n\n  ${admin.secret}\n\n`,
      );
    }
    // Several nodes on one database hear each other's events (Socket.io, timers, claims) when the store can announce them.
    const channel = openClusterChannel(store, config, (err) => logger.warn({ err }, 'cluster channel'));
    const relay = channel !== null ? new ClusterRelay(store, channel, bus, logger, revocations) : null;
    if (relay !== null) {
      built.relay = relay;
      await relay.start();
    }
    if (config.demo) await loadDemo(orchestrator, DEMO_ACTOR, logger);
    await orchestrator.start();
    notifications.start();
    await app.listen({ port: config.port, host: config.host });

    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${addressPort(app, config.port)}`;
    print(
      [
        `Switchboard listening on ${url}`,
        `  dashboard: ${url}/${webRoot === null ? ' (not built: web/dist is missing)' : ''}`,
        `  API docs:  ${url}${API_DOCS_PATH}`,
        ...(metrics === null ? [] : [`  metrics:   ${url}${METRICS_PATH} (Prometheus, read permission)`]),
        `  storage:   ${store.capabilities.dialect === 'postgres' ? 'PostgreSQL' : `SQLite ${config.dataFile}`}; dispatch ${config.dispatch}; anonymous role ${config.anonymousRole}`,
        '',
      ].join('\n'),
    );
    let closing: Promise<void> | null = null;
    const close = async () => {
      await Promise.all([app.close(), realtime.close()]);
      await orchestrator.stop();
      await notifications.close();
      await relay?.close();
      await store.close();
    };
    // Idempotent: a signal and a caller's cleanup may both ask.
    return { url, close: () => (closing ??= close()) };
  } catch (err) {
    const quietly = (p: Promise<unknown> | undefined) => (p ?? Promise.resolve()).catch(() => undefined);
    await Promise.all([quietly(built.app?.close()), quietly(built.realtime?.close())]);
    await quietly(built.orchestrator?.stop());
    await quietly(built.notifications?.close());
    await quietly(built.relay?.close());
    await quietly(store.close());
    throw err;
  }
}

function addressPort(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return address !== null && typeof address === 'object' ? address.port : fallback;
}

/** A logger that writes on its own until it is pointed at the app's. */
export interface DeferredLogger extends Logger {
  attach(target: Logger): void;
}

/**
 * The services need a logger before the app (whose pino logger we want to share) exists:
 * log JSON lines to stderr until `attach`, then forward to the app's logger.
 */
export function deferredLogger(): DeferredLogger {
  let target: Logger | null = null;
  const early = (level: string) => (obj: unknown, msg?: string) => {
    process.stderr.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), msg, ...(obj instanceof Error ? { err: obj.message } : describe(obj)) })}\n`,
    );
  };
  const levels = { info: early('info'), warn: early('warn'), error: early('error') };
  return {
    info: (obj, msg) => (target ?? levels).info(obj, msg),
    warn: (obj, msg) => (target ?? levels).warn(obj, msg),
    error: (obj, msg) => (target ?? levels).error(obj, msg),
    attach(next) {
      target = next;
    },
  };
}

function describe(obj: unknown): Record<string, unknown> {
  if (obj === null || typeof obj !== 'object') return { value: obj };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = v instanceof Error ? v.message : v;
  return out;
}
