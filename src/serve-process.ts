import type { Config } from './config.js';
import { deferredLogger, startServer, type ServerHandle } from './server.js';

/** A second SIGINT/SIGTERM during shutdown, or shutdown taking longer than this, forces the exit. */
export const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Runs the server as this process's whole job, shared by `npm start` (main.ts) and
 * `switchboard serve`: starts it, stops it on SIGINT/SIGTERM (exit 0, or 1 when shutdown
 * fails or a second signal or the timeout forces it), and on a failed start writes why and
 * sets exit code 1. Call it only from an entry point: it installs signal handlers and exits.
 */
export async function runServer(config: Config): Promise<void> {
  const logger = deferredLogger();
  let running: ServerHandle | null = null;
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
    // Still starting: the server is stopped as soon as startServer returns.
    if (running === null) return;
    void running.close().then(
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
    running = await startServer(config, { logger });
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    process.stderr.write(`Switchboard failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  if (stopping) {
    await running.close();
    process.exit(0);
  }
}
