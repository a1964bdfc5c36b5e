import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { API_DOCS_PATH, buildApp, findWebRoot } from './api/app.js';
import { ConfigError, loadProcessConfig, type Config } from './config.js';
import type { Store } from './core/ports.js';
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

/** A second SIGINT/SIGTERM during shutdown, or shutdown taking longer than this, forces the exit. */
export const SHUTDOWN_TIMEOUT_MS = 30_000;

/** What `serve` built, in the order it must be torn down. */
interface Running {
  app: FastifyInstance;
  realtime: Realtime;
  orchestrator: Orchestrator;
  relay: ClusterRelay | null;
  store: Store;
}

/**
 * The server's composition root (style rule 1): store and cluster channel (through
 * composition.ts, shared with the token command), bus, orchestrator, authenticator, HTTP
 * app and realtime gateway. Initialisation errors end the process with a message and a
 * non-zero code instead of leaving an API up with no data behind it (seed defect 17).
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadProcessConfig();
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message);
    throw err;
  }

  const logger = deferredLogger();
  let running: Running | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write(`Received ${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      process.stderr.write('Shutdown timed out: exiting now\n');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // Still starting: main() stops what it built as soon as serve() returns.
    if (running === null) return;
    void stop(running).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    running = await serve(config, logger);
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    return fail(`Switchboard failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (stopping) {
    await stop(running);
    process.exit(0);
  }
}

async function serve(config: Config, logger: DeferredLogger): Promise<Running> {
  const store = await openStore(config);
  /** What has been built so far, torn down in reverse if a later step fails. */
  const built: { app?: FastifyInstance; realtime?: Realtime; orchestrator?: Orchestrator; relay?: ClusterRelay } = {};
  try {
    await store.migrate();
    const bus = new EventBus(logger);
    const orchestrator = createOrchestrator({ store, clock: systemClock, policy: config.policy, bus, dispatch: config.dispatch, logger });
    built.orchestrator = orchestrator;
    const revocations = new TokenRevocations(logger);
    const authenticator = createTokenAuthenticator(store, systemClock, revocations);
    // One authentication for every transport: a failure counts once, whichever door it knocked on.
    const authentication = new AuthenticationService({ authenticator, anonymousRole: config.anonymousRole, clock: systemClock });
    const webRoot = findWebRoot(findProjectRoot());
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
      process.stdout.write(
        `\nFirst start: created an admin API token. It is shown only this once (lost it? npm run token -- --admin):\n\n  ${admin.secret}\n\n`,
      );
    }
    // Several nodes on one PostgreSQL database hear each other's events (Socket.io, timers, claims).
    const channel = openClusterChannel(config, (err) => logger.warn({ err }, 'cluster channel'));
    const relay = channel !== null ? new ClusterRelay(store, channel, bus, logger, revocations) : null;
    if (relay !== null) {
      built.relay = relay;
      await relay.start();
    }
    if (config.demo) await loadDemo(orchestrator, DEMO_ACTOR, logger);
    await orchestrator.start();
    await app.listen({ port: config.port, host: config.host });

    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${addressPort(app, config.port)}`;
    process.stdout.write(
      [
        `Switchboard listening on ${base}`,
        `  dashboard: ${base}/${webRoot === null ? ' (not built: web/dist is missing)' : ''}`,
        `  API docs:  ${base}${API_DOCS_PATH}`,
        `  storage:   ${config.databaseUrl !== null ? 'PostgreSQL' : `SQLite ${config.dataFile}`}; dispatch ${config.dispatch}; anonymous role ${config.anonymousRole}`,
        '',
      ].join('\n'),
    );
    return { app, realtime, orchestrator, relay, store };
  } catch (err) {
    const quietly = (p: Promise<unknown> | undefined) => (p ?? Promise.resolve()).catch(() => undefined);
    await Promise.all([quietly(built.app?.close()), quietly(built.realtime?.close())]);
    await quietly(built.orchestrator?.stop());
    await quietly(built.relay?.close());
    await quietly(store.close());
    throw err;
  }
}

/** Stop accepting and let in-flight requests finish, disconnect sockets, stop timers, then close the store. */
async function stop({ app, realtime, orchestrator, relay, store }: Running): Promise<void> {
  await Promise.all([app.close(), realtime.close()]);
  await orchestrator.stop();
  await relay?.close();
  await store.close();
}

function addressPort(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return address !== null && typeof address === 'object' ? address.port : fallback;
}

/** The folder holding package.json, found upwards from this file (works from src/ under tsx and from dist/src/). */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

interface DeferredLogger extends Logger {
  attach(target: Logger): void;
}

/**
 * The services need a logger before the app (whose pino logger we want to share) exists:
 * log JSON lines to stderr until `attach`, then forward to the app's logger.
 */
function deferredLogger(): DeferredLogger {
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

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`Switchboard crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
